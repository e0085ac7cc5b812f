-- Operators (kommunale Rechenzentren) and tenants (Gebietskörperschaften).
CREATE TABLE operators (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    short_name TEXT NOT NULL,
    website TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE tenants (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    short_name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('region', 'kreis', 'kreisfreie_stadt', 'grosse_kreisangehoerige_stadt', 'mittlere_kreisangehoerige_stadt', 'kreisangehoerige_gemeinde')),
    code TEXT NOT NULL UNIQUE,
    ags TEXT NOT NULL DEFAULT '',
    ars TEXT NOT NULL DEFAULT '',
    parent_id TEXT REFERENCES tenants (id),
    operator_id TEXT NOT NULL REFERENCES operators (id),
    population INTEGER NOT NULL DEFAULT 0,
    population_date TEXT NOT NULL DEFAULT '',
    color TEXT NOT NULL DEFAULT '',
    street TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    supervisory_authority TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX tenants_parent ON tenants (parent_id);
CREATE INDEX tenants_ags ON tenants (ags);

-- Host names under which a tenant's own portal is reached.
CREATE TABLE tenant_hosts (
    host TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE
);
CREATE INDEX tenant_hosts_tenant ON tenant_hosts (tenant_id);

-- Postcodes and place names answer "Wo wohnen Sie?".
CREATE TABLE tenant_postcodes (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    postcode TEXT NOT NULL,
    PRIMARY KEY (tenant_id, postcode)
);
CREATE INDEX tenant_postcodes_postcode ON tenant_postcodes (postcode);

CREATE TABLE tenant_places (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    folded TEXT NOT NULL,
    PRIMARY KEY (tenant_id, folded)
);
CREATE INDEX tenant_places_folded ON tenant_places (folded);
