-- The back-office life of a submission: workflow state, assignee,
-- deadline, decision; history is append-only.
CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    submission_id TEXT NOT NULL UNIQUE REFERENCES submissions (id),
    service_id TEXT NOT NULL REFERENCES services (id),
    tracking_number TEXT NOT NULL,
    workflow TEXT NOT NULL,
    state TEXT NOT NULL,
    assignee_id TEXT,
    received_at TIMESTAMPTZ NOT NULL,
    deadline_at TIMESTAMPTZ,
    decision TEXT NOT NULL DEFAULT '',
    decided_at TIMESTAMPTZ,
    closed_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX cases_inbox ON cases (tenant_id, received_at, id);
CREATE INDEX cases_state ON cases (tenant_id, state, received_at, id);
CREATE INDEX cases_assignee ON cases (tenant_id, assignee_id, received_at, id);
CREATE INDEX cases_service ON cases (tenant_id, service_id, received_at, id);
CREATE INDEX cases_deadline ON cases (tenant_id, deadline_at);

CREATE TABLE case_history (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    tenant_id TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_history_case ON case_history (tenant_id, case_id, at);

CREATE TABLE case_notes (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    tenant_id TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    author TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX case_notes_case ON case_notes (tenant_id, case_id, at);

CREATE TABLE document_requests (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    tenant_id TEXT NOT NULL,
    text TEXT NOT NULL,
    due_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    answered_at TIMESTAMPTZ,
    reminded_at TIMESTAMPTZ
);
CREATE INDEX document_requests_case ON document_requests (tenant_id, case_id);
CREATE INDEX document_requests_due ON document_requests (due_at);
