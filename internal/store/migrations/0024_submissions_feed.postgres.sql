-- Back-end systems page through new applications (submission.Since). A
-- position by submission time can be overtaken: the time is taken before
-- the submit transaction, so two applications can commit in the other
-- order, and the one committed second was never listed. Each row keeps
-- the ID of the transaction that inserted it; the list follows that ID
-- and reads only below the oldest transaction still running
-- (pg_snapshot_xmin), below which no commit can come any more.
ALTER TABLE submissions ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX submissions_feed ON submissions (tenant_id, txid, id);
