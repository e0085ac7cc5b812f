package payment

import (
	"context"
	"errors"
	"time"
)

// Expire closes payments left open for longer than olderThan: each one
// gets a last status check, so a payment whose notification was lost is
// recorded as PAYED rather than expired; the rest become EXPIRED. The
// draft stays, and the citizen can start a new payment. It returns how
// many payments were expired. Run it from a periodic job, e.g. hourly
// with olderThan of a few hours (providers' pay pages time out well
// before that).
func (s *Service) Expire(ctx context.Context, olderThan time.Duration) (int, error) {
	stale, err := s.payments(ctx, `status = ? AND created_at < ?`, string(StatusInitial), s.now().Add(-olderThan))
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, p := range stale {
		if _, ok := s.provider(p.TenantID, p.Provider); ok {
			// A failed status check (provider down) must not keep the
			// payment open for ever; a late PAYED still wins afterwards.
			if q, err := s.check(ctx, p); err == nil {
				p = q
			}
		}
		if p.Status != StatusInitial {
			continue
		}
		if err := s.finish(ctx, p, StatusExpired, "expired", "ohne Abschluss nach "+olderThan.String()); err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}
