package casework

import (
	"context"
	"fmt"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
)

// DocumentRequest asks the citizen for documents by a deadline.
type DocumentRequest struct {
	ID         string
	CaseID     string
	Text       string
	DueAt      time.Time
	CreatedAt  time.Time
	AnsweredAt *time.Time
}

// requestDocuments is the built-in effect of the "request_documents"
// action.
func (c *Cases) requestDocuments(ctx context.Context, cs Case, in Input) error {
	_, err := c.db.Exec(ctx, `INSERT INTO document_requests (id, case_id, tenant_id, text, due_at, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		store.NewID(), cs.ID, cs.TenantID, in.Note, in.Deadline, c.now())
	if err != nil {
		return fmt.Errorf("casework: document request: %w", err)
	}
	return nil
}

// OpenRequests lists a case's unanswered document requests.
func (c *Cases) OpenRequests(ctx context.Context, tenantID, caseID string) ([]DocumentRequest, error) {
	rows, err := c.db.Query(ctx, `SELECT id, case_id, text, due_at, created_at, answered_at FROM document_requests
		WHERE tenant_id = ? AND case_id = ? AND answered_at IS NULL ORDER BY created_at`, tenantID, caseID)
	if err != nil {
		return nil, fmt.Errorf("casework: requests: %w", err)
	}
	defer rows.Close()
	var out []DocumentRequest
	for rows.Next() {
		var r DocumentRequest
		if err := rows.Scan(&r.ID, &r.CaseID, &r.Text, &r.DueAt, &r.CreatedAt, &r.AnsweredAt); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// AnswerRequests marks a case's open requests answered (the citizen
// uploaded documents) and moves the case back to review.
func (c *Cases) AnswerRequests(ctx context.Context, tenantID, caseID string) (Case, error) {
	var out Case
	err := c.db.InTx(ctx, func(ctx context.Context) error {
		if _, err := c.db.Exec(ctx, `UPDATE document_requests SET answered_at = ? WHERE tenant_id = ? AND case_id = ? AND answered_at IS NULL`,
			c.now(), tenantID, caseID); err != nil {
			return err
		}
		cs, err := c.Get(ctx, tenantID, caseID)
		if err != nil {
			return err
		}
		if cs.State != "nachforderung" {
			out = cs
			return nil
		}
		out, err = c.Apply(ctx, "system", tenantID, caseID, "documents_received", Input{Note: "Unterlagen vom Antragsteller hochgeladen."})
		return err
	})
	return out, err
}

// DueReminder is an unanswered request close to or past its deadline.
type DueReminder struct {
	Request  DocumentRequest
	TenantID string
	Overdue  bool
}

// DueReminders marks and returns requests due within the lead time that
// have not been reminded yet; the scheduled job tells the citizen.
func (c *Cases) DueReminders(ctx context.Context, lead time.Duration) ([]DueReminder, error) {
	now := c.now()
	var out []DueReminder
	err := c.db.InTx(ctx, func(ctx context.Context) error {
		rows, err := c.db.Query(ctx, `SELECT id, case_id, tenant_id, text, due_at, created_at FROM document_requests
			WHERE answered_at IS NULL AND reminded_at IS NULL AND due_at < ?`, now.Add(lead))
		if err != nil {
			return err
		}
		for rows.Next() {
			var r DueReminder
			if err := rows.Scan(&r.Request.ID, &r.Request.CaseID, &r.TenantID, &r.Request.Text, &r.Request.DueAt, &r.Request.CreatedAt); err != nil {
				rows.Close()
				return err
			}
			r.Overdue = now.After(r.Request.DueAt)
			out = append(out, r)
		}
		rows.Close()
		for _, r := range out {
			if _, err := c.db.Exec(ctx, `UPDATE document_requests SET reminded_at = ? WHERE id = ?`, now, r.Request.ID); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// ClosedBefore lists the submissions of cases closed before t, across all
// tenants, for the retention job (tenant, submission id pairs).
func (c *Cases) ClosedBefore(ctx context.Context, t time.Time, limit int) ([][2]string, error) {
	rows, err := c.db.Query(ctx, `SELECT c.tenant_id, c.submission_id FROM cases c JOIN submissions s ON s.id = c.submission_id
		WHERE c.closed_at IS NOT NULL AND c.closed_at < ? AND s.payload IS NOT NULL ORDER BY c.closed_at LIMIT ?`, t, limit)
	if err != nil {
		return nil, fmt.Errorf("casework: closed cases: %w", err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var p [2]string
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
