-- Back-end clients (Fachverfahren that do not speak FIT-Connect) and their
-- OAuth2 access tokens. Owned by internal/backend.
--
-- A client belongs to one tenant and sees only that tenant's applications
-- of the services it was given (or all of them when all_services is set,
-- which the admin chooses explicitly). Secrets and tokens are kept only as
-- SHA-256 hashes: both are 256 random bits, so a hash cannot be reversed
-- by guessing, and a database dump lets no one call the API.
CREATE TABLE backend_clients (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    all_services BOOLEAN NOT NULL DEFAULT FALSE,
    -- Where new applications are announced; empty for none.
    webhook_url TEXT NOT NULL DEFAULT '',
    -- The webhook's HMAC key, sealed with the tenant's data key (the portal
    -- must sign with it, so it cannot be a hash); NULL without a webhook.
    webhook_secret BYTEA,
    created_by TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX backend_clients_tenant ON backend_clients (tenant_id, created_at);

CREATE TABLE backend_client_services (
    client_id TEXT NOT NULL REFERENCES backend_clients (id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    PRIMARY KEY (client_id, service_id)
);

CREATE TABLE backend_tokens (
    token_hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES backend_clients (id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    expires_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX backend_tokens_client ON backend_tokens (client_id, expires_at);

-- The back-end API lists a tenant's applications oldest first, page by
-- page (submitted_at, id); without this index every page sorts them all.
CREATE INDEX submissions_tenant_submitted ON submissions (tenant_id, submitted_at, id);
