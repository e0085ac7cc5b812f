-- Fees and cash-office references per offering. Owned by internal/payment.
--
-- One row per tenant and service says how the fee is worked out (free, a
-- fixed amount, an amount per unit counted in a form field, a money field
-- the form's rules calculate, or set with the decision) and which
-- Haushaltsstelle and Kassenzeichen scheme the cash office books it
-- under. Without a row the service's catalogue fee applies.
CREATE TABLE fee_rules (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    service_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('free', 'fixed', 'per_quantity', 'calculated', 'on_decision')),
    amount_cents BIGINT NOT NULL DEFAULT 0 CHECK (amount_cents >= 0),
    -- The form field that counts the units (per_quantity) or holds the
    -- calculated amount (calculated), as a field path.
    field TEXT NOT NULL DEFAULT '',
    -- What one unit is, for the fee text: "je Hund".
    unit TEXT NOT NULL DEFAULT '',
    haushaltsstelle TEXT NOT NULL DEFAULT '',
    -- Kassenzeichen scheme with {JJJJ} for the year and a run of N for
    -- the tenant's yearly counter, e.g. 5.1000.{JJJJ}.{NNNNNN}.
    kassenzeichen_scheme TEXT NOT NULL DEFAULT '',
    updated_by TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, service_id)
);

-- The Haushaltsstelle a payment was booked under, kept with the payment
-- so that a later change of the rule does not rewrite the books.
ALTER TABLE payments ADD COLUMN haushaltsstelle TEXT NOT NULL DEFAULT '';
-- Payments for a fee set with the decision start on the submission, not
-- on a draft.
CREATE INDEX payments_submission_tenant ON payments (tenant_id, submission_id);

-- Fees set with the decision (fee rule kind on_decision): the amount the
-- Bescheid names, which the citizen then pays from the application's
-- status page. One per application; a corrected amount replaces it until
-- it is paid.
CREATE TABLE fee_assessments (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    submission_id TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    service_id TEXT NOT NULL DEFAULT '',
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    purpose TEXT NOT NULL DEFAULT '',
    haushaltsstelle TEXT NOT NULL DEFAULT '',
    kassenzeichen_scheme TEXT NOT NULL DEFAULT '',
    assessed_by TEXT NOT NULL DEFAULT '',
    assessed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, submission_id)
);
