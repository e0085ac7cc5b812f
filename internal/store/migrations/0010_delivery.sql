-- Delivery outbox. Owned by internal/delivery.
--
-- A delivery is one submission handed to one destination (the portal's own
-- back office, a signed webhook, an office mailbox, later FIT-Connect). Rows
-- are inserted in the submit transaction together with their River jobs,
-- so a committed submission always gets its deliveries.

-- Where a tenant's applications go. service_id NULL applies to all of the
-- tenant's services; a service's own targets replace the tenant-wide ones.
CREATE TABLE delivery_targets (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    service_id TEXT REFERENCES services (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    -- The adapter's credential (the webhook's HMAC key), sealed with the
    -- tenant's data key; NULL when the kind needs none.
    secret BYTEA,
    -- Further adapter settings as a JSON object of strings.
    settings TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX delivery_targets_tenant ON delivery_targets (tenant_id, service_id);

CREATE TABLE deliveries (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    submission_id TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    tracking_number TEXT NOT NULL,
    -- NULL for the default back-office delivery and after the target was
    -- deleted; kind keeps what it was.
    target_id TEXT REFERENCES delivery_targets (id) ON DELETE SET NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'delivering', 'delivered', 'failed', 'dead')),
    -- Attempts ever made; attempt numbers in delivery_attempts are 1..attempts.
    attempts INTEGER NOT NULL DEFAULT 0,
    -- attempts at the last manual retry: the dead-letter limit counts from here.
    retry_base INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ,
    last_error TEXT NOT NULL DEFAULT '',
    -- The receiver's reference, when it gives one (e.g. a FIT-Connect submissionId).
    reference TEXT NOT NULL DEFAULT '',
    -- Held by the worker that is sending; a lapsed claim may be taken over.
    claim_token TEXT NOT NULL DEFAULT '',
    claimed_until TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    delivered_at TIMESTAMPTZ
);
CREATE INDEX deliveries_tenant_created ON deliveries (tenant_id, created_at, id);
CREATE INDEX deliveries_tenant_state ON deliveries (tenant_id, state, created_at, id);
CREATE INDEX deliveries_submission ON deliveries (submission_id);

-- Every attempt, so staff see what happened and when.
CREATE TABLE delivery_attempts (
    delivery_id TEXT NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    outcome TEXT NOT NULL,
    http_status INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    duration_ms BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (delivery_id, attempt)
);
