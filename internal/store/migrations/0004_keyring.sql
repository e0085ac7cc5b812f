-- Per-tenant data keys, each wrapped (AES-256-GCM) under the master key
-- from the configuration. A database dump alone reveals no citizen data.
CREATE TABLE tenant_keys (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    wrapped_key BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, version)
);
