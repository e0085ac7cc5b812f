-- Only attachments of drafts are looked up by draft; once submitted, an
-- attachment's draft_id is NULL. SQLite's statistics count all NULLs as
-- one value, so after the hourly optimize had analysed a table of mostly
-- submitted attachments, the planner took draft_id for unselective and
-- scanned the whole table to move a draft's files on every submit
-- (measured: half a millisecond at 1,500 rows, growing with the table).
-- A partial index holds, and counts, only the rows drafts look up.
DROP INDEX attachments_draft;
CREATE INDEX attachments_draft ON attachments (draft_id) WHERE draft_id IS NOT NULL;
