package submission

import (
	"context"
	"fmt"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
)

// Event is one entry of a submission's status timeline.
type Event struct {
	Status string
	Note   string
	At     time.Time
}

// AddEvent appends a status change to the citizen's timeline and sets the
// submission's current status.
func (s *Service) AddEvent(ctx context.Context, tenantID, submissionID, status, note string) error {
	return s.db.InTx(ctx, func(ctx context.Context) error {
		r, err := s.db.Exec(ctx, `UPDATE submissions SET status = ? WHERE tenant_id = ? AND id = ?`, status, tenantID, submissionID)
		if err != nil {
			return fmt.Errorf("submission: status: %w", err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		return s.addEvent(ctx, tenantID, submissionID, status, note)
	})
}

// addEvent writes a timeline entry without touching the submission's
// status: for a new submission, which carries its first status already.
func (s *Service) addEvent(ctx context.Context, tenantID, submissionID, status, note string) error {
	return s.db.Defer(ctx, `INSERT INTO submission_events (id, submission_id, tenant_id, status, note, at) VALUES (?, ?, ?, ?, ?, ?)`,
		store.NewID(), submissionID, tenantID, status, note, s.now())
}

// Events returns the timeline, oldest first.
func (s *Service) Events(ctx context.Context, tenantID, submissionID string) ([]Event, error) {
	rows, err := s.db.Query(ctx, `SELECT status, note, at FROM submission_events WHERE tenant_id = ? AND submission_id = ? ORDER BY at, id`, tenantID, submissionID)
	if err != nil {
		return nil, fmt.Errorf("submission: events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.Status, &e.Note, &e.At); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

const submissionColumns = `id, tenant_id, service_id, form_id, form_version, COALESCE(account_id, ''), tracking_number, status,
	submitted_at, contact_email, payload, payload_sha512`

func (s *Service) loadSubmission(ctx context.Context, where string, args ...any) (Submission, error) {
	var sub Submission
	var payload []byte
	err := s.db.QueryRow(ctx, `SELECT `+submissionColumns+` FROM submissions WHERE `+where, args...).Scan(
		&sub.ID, &sub.TenantID, &sub.ServiceID, &sub.FormID, &sub.FormVersion, &sub.AccountID, &sub.TrackingNumber, &sub.Status,
		&sub.SubmittedAt, &sub.ContactEmail, &payload, &sub.PayloadSHA512)
	if err != nil {
		return sub, notFound(err)
	}
	if payload != nil {
		if sub.Values, err = s.openValues(ctx, sub.TenantID, "submission:"+sub.ID, payload); err != nil {
			return sub, err
		}
	}
	sub.Attachments, err = s.SubmissionAttachments(ctx, sub.TenantID, sub.ID)
	return sub, err
}

// Submission returns a tenant's submission by id.
func (s *Service) Submission(ctx context.Context, tenantID, id string) (Submission, error) {
	return s.loadSubmission(ctx, `tenant_id = ? AND id = ?`, tenantID, id)
}

// ByStatusToken finds a submission by the secret of its status link.
func (s *Service) ByStatusToken(ctx context.Context, tenantID, token string) (Submission, error) {
	return s.loadSubmission(ctx, `tenant_id = ? AND status_hash = ?`, tenantID, hashSecret(token))
}

func (s *Service) statusToken(ctx context.Context, tenantID, id string) (string, error) {
	var sealed []byte
	if err := s.db.QueryRow(ctx, `SELECT status_token FROM submissions WHERE tenant_id = ? AND id = ?`, tenantID, id).Scan(&sealed); err != nil {
		return "", notFound(err)
	}
	plain, err := s.keys.Open(ctx, tenantID, sealed, "status-token:"+id)
	return string(plain), err
}

// Summary is a line of "Meine Anträge".
type Summary struct {
	ID, TenantID, ServiceID, TrackingNumber, Status string
	SubmittedAt                                     time.Time
}

// forAccount must read only the account's rows, through the index
// submissions_account (migration 0023).
const forAccount = `SELECT id, tenant_id, service_id, tracking_number, status, submitted_at FROM submissions
	WHERE account_id = ? ORDER BY submitted_at DESC`

// ForAccount lists a citizen's submissions across all tenants, newest
// first: the account is the citizen's, not one authority's.
func (s *Service) ForAccount(ctx context.Context, accountID string) ([]Summary, error) {
	rows, err := s.db.Query(ctx, forAccount, accountID)
	if err != nil {
		return nil, fmt.Errorf("submission: for account: %w", err)
	}
	return scanSummaries(rows)
}

// DeletePayload removes a submission's answers and attachments after its
// case is closed (retention); tracking number, timeline and audit stay.
func (s *Service) DeletePayload(ctx context.Context, tenantID, id string) error {
	_, err := s.deleteAttachments(ctx, `tenant_id = ? AND submission_id = ?`, []any{tenantID, id}, func(ctx context.Context) (int64, error) {
		if _, err := s.db.Exec(ctx, `UPDATE submissions SET payload = NULL, payload_deleted_at = ? WHERE tenant_id = ? AND id = ?`, s.now(), tenantID, id); err != nil {
			return 0, err
		}
		return affected(s.db.Exec(ctx, `DELETE FROM attachments WHERE tenant_id = ? AND submission_id = ?`, tenantID, id))
	})
	return err
}

// StatusToken returns the secret of a submission's status link, for the
// e-mails that point the citizen to it.
func (s *Service) StatusToken(ctx context.Context, tenantID, id string) (string, error) {
	return s.statusToken(ctx, tenantID, id)
}
