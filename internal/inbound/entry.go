package inbound

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/serviceportal/serviceportal/internal/fitconnect"
)

// States of a received submission.
const (
	// StateWaiting: seen, not yet in the inbox (a key is missing, or the
	// Zustelldienst could not be reached).
	StateWaiting = "waiting"
	// StateStored: in the inbox; the confirmation is not posted yet.
	StateStored = "stored"
	// StateAccepted: in the inbox and confirmed.
	StateAccepted = "accepted"
	// StateRejected: refused with problems.
	StateRejected = "rejected"
	// StateExpired: the Zustelldienst rejected it after 14 days.
	StateExpired = "expired"
)

// The Zustelldienst's clocks (docs.fitko.de, receiving): after 3 days
// without pick-up it notifies the destination's technical contact, after
// 14 days in state submitted it rejects the submission itself.
const (
	NoticeAfter = 3 * 24 * time.Hour
	RejectAfter = 14 * 24 * time.Hour
)

// Entry is one submission a destination received, with its clocks.
type Entry struct {
	ReceiverID        string
	SubmissionID      string
	CaseID            string
	State             string
	ServiceIdentifier string
	LocalSubmissionID string
	Problems          []fitconnect.Problem
	LastError         string
	Attempts          int
	SubmittedAt       time.Time
	FirstSeenAt       time.Time
	DecidedAt         time.Time
}

// StateLabel is the state in German.
func (e Entry) StateLabel() string {
	switch e.State {
	case StateWaiting:
		return "wartet"
	case StateStored:
		return "im Posteingang, Bestätigung ausstehend"
	case StateAccepted:
		return "angenommen"
	case StateRejected:
		return "zurückgewiesen"
	case StateExpired:
		return "vom Zustelldienst zurückgewiesen (14 Tage abgelaufen)"
	}
	return e.State
}

// Open reports whether the Zustelldienst's clocks still run for it.
func (e Entry) Open() bool { return e.State == StateWaiting || e.State == StateStored }

// clockStart is the submission time, or when the portal first saw it if
// the event log did not say.
func (e Entry) clockStart() time.Time {
	if !e.SubmittedAt.IsZero() {
		return e.SubmittedAt
	}
	return e.FirstSeenAt
}

// NoticeAt is when the Zustelldienst tells the technical contact.
func (e Entry) NoticeAt() time.Time { return e.clockStart().Add(NoticeAfter) }

// RejectAt is when the Zustelldienst rejects the submission on its own.
func (e Entry) RejectAt() time.Time { return e.clockStart().Add(RejectAfter) }

// Overdue reports whether an open submission passed the 3-day mark.
func (e Entry) Overdue(now time.Time) bool { return e.Open() && !now.Before(e.NoticeAt()) }

const entryColumns = `receiver_id, submission_id, case_id, state, service_identifier, local_submission_id, problems, last_error,
	attempts, submitted_at, first_seen_at, decided_at`

func scanEntry(sc interface{ Scan(...any) error }) (Entry, error) {
	var e Entry
	var local sql.NullString
	var problems string
	var submitted, decided sql.NullTime
	if err := sc.Scan(&e.ReceiverID, &e.SubmissionID, &e.CaseID, &e.State, &e.ServiceIdentifier, &local, &problems, &e.LastError,
		&e.Attempts, &submitted, &e.FirstSeenAt, &decided); err != nil {
		return e, err
	}
	e.LocalSubmissionID, e.SubmittedAt, e.DecidedAt = local.String, submitted.Time, decided.Time
	if err := json.Unmarshal([]byte(problems), &e.Problems); err != nil {
		return e, fmt.Errorf("inbound: problems: %w", err)
	}
	return e, nil
}

// Entries lists what the tenant's destinations received, newest first.
func (s *Service) Entries(ctx context.Context, tenantID string, limit int) ([]Entry, error) {
	rows, err := s.db.Query(ctx, `SELECT `+entryColumns+` FROM fitconnect_inbound WHERE tenant_id = ?
		ORDER BY first_seen_at DESC, submission_id LIMIT ?`, tenantID, limit)
	if err != nil {
		return nil, fmt.Errorf("inbound: entries: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// entry returns the row of a submission, creating it as waiting.
func (s *Service) entry(ctx context.Context, r Receiver, ref fitconnect.SubmissionRef) (Entry, error) {
	if _, err := s.db.Exec(ctx, `INSERT INTO fitconnect_inbound (tenant_id, receiver_id, submission_id, case_id, state, first_seen_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (receiver_id, submission_id) DO NOTHING`,
		r.TenantID, r.ID, ref.SubmissionID, ref.CaseID, StateWaiting, s.now()); err != nil {
		return Entry{}, fmt.Errorf("inbound: entry: %w", err)
	}
	return scanEntry(s.db.QueryRow(ctx, `SELECT `+entryColumns+` FROM fitconnect_inbound WHERE tenant_id = ? AND receiver_id = ? AND submission_id = ?`,
		r.TenantID, r.ID, ref.SubmissionID))
}

// update records the outcome of one attempt.
func (s *Service) update(ctx context.Context, r Receiver, e Entry) error {
	problems, err := json.Marshal(e.Problems)
	if err != nil {
		return err
	}
	if e.Problems == nil {
		problems = []byte("[]")
	}
	var submitted, decided any
	if !e.SubmittedAt.IsZero() {
		submitted = e.SubmittedAt.UTC()
	}
	if !e.DecidedAt.IsZero() {
		decided = e.DecidedAt.UTC()
	}
	var local any
	if e.LocalSubmissionID != "" {
		local = e.LocalSubmissionID
	}
	_, err = s.db.Exec(ctx, `UPDATE fitconnect_inbound SET state = ?, service_identifier = ?, local_submission_id = ?, problems = ?,
		last_error = ?, attempts = ?, submitted_at = ?, decided_at = ? WHERE tenant_id = ? AND receiver_id = ? AND submission_id = ?`,
		e.State, e.ServiceIdentifier, local, string(problems), e.LastError, e.Attempts, submitted, decided, r.TenantID, r.ID, e.SubmissionID)
	if err != nil {
		return fmt.Errorf("inbound: update entry: %w", err)
	}
	return nil
}
