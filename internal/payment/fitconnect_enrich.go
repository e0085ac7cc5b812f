package payment

import (
	"context"

	"github.com/serviceportal/serviceportal/internal/fitconnect"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// EnrichFITConnect puts the application's verified payment into the
// FIT-Connect metadata as paymentInformation, so the authority's system
// sees that the fee was paid, with the Kassenzeichen as the transaction
// reference. It fits delivery.FitConnectOptions.Enrich. Applications
// without a verified payment go out without paymentInformation: an open
// or failed attempt says nothing the authority must act on.
func (s *Service) EnrichFITConnect(ctx context.Context, sub submission.Submission, fs *fitconnect.Submission) error {
	ps, err := s.ForSubmission(ctx, sub.TenantID, sub.ID)
	if err != nil {
		return err
	}
	p, ok := Paid(ps)
	if !ok {
		return nil
	}
	info := p.FITConnect()
	fs.PaymentInformation = &info
	return nil
}
