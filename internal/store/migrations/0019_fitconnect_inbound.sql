-- FIT-Connect destinations (Zustellpunkte) whose submissions the portal's
-- back office receives for a tenant as subscriber, and what became of each
-- submission it saw. Owned by internal/inbound.
CREATE TABLE fitconnect_receivers (
    -- Random; it names the callback URL, so it is never a counter.
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    destination_id TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL DEFAULT '',
    token_url TEXT NOT NULL,
    submission_url TEXT NOT NULL,
    client_id TEXT NOT NULL,
    -- Client secret, private keys and callback secret as JSON, sealed with
    -- the tenant's data key.
    secrets BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX fitconnect_receivers_tenant ON fitconnect_receivers (tenant_id);

CREATE TABLE fitconnect_inbound (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    receiver_id TEXT NOT NULL REFERENCES fitconnect_receivers (id) ON DELETE CASCADE,
    -- FIT-Connect's ids of the submission and its case (Vorgang).
    submission_id TEXT NOT NULL,
    case_id TEXT NOT NULL,
    -- waiting: not taken yet; stored: in the inbox, confirmation not yet
    -- posted; accepted; rejected; expired: the Zustelldienst rejected it
    -- after 14 days.
    state TEXT NOT NULL,
    service_identifier TEXT NOT NULL DEFAULT '',
    local_submission_id TEXT REFERENCES submissions (id) ON DELETE SET NULL,
    -- The problems of a rejection, as JSON.
    problems TEXT NOT NULL DEFAULT '[]',
    last_error TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0,
    -- When the Zustelldienst recorded the submission: the 3- and 14-day
    -- clocks run from here.
    submitted_at TIMESTAMPTZ,
    first_seen_at TIMESTAMPTZ NOT NULL,
    decided_at TIMESTAMPTZ,
    PRIMARY KEY (receiver_id, submission_id)
);
CREATE INDEX fitconnect_inbound_tenant ON fitconnect_inbound (tenant_id, first_seen_at);
CREATE INDEX fitconnect_inbound_open ON fitconnect_inbound (receiver_id, state);
