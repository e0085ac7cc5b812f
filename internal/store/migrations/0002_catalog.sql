-- The LeiKa and OZG catalogues as published (imported from CSV), and the
-- portal's own service catalogue with its Zuständigkeiten.
CREATE TABLE leika_themenfelder (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE leika_lebenslagen (
    id TEXT PRIMARY KEY,
    themenfeld_id TEXT NOT NULL REFERENCES leika_themenfelder (id),
    name TEXT NOT NULL
);

CREATE TABLE leika_ozg_leistungen (
    id TEXT PRIMARY KEY,
    lebenslage_id TEXT REFERENCES leika_lebenslagen (id),
    ozg_key TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT ''
);

CREATE TABLE leika_leistungen (
    id TEXT PRIMARY KEY,
    ozg_id TEXT REFERENCES leika_ozg_leistungen (id),
    leika_key TEXT NOT NULL,
    service_type TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    legal_basis TEXT NOT NULL DEFAULT '',
    law_shortcuts TEXT NOT NULL DEFAULT ''
);
CREATE INDEX leika_leistungen_key ON leika_leistungen (leika_key);

-- A service (Leistung) as the region describes it. Modules hold the
-- XZuFi-style texts as one JSON document.
CREATE TABLE services (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    leika_key TEXT NOT NULL DEFAULT '',
    local BOOLEAN NOT NULL DEFAULT FALSE,
    name TEXT NOT NULL,
    leika_name TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL CHECK (kind IN ('online', 'external', 'info')),
    external_url TEXT NOT NULL DEFAULT '',
    external_portal TEXT NOT NULL DEFAULT '',
    level TEXT NOT NULL CHECK (level IN ('gemeinde', 'kreis')),
    themenfeld TEXT NOT NULL DEFAULT '',
    lebenslagen TEXT NOT NULL DEFAULT '[]',
    keywords TEXT NOT NULL DEFAULT '[]',
    office TEXT NOT NULL DEFAULT '',
    online_form TEXT NOT NULL DEFAULT '',
    min_trust_level TEXT NOT NULL DEFAULT '',
    fee_kind TEXT NOT NULL DEFAULT 'free',
    fee_cents BIGINT NOT NULL DEFAULT 0,
    fee_text TEXT NOT NULL DEFAULT '',
    modules TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX services_leika ON services (leika_key);

-- Zuständigkeit: which tenant handles a service for the residents of which
-- municipality (area). The Kreis handles Kreis services for its cities.
CREATE TABLE responsibilities (
    service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    area_tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    PRIMARY KEY (service_id, area_tenant_id)
);
CREATE INDEX responsibilities_tenant ON responsibilities (tenant_id, service_id);
