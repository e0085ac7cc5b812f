-- Where an attachment's content lies in a pack (SQLite mode): the pack
-- file below files/<tenant>/packs/, and the byte range of the content in
-- it. Small files are appended to packs instead of each getting a file of
-- its own (internal/filestore, pack.go). Attachments without a pack keep
-- their file or their rows in attachment_chunks.
ALTER TABLE attachments ADD COLUMN pack TEXT;
ALTER TABLE attachments ADD COLUMN pack_offset BIGINT;
ALTER TABLE attachments ADD COLUMN pack_length BIGINT;
-- The sweeper reads a pack's live ranges in order to free the rest.
CREATE INDEX attachments_pack ON attachments (tenant_id, pack, pack_offset) WHERE pack IS NOT NULL;
