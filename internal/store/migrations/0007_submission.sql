-- Drafts, submissions and their attachments. Payloads and attachment
-- chunks are sealed with the tenant's data key (see keyring).
CREATE TABLE drafts (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    service_id TEXT NOT NULL REFERENCES services (id),
    form_id TEXT NOT NULL,
    form_version TEXT NOT NULL,
    account_id TEXT,
    resume_hash TEXT NOT NULL UNIQUE,
    step TEXT NOT NULL DEFAULT '',
    payload BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX drafts_tenant_account ON drafts (tenant_id, account_id);
CREATE INDEX drafts_expires ON drafts (expires_at);

CREATE TABLE submissions (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    service_id TEXT NOT NULL REFERENCES services (id),
    form_id TEXT NOT NULL,
    form_version TEXT NOT NULL,
    account_id TEXT,
    tracking_number TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    status_hash TEXT NOT NULL UNIQUE,
    status_token BYTEA NOT NULL,
    status TEXT NOT NULL,
    payload BYTEA,
    payload_sha512 TEXT NOT NULL,
    contact_email TEXT NOT NULL DEFAULT '',
    submitted_at TIMESTAMPTZ NOT NULL,
    payload_deleted_at TIMESTAMPTZ,
    UNIQUE (tenant_id, idempotency_key),
    UNIQUE (tenant_id, tracking_number)
);
CREATE INDEX submissions_account ON submissions (tenant_id, account_id, submitted_at);

CREATE TABLE tracking_counters (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    year INTEGER NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, year)
);

-- Status timeline the citizen sees.
CREATE TABLE submission_events (
    id TEXT PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX submission_events_submission ON submission_events (submission_id, at);

-- An attachment belongs to a draft while the citizen fills the form, then
-- to the submission. Content lives in fixed-size sealed chunks, so files
-- stream in and out and commit atomically with the submission.
CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    draft_id TEXT REFERENCES drafts (id) ON DELETE CASCADE,
    submission_id TEXT REFERENCES submissions (id) ON DELETE CASCADE,
    owner TEXT NOT NULL DEFAULT '',
    field_path TEXT NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha512 TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX attachments_draft ON attachments (draft_id);
CREATE INDEX attachments_submission ON attachments (submission_id);

CREATE TABLE attachment_chunks (
    attachment_id TEXT NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (attachment_id, seq)
);
