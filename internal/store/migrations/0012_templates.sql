-- Re-use across the region: a tenant (or the region) publishes a service as
-- a template; versions are immutable; other tenants adopt a version as
-- their offering with local overrides.
CREATE TABLE templates (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES services (id),
    owner_tenant_id TEXT NOT NULL REFERENCES tenants (id),
    form_id TEXT NOT NULL,
    title TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (owner_tenant_id, service_id)
);
CREATE INDEX templates_service ON templates (service_id);

CREATE TABLE template_versions (
    id TEXT PRIMARY KEY,
    template_id TEXT NOT NULL REFERENCES templates (id),
    version INTEGER NOT NULL,
    form_json TEXT NOT NULL,
    workflow TEXT NOT NULL DEFAULT 'standard',
    fee_kind TEXT NOT NULL DEFAULT 'free',
    fee_cents BIGINT NOT NULL DEFAULT 0,
    notes TEXT NOT NULL DEFAULT '',
    published_by TEXT NOT NULL DEFAULT '',
    published_at TIMESTAMPTZ NOT NULL,
    UNIQUE (template_id, version)
);

-- A tenant's offering: the template version it runs and its own details.
CREATE TABLE offerings (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    service_id TEXT NOT NULL REFERENCES services (id),
    template_version_id TEXT NOT NULL REFERENCES template_versions (id),
    office TEXT NOT NULL DEFAULT '',
    fee_cents BIGINT,
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    opening_hours TEXT NOT NULL DEFAULT '',
    extra_text TEXT NOT NULL DEFAULT '',
    adopted_by TEXT NOT NULL DEFAULT '',
    adopted_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant_id, service_id)
);
CREATE INDEX offerings_version ON offerings (template_version_id);
