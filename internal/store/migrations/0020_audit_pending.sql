-- Audit events waiting for their place in the tenant's hash chain. An
-- action writes its event here, in its own transaction; the sealer
-- (internal/audit) moves events into audit_events within a second,
-- assigning seq and hash under the chain head's lock. Actions of one
-- tenant thus no longer queue on audit_heads until each one commits.
CREATE TABLE audit_pending (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL DEFAULT '',
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_pending_order ON audit_pending (tenant_id, at, id);
