-- ePayment. Owned by internal/payment.
--
-- A payment is one attempt to pay a fee through one provider (pmPayment,
-- ePayBL or the demo's test provider). It starts on a draft, before the
-- application is submitted, and is linked to the submission inside the
-- submit transaction. Payments are financial records: they outlive the
-- draft (draft_id carries no foreign key, drafts are deleted on submit or
-- after 30 days) and the submission's retention (submission_id is cleared,
-- the row stays for the Finanzverfahren).
CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    draft_id TEXT NOT NULL DEFAULT '',
    submission_id TEXT REFERENCES submissions (id) ON DELETE SET NULL,
    service_id TEXT NOT NULL DEFAULT '',
    provider TEXT NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    currency TEXT NOT NULL DEFAULT 'EUR',
    purpose TEXT NOT NULL DEFAULT '',
    kassenzeichen TEXT NOT NULL,
    -- The provider's transaction id (pmPayment txid, ePayBL transactionId).
    provider_ref TEXT NOT NULL DEFAULT '',
    -- XBezahldienste paymentMethod (GIROPAY, CREDITCARD, PAYPAL, OTHER …).
    method TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('INITIAL', 'PAYED', 'FAILED', 'CANCELED', 'EXPIRED')),
    -- Where the citizen was sent; reused when they click "bezahlen" twice.
    redirect_url TEXT NOT NULL DEFAULT '',
    refunded_cents BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    paid_at TIMESTAMPTZ,
    UNIQUE (tenant_id, kassenzeichen)
);
CREATE INDEX payments_draft ON payments (tenant_id, draft_id);
CREATE INDEX payments_submission ON payments (submission_id);
CREATE INDEX payments_status ON payments (status, created_at);
CREATE INDEX payments_paid ON payments (tenant_id, paid_at);

-- Append-only log of everything that happened to a payment: start,
-- verified notifications, status checks, rejected notifications, expiry,
-- refunds, the link to the submission.
CREATE TABLE payment_events (
    id TEXT PRIMARY KEY,
    payment_id TEXT NOT NULL REFERENCES payments (id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    status_from TEXT NOT NULL DEFAULT '',
    status_to TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX payment_events_payment ON payment_events (payment_id, created_at);

-- Refunds (Erstattungen) booked by the cash office, recorded here so the
-- case and the daily export show them.
CREATE TABLE payment_refunds (
    id TEXT PRIMARY KEY,
    payment_id TEXT NOT NULL REFERENCES payments (id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    provider_ref TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    actor TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX payment_refunds_tenant ON payment_refunds (tenant_id, created_at);

-- Kassenzeichen counters per tenant and year: REC-2026-Z000001.
CREATE TABLE payment_counters (
    tenant_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    last BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, year)
);

-- The books of the demo's test provider ("Testzahlung"): what the provider
-- knows, kept apart from payments so that its status check is a second,
-- independent source just as a real provider's is.
CREATE TABLE payment_test_transactions (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    currency TEXT NOT NULL,
    purpose TEXT NOT NULL DEFAULT '',
    kassenzeichen TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    return_url TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
