package delivery

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
)

// State is where a delivery stands.
type State string

// Delivery states.
const (
	// StatePending waits for its first attempt (or a retry by staff).
	StatePending State = "pending"
	// StateDelivering is claimed by a worker that is sending right now.
	StateDelivering State = "delivering"
	// StateDelivered was accepted by the destination (or kept in demo mode).
	StateDelivered State = "delivered"
	// StateFailed had a failed attempt; the next one is at NextAttemptAt.
	StateFailed State = "failed"
	// StateDead gave up after MaxAttempts (or a permanent error); staff
	// decide with Retry.
	StateDead State = "dead"
)

// Valid reports whether s is one of the states.
func (s State) Valid() bool {
	switch s {
	case StatePending, StateDelivering, StateDelivered, StateFailed, StateDead:
		return true
	}
	return false
}

// Label is the state in German, for staff pages.
func (s State) Label() string {
	switch s {
	case StatePending:
		return "wartet"
	case StateDelivering:
		return "wird zugestellt"
	case StateDelivered:
		return "zugestellt"
	case StateFailed:
		return "fehlgeschlagen, neuer Versuch geplant"
	case StateDead:
		return "aufgegeben – bitte prüfen und erneut versuchen"
	}
	return string(s)
}

// Delivery is one submission on its way to one destination.
type Delivery struct {
	// ID is random and stable across attempts: receivers deduplicate by it.
	ID             string
	TenantID       string
	SubmissionID   string
	TrackingNumber string
	// TargetID is empty for the default back-office delivery and after
	// the target was deleted.
	TargetID string
	Kind     string
	State    State
	// Attempts counts all attempts ever made.
	Attempts int
	// NextAttemptAt is when a failed delivery is tried again; zero if none
	// is planned.
	NextAttemptAt time.Time
	LastError     string
	// Reference is the receiver's identifier, if it gave one.
	Reference string
	// RemoteStatus is what the receiver last said about the application
	// (FIT-Connect: submitted, accepted, rejected …); see PollRemote.
	RemoteStatus string
	CreatedAt    time.Time
	DeliveredAt  time.Time
	// Target is the destination's configuration, with its secret opened;
	// filled only for the adapter, never by the listing functions.
	Target Target

	retryBase int
}

// Attempt outcomes.
const (
	OutcomeDelivered = "delivered"
	OutcomeKept      = "kept"
	OutcomeFailed    = "failed"
)

// Attempt is one try to deliver, for the staff's attempt log.
type Attempt struct {
	DeliveryID string
	// Number counts from 1 over the delivery's whole life.
	Number int
	At     time.Time
	// Outcome is OutcomeDelivered, OutcomeKept or OutcomeFailed.
	Outcome    string
	HTTPStatus int
	// Error is what went wrong, or a note (where a kept mail is) on success.
	Error    string
	Duration time.Duration
}

const deliveryColumns = `id, tenant_id, submission_id, tracking_number, COALESCE(target_id, ''), kind, state, attempts,
	retry_base, next_attempt_at, last_error, reference, remote_status, created_at, delivered_at FROM deliveries`

func scanDelivery(row interface{ Scan(...any) error }) (Delivery, error) {
	var d Delivery
	var next, delivered sql.NullTime
	err := row.Scan(&d.ID, &d.TenantID, &d.SubmissionID, &d.TrackingNumber, &d.TargetID, &d.Kind, &d.State, &d.Attempts,
		&d.retryBase, &next, &d.LastError, &d.Reference, &d.RemoteStatus, &d.CreatedAt, &delivered)
	if err != nil {
		return d, err
	}
	d.CreatedAt = d.CreatedAt.UTC()
	if next.Valid {
		d.NextAttemptAt = next.Time.UTC()
	}
	if delivered.Valid {
		d.DeliveredAt = delivered.Time.UTC()
	}
	return d, nil
}

// Get returns one delivery of the tenant; another tenant's is reported as
// missing (store.ErrNotFound).
func (s *Service) Get(ctx context.Context, tenantID, id string) (Delivery, error) {
	d, err := scanDelivery(s.db.QueryRow(ctx, `SELECT `+deliveryColumns+` WHERE id = ? AND tenant_id = ?`, id, tenantID))
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("delivery: %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("delivery: get %s: %w", id, err)
	}
	return d, nil
}

func (s *Service) deliveries(ctx context.Context, q string, args ...any) ([]Delivery, error) {
	rows, err := s.db.Query(ctx, `SELECT `+deliveryColumns+` WHERE `+q, args...)
	if err != nil {
		return nil, fmt.Errorf("delivery: list: %w", err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("delivery: list: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ForSubmission lists a submission's deliveries, oldest first, for the
// case view.
func (s *Service) ForSubmission(ctx context.Context, tenantID, submissionID string) ([]Delivery, error) {
	return s.deliveries(ctx, `tenant_id = ? AND submission_id = ? ORDER BY created_at, id`, tenantID, submissionID)
}

// Attempts returns a delivery's attempts, oldest first. A delivery of
// another tenant is reported as missing (store.ErrNotFound).
func (s *Service) Attempts(ctx context.Context, tenantID, deliveryID string) ([]Attempt, error) {
	if _, err := s.Get(ctx, tenantID, deliveryID); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT a.delivery_id, a.attempt, a.at, a.outcome, a.http_status, a.error, a.duration_ms
		FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
		WHERE a.delivery_id = ? AND d.tenant_id = ? ORDER BY a.attempt`, deliveryID, tenantID)
	if err != nil {
		return nil, fmt.Errorf("delivery: attempts: %w", err)
	}
	defer rows.Close()
	var out []Attempt
	for rows.Next() {
		var a Attempt
		var ms int64
		if err := rows.Scan(&a.DeliveryID, &a.Number, &a.At, &a.Outcome, &a.HTTPStatus, &a.Error, &ms); err != nil {
			return nil, fmt.Errorf("delivery: attempts: %w", err)
		}
		a.At = a.At.UTC()
		a.Duration = time.Duration(ms) * time.Millisecond
		out = append(out, a)
	}
	return out, rows.Err()
}
