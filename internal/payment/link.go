package payment

import (
	"context"
	"fmt"
)

// LinkSubmission ties a payment to the application it paid for. Call it
// with the submit transaction's context so both commit together. Linking
// again to the same submission does nothing; a payment already tied to
// another submission is refused with ErrLinked.
func (s *Service) LinkSubmission(ctx context.Context, tenantID, paymentID, submissionID string) error {
	return s.db.InTx(ctx, func(ctx context.Context) error {
		p, err := s.Payment(ctx, tenantID, paymentID)
		if err != nil {
			return err
		}
		if p.SubmissionID == submissionID {
			return nil
		}
		if p.SubmissionID != "" {
			return fmt.Errorf("%w: %s", ErrLinked, p.SubmissionID)
		}
		if _, err := s.db.Exec(ctx, `UPDATE payments SET submission_id = ?, updated_at = ? WHERE id = ? AND submission_id IS NULL`,
			submissionID, s.now(), p.ID); err != nil {
			return fmt.Errorf("payment: link: %w", err)
		}
		return s.event(ctx, p, "linked", p.Status, p.Status, "submission "+submissionID)
	})
}

// LinkDraft ties all of a draft's payments to its submission: the paid
// one, and any others, so that a second payment made in another browser
// tab is found (and refunded) from the case.
func (s *Service) LinkDraft(ctx context.Context, tenantID, draftID, submissionID string) error {
	if draftID == "" {
		return nil
	}
	ps, err := s.ForDraft(ctx, tenantID, draftID)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if p.SubmissionID != "" && p.SubmissionID != submissionID {
			continue
		}
		if err := s.LinkSubmission(ctx, tenantID, p.ID, submissionID); err != nil {
			return err
		}
	}
	return nil
}

type draftKey struct{}

// WithDraft marks ctx as the submission of draftID, for LinkFromContext
// running as a submit hook.
func WithDraft(ctx context.Context, draftID string) context.Context {
	return context.WithValue(ctx, draftKey{}, draftID)
}

// LinkFromContext is LinkDraft for the draft WithDraft put in ctx; without
// one it does nothing. It is meant to run as a submission hook, inside the
// submit transaction.
func (s *Service) LinkFromContext(ctx context.Context, tenantID, submissionID string) error {
	draftID, _ := ctx.Value(draftKey{}).(string)
	return s.LinkDraft(ctx, tenantID, draftID, submissionID)
}
