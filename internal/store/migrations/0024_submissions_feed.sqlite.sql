-- Back-end systems page through new applications (submission.Since). A
-- position by submission time can be overtaken: the time is taken before
-- the submit transaction, so two applications can commit in the other
-- order, and the one committed second was never listed. SQLite's one
-- writer assigns rowids in commit order (submissions are never deleted,
-- so none is reused): the list follows rowid, which the table's own
-- B-tree serves. Nothing to change in the schema.
SELECT 1;
