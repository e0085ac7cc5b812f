package casework

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/serviceportal/serviceportal/internal/audit"
	"github.com/serviceportal/serviceportal/internal/store"
)

// Case is a submission's life in the back office.
type Case struct {
	ID             string
	TenantID       string
	SubmissionID   string
	ServiceID      string
	TrackingNumber string
	Workflow       string
	State          string
	AssigneeID     string
	ReceivedAt     time.Time
	DeadlineAt     *time.Time
	Decision       string
	DecidedAt      *time.Time
	ClosedAt       *time.Time
	UpdatedAt      time.Time
}

// Overdue reports whether the deadline has passed on an open case.
func (c Case) Overdue(now time.Time) bool {
	return c.ClosedAt == nil && c.DeadlineAt != nil && now.After(*c.DeadlineAt)
}

// RoleSource tells which workflow roles an account holds for a tenant and
// service; the identity package implements it, so permission rules stay in
// one place.
type RoleSource interface {
	RolesFor(ctx context.Context, accountID, tenantID, serviceID string) ([]string, error)
}

// Input carries what a transition may require.
type Input struct {
	Note     string
	Deadline time.Time
	// DocumentID is the attachment holding the Bescheid.
	DocumentID string
}

// TransitionHook runs inside the transaction of every state change, e.g. to
// update the citizen's timeline or put the Bescheid into the mailbox.
type TransitionHook func(ctx context.Context, c Case, t Transition, to State, in Input) error

// Errors of the case engine; the web layer turns them into German messages.
var (
	ErrForbidden     = errors.New("casework: not allowed")
	ErrNotAllowed    = errors.New("casework: action not possible in this state")
	ErrMissingInput  = errors.New("casework: required input missing")
	ErrUnknownAction = errors.New("casework: unknown action")
)

// Cases is the back-office use case.
type Cases struct {
	db        *store.DB
	audit     *audit.Log
	roles     RoleSource
	workflows map[string]Workflow
	hooks     []TransitionHook
	now       func() time.Time
}

// New returns the case engine. Workflows are looked up by id; the default
// one is always present.
func New(db *store.DB, log *audit.Log, roles RoleSource, workflows ...Workflow) *Cases {
	c := &Cases{db: db, audit: log, roles: roles, workflows: map[string]Workflow{}, now: func() time.Time { return time.Now().UTC() }}
	d := DefaultWorkflow()
	c.workflows[d.ID] = d
	for _, w := range workflows {
		c.workflows[w.ID] = w
	}
	return c
}

// AddHook appends a transition hook.
func (c *Cases) AddHook(h TransitionHook) { c.hooks = append(c.hooks, h) }

// WorkflowOf returns the workflow a case follows.
func (c *Cases) WorkflowOf(cs Case) Workflow {
	if w, ok := c.workflows[cs.Workflow]; ok {
		return w
	}
	return c.workflows["standard"]
}

// OpenInput describes a new case.
type OpenInput struct {
	TenantID, SubmissionID, ServiceID, TrackingNumber string
	ReceivedAt                                        time.Time
	// Deadline derives from the service's processing duration; zero for none.
	Deadline time.Time
	Workflow string
}

