-- Identity: accounts, sessions, one-time tokens, MFA, login throttling and
-- role grants. Owned by internal/identity.

-- Citizen and staff accounts. E-mail is stored normalised (trimmed,
-- lower-case) and is unique per kind, so a person may hold both a citizen
-- and a staff account under one address. It is NULL for a citizen who came
-- through an identity provider that sent no address.
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('citizen', 'staff')),
    email TEXT,
    name TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    email_verified_at TIMESTAMPTZ,
    mfa_required BOOLEAN NOT NULL DEFAULT FALSE,
    -- TOTP secret sealed with AES-256-GCM under the server key.
    totp_secret BYTEA,
    totp_confirmed_at TIMESTAMPTZ,
    -- The last accepted TOTP time step; a code is never accepted twice.
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    -- Trust level (basis, substanziell, hoch) of the last login.
    trust_level TEXT NOT NULL DEFAULT '',
    disabled_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    last_login_at TIMESTAMPTZ,
    UNIQUE (kind, email)
);

-- Links of an account to an identity at an OpenID Provider.
CREATE TABLE account_links (
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX account_links_account ON account_links (account_id);

-- MFA recovery codes; only SHA-256 hashes of 120-bit random codes.
CREATE TABLE recovery_codes (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    code_hash BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (account_id, code_hash)
);

-- One-time tokens (e-mail verification, password reset, resume links).
-- Only the SHA-256 hash of the token is stored. subject is an account ID or
-- whatever the issuing package keys the token to.
CREATE TABLE one_time_tokens (
    token_hash BYTEA PRIMARY KEY,
    purpose TEXT NOT NULL,
    subject TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX one_time_tokens_subject ON one_time_tokens (subject, purpose);
CREATE INDEX one_time_tokens_expires ON one_time_tokens (expires_at);

-- Server-side sessions. The cookie carries a random 256-bit token; only its
-- SHA-256 hash is stored, so a database dump yields no usable session.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    token_hash BYTEA NOT NULL UNIQUE,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    mfa_passed BOOLEAN NOT NULL,
    trust_level TEXT NOT NULL,
    auth_method TEXT NOT NULL,
    user_agent TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    idle_expires_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Failed logins per bucket (hashed e-mail or client network), shared by
-- all instances. Rows decay; there is no permanent lock-out.
CREATE TABLE login_failures (
    bucket TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure_at TIMESTAMPTZ NOT NULL,
    -- The attempt before the last, from which the current wait is measured.
    previous_at TIMESTAMPTZ
);

-- Roles of staff accounts, scoped to the region, an operator or a tenant.
CREATE TABLE role_grants (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('region_admin', 'operator_admin', 'tenant_admin', 'coordinator', 'caseworker')),
    operator_id TEXT REFERENCES operators (id) ON DELETE CASCADE,
    tenant_id TEXT REFERENCES tenants (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    CHECK (
        (role = 'region_admin' AND operator_id IS NULL AND tenant_id IS NULL)
        OR (role = 'operator_admin' AND operator_id IS NOT NULL AND tenant_id IS NULL)
        OR (role IN ('tenant_admin', 'coordinator', 'caseworker') AND operator_id IS NULL AND tenant_id IS NOT NULL)
    )
);
CREATE UNIQUE INDEX role_grants_unique ON role_grants (account_id, role, COALESCE(operator_id, ''), COALESCE(tenant_id, ''));
CREATE INDEX role_grants_tenant ON role_grants (tenant_id);
CREATE INDEX role_grants_operator ON role_grants (operator_id);

-- Services a caseworker grant is limited to; none means all of the tenant's.
CREATE TABLE role_grant_services (
    grant_id TEXT NOT NULL REFERENCES role_grants (id) ON DELETE CASCADE,
    service_slug TEXT NOT NULL,
    PRIMARY KEY (grant_id, service_slug)
);

-- The server key that seals TOTP secrets and signs CSRF tokens, for
-- installations that do not configure one (see identity.StoredKey).
CREATE TABLE identity_keys (
    name TEXT PRIMARY KEY,
    secret BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
