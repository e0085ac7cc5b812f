-- What the receiver last said about a delivered application, read from its
-- event log (FIT-Connect: accepted, rejected …). Owned by internal/delivery.
-- Polling stops once the status is final.
ALTER TABLE deliveries ADD COLUMN remote_status TEXT NOT NULL DEFAULT '';
CREATE INDEX deliveries_remote ON deliveries (tenant_id, kind, state, remote_status);
