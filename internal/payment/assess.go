package payment

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Assessment is a fee set with the decision, to be paid from the
// application's status page.
type Assessment struct {
	TenantID            string
	SubmissionID        string
	ServiceID           string
	AmountCents         int64
	Purpose             string
	Haushaltsstelle     string
	KassenzeichenScheme string
	AssessedBy          string
	AssessedAt          time.Time
}

// ErrAssessmentPaid means the fee was paid already and cannot be changed;
// a correction is a refund.
var ErrAssessmentPaid = errors.New("payment: the assessed fee is paid")

// Assess records (or corrects, while unpaid) the fee a decision sets.
// The offering's fee rule supplies Haushaltsstelle and Kassenzeichen
// scheme; the caller passes them in.
func (s *Service) Assess(ctx context.Context, a Assessment) (Assessment, error) {
	if a.AmountCents <= 0 || a.AmountCents > MaxFeeCents {
		return a, ruleError("amount", "Die Gebühr muss zwischen 0,01 € und 100.000,00 € liegen.")
	}
	a.Purpose = strings.TrimSpace(a.Purpose)
	a.AssessedAt = s.now()
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		ps, err := s.ForSubmission(ctx, a.TenantID, a.SubmissionID)
		if err != nil {
			return err
		}
		if _, ok := Paid(ps); ok {
			return ErrAssessmentPaid
		}
		_, err = s.db.Exec(ctx, `INSERT INTO fee_assessments (tenant_id, submission_id, service_id, amount_cents, purpose,
			haushaltsstelle, kassenzeichen_scheme, assessed_by, assessed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (tenant_id, submission_id) DO UPDATE SET amount_cents = excluded.amount_cents, purpose = excluded.purpose,
			haushaltsstelle = excluded.haushaltsstelle, kassenzeichen_scheme = excluded.kassenzeichen_scheme,
			assessed_by = excluded.assessed_by, assessed_at = excluded.assessed_at`,
			a.TenantID, a.SubmissionID, a.ServiceID, a.AmountCents, a.Purpose, a.Haushaltsstelle, a.KassenzeichenScheme, a.AssessedBy, a.AssessedAt)
		if err != nil {
			return fmt.Errorf("payment: assess: %w", err)
		}
		return nil
	})
	return a, err
}

// AssessmentFor returns the fee set for an application, if any.
func (s *Service) AssessmentFor(ctx context.Context, tenantID, submissionID string) (Assessment, bool, error) {
	var a Assessment
	err := s.db.QueryRow(ctx, `SELECT tenant_id, submission_id, service_id, amount_cents, purpose, haushaltsstelle, kassenzeichen_scheme,
		assessed_by, assessed_at FROM fee_assessments WHERE tenant_id = ? AND submission_id = ?`, tenantID, submissionID).
		Scan(&a.TenantID, &a.SubmissionID, &a.ServiceID, &a.AmountCents, &a.Purpose, &a.Haushaltsstelle, &a.KassenzeichenScheme,
			&a.AssessedBy, &a.AssessedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return a, false, nil
	}
	if err != nil {
		return a, false, fmt.Errorf("payment: assessment: %w", err)
	}
	a.AssessedAt = a.AssessedAt.UTC()
	return a, true, nil
}
