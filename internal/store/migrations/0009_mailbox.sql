-- Messages between citizen and authority about one application.
CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    submission_id TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    direction TEXT NOT NULL CHECK (direction IN ('to_citizen', 'to_authority')),
    author TEXT NOT NULL,
    subject TEXT NOT NULL,
    body BYTEA NOT NULL,
    attachment_ids TEXT NOT NULL DEFAULT '[]',
    created_at TIMESTAMPTZ NOT NULL,
    read_at TIMESTAMPTZ
);
CREATE INDEX messages_submission ON messages (tenant_id, submission_id, created_at);
