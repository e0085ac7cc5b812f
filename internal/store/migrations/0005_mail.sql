-- Outgoing e-mail outbox. Owned by internal/mail.
--
-- A row is inserted in the transaction of the change that causes the mail,
-- so the mail exists exactly when that change commits. Dispatchers on any
-- number of instances claim due rows by a conditional UPDATE (state,
-- claim_token, claimed_until) and record the outcome.
CREATE TABLE mail_outbox (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    to_address TEXT NOT NULL,
    to_name TEXT NOT NULL DEFAULT '',
    from_name TEXT NOT NULL DEFAULT '',
    reply_to TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html BOOLEAN NOT NULL DEFAULT FALSE,
    -- The body holds a credential (reset or verification link); it is
    -- erased once the mail is sent.
    secret BOOLEAN NOT NULL DEFAULT FALSE,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'kept')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    -- When a pending or failed mail is due; NULL once nothing is planned.
    next_attempt_at TIMESTAMPTZ,
    -- Set by the dispatcher holding the claim; a claim whose lease lapsed
    -- (the instance died mid-send) may be taken over.
    claim_token TEXT NOT NULL DEFAULT '',
    claimed_until TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ
);
-- Dispatchers look for due mails.
CREATE INDEX mail_outbox_due ON mail_outbox (state, next_attempt_at);
-- The admin outbox lists newest first, per tenant or across all.
CREATE INDEX mail_outbox_tenant_created ON mail_outbox (tenant_id, created_at, id);
CREATE INDEX mail_outbox_created ON mail_outbox (created_at, id);
