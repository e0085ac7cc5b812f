-- Progress over time on the maturity dashboard. The Reifegrad is computed
-- from the live configuration, so yesterday's figures cannot be computed
-- again later: once a day the portal writes each tenant's figures down.
-- day is the calendar day in Europe/Berlin as YYYY-MM-DD; as TEXT it sorts
-- and compares the same way on PostgreSQL and SQLite, and one row per
-- tenant and day makes the daily job safe to run twice (upsert).
CREATE TABLE maturity_snapshots (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    day TEXT NOT NULL,
    -- services: services the tenant is responsible for whose maturity the
    -- portal can assess (state-portal services are left out).
    services INTEGER NOT NULL,
    -- online: model 1.1 level 2 or more (can be applied for online).
    online INTEGER NOT NULL,
    -- compliant: model 1.1 level 3 or more (OZG-konform).
    compliant INTEGER NOT NULL,
    -- Number of services on each level of model 1.1 (0-4) and 2.0 (0-7).
    l11_0 INTEGER NOT NULL DEFAULT 0,
    l11_1 INTEGER NOT NULL DEFAULT 0,
    l11_2 INTEGER NOT NULL DEFAULT 0,
    l11_3 INTEGER NOT NULL DEFAULT 0,
    l11_4 INTEGER NOT NULL DEFAULT 0,
    l20_0 INTEGER NOT NULL DEFAULT 0,
    l20_1 INTEGER NOT NULL DEFAULT 0,
    l20_2 INTEGER NOT NULL DEFAULT 0,
    l20_3 INTEGER NOT NULL DEFAULT 0,
    l20_4 INTEGER NOT NULL DEFAULT 0,
    l20_5 INTEGER NOT NULL DEFAULT 0,
    l20_6 INTEGER NOT NULL DEFAULT 0,
    l20_7 INTEGER NOT NULL DEFAULT 0,
    taken_at TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant_id, day)
);