// Open creates the case for a new submission (inside the submit
// transaction) in the workflow's initial state.
func (c *Cases) Open(ctx context.Context, in OpenInput) (Case, error) {
	w, ok := c.workflows[in.Workflow]
	if !ok {
		w = c.workflows["standard"]
	}
	cs := Case{ID: store.NewID(), TenantID: in.TenantID, SubmissionID: in.SubmissionID, ServiceID: in.ServiceID,
		TrackingNumber: in.TrackingNumber, Workflow: w.ID, State: w.Initial, ReceivedAt: in.ReceivedAt, UpdatedAt: c.now()}
	if !in.Deadline.IsZero() {
		cs.DeadlineAt = &in.Deadline
	}
	err := c.db.Defer(ctx, `INSERT INTO cases (id, tenant_id, submission_id, service_id, tracking_number, workflow, state, received_at, deadline_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, cs.ID, cs.TenantID, cs.SubmissionID, cs.ServiceID, cs.TrackingNumber, cs.Workflow, cs.State,
		cs.ReceivedAt, cs.DeadlineAt, cs.UpdatedAt)
	if err != nil {
		return cs, fmt.Errorf("casework: open: %w", err)
	}
	return cs, c.history(ctx, cs, "system", "opened", "", cs.State, "")
}

const caseColumns = `id, tenant_id, submission_id, service_id, tracking_number, workflow, state, COALESCE(assignee_id, ''),
	received_at, deadline_at, decision, decided_at, closed_at, updated_at`

func scanCase(row interface{ Scan(...any) error }) (Case, error) {
	var cs Case
	err := row.Scan(&cs.ID, &cs.TenantID, &cs.SubmissionID, &cs.ServiceID, &cs.TrackingNumber, &cs.Workflow, &cs.State, &cs.AssigneeID,
		&cs.ReceivedAt, &cs.DeadlineAt, &cs.Decision, &cs.DecidedAt, &cs.ClosedAt, &cs.UpdatedAt)
	return cs, err
}

// Get returns a tenant's case.
func (c *Cases) Get(ctx context.Context, tenantID, id string) (Case, error) {
	cs, err := scanCase(c.db.QueryRow(ctx, `SELECT `+caseColumns+` FROM cases WHERE tenant_id = ? AND id = ?`, tenantID, id))
	return cs, notFound(err)
}

// BySubmission returns the case of a submission.
func (c *Cases) BySubmission(ctx context.Context, tenantID, submissionID string) (Case, error) {
	cs, err := scanCase(c.db.QueryRow(ctx, `SELECT `+caseColumns+` FROM cases WHERE tenant_id = ? AND submission_id = ?`, tenantID, submissionID))
	return cs, notFound(err)
}

// CaseIDs maps submissions of the tenant to their cases' IDs, in one
// query for a page that lists many; submissions without a case (or of
// another tenant) are left out.
func (c *Cases) CaseIDs(ctx context.Context, tenantID string, submissionIDs []string) (map[string]string, error) {
	out := make(map[string]string, len(submissionIDs))
	if len(submissionIDs) == 0 {
		return out, nil
	}
	args := make([]any, 0, len(submissionIDs)+1)
	args = append(args, tenantID)
	for _, id := range submissionIDs {
		args = append(args, id)
	}
	rows, err := c.db.Query(ctx, `SELECT submission_id, id FROM cases WHERE tenant_id = ? AND submission_id IN (?`+
		strings.Repeat(`, ?`, len(submissionIDs)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("casework: cases of submissions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sub, id string
		if err := rows.Scan(&sub, &id); err != nil {
			return nil, fmt.Errorf("casework: cases of submissions: %w", err)
		}
		out[sub] = id
	}
	return out, rows.Err()
}

// RolesFor returns the actor's roles for the case; "system" acts as itself.
func (c *Cases) rolesFor(ctx context.Context, actorID string, cs Case) ([]string, error) {
	if actorID == "system" {
		return []string{"system"}, nil
	}
	if c.roles == nil {
		return nil, nil
	}
	return c.roles.RolesFor(ctx, actorID, cs.TenantID, cs.ServiceID)
}

// Allowed lists what the actor can do with the case now.
func (c *Cases) Allowed(ctx context.Context, actorID string, cs Case) ([]Transition, error) {
	roles, err := c.rolesFor(ctx, actorID, cs)
	if err != nil {
		return nil, err
	}
	return c.WorkflowOf(cs).Allowed(cs.State, roles), nil
}

// CanView reports whether the actor may see the case at all.
func (c *Cases) CanView(ctx context.Context, actorID string, cs Case) (bool, error) {
	roles, err := c.rolesFor(ctx, actorID, cs)
	return len(roles) > 0, err
}

// Apply performs a workflow action: it checks the actor's roles, the
// current state and the required inputs on the server, changes the state,
// appends the history, records an audit event and runs the hooks, all in
// one transaction.
func (c *Cases) Apply(ctx context.Context, actorID, tenantID, caseID, action string, in Input) (Case, error) {
	var out Case
	err := c.db.InTx(ctx, func(ctx context.Context) error {
		cs, err := c.Get(ctx, tenantID, caseID)
		if err != nil {
			return err
		}
		w := c.WorkflowOf(cs)
		t, ok := w.Transition(action)
		if !ok {
			return ErrUnknownAction
		}
		roles, err := c.rolesFor(ctx, actorID, cs)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(t.Roles, func(r string) bool { return slices.Contains(roles, r) }) {
			return ErrForbidden
		}
		if !slices.Contains(t.From, cs.State) {
			return ErrNotAllowed
		}
		for _, req := range t.Requires {
			if (req == NeedNote && in.Note == "") || (req == NeedDeadline && !in.Deadline.After(c.now())) || (req == NeedDocument && in.DocumentID == "") {
				return fmt.Errorf("%w: %s", ErrMissingInput, req)
			}
		}
		to, _ := w.State(t.To)
		from := cs.State
		now := c.now()
		cs.State, cs.UpdatedAt = to.ID, now
		if to.Decision != "" {
			cs.Decision, cs.DecidedAt = to.Decision, &now
		}
		if to.Final {
			cs.ClosedAt = &now
		}
		if _, err := c.db.Exec(ctx, `UPDATE cases SET state = ?, decision = ?, decided_at = ?, closed_at = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
			cs.State, cs.Decision, cs.DecidedAt, cs.ClosedAt, now, tenantID, caseID); err != nil {
			return fmt.Errorf("casework: apply: %w", err)
		}
		if err := c.history(ctx, cs, actorID, action, from, to.ID, in.Note); err != nil {
			return err
		}
		if slices.Contains(t.Effects, "request_documents") {
			if err := c.requestDocuments(ctx, cs, in); err != nil {
				return err
			}
		}
		if err := c.audit.Record(ctx, tenantID, actorLabel(actorID), "case."+action, "case:"+caseID,
			map[string]string{"from": from, "to": to.ID}); err != nil {
			return err
		}
		for _, h := range c.hooks {
			if err := h(ctx, cs, t, to, in); err != nil {
				return err
			}
		}
		out = cs
		return nil
	})
	return out, err
}

func notFound(err error) error {
	if errors.Is(err, sqlNoRows) {
		return store.ErrNotFound
	}
	return err
}

func actorLabel(id string) string {
	if id == "system" {
		return "system"
	}
	return "account:" + id
}
