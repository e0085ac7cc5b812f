package payment

import (
	"context"
	"errors"
	"fmt"
)

// HandleNotification takes a provider's notification for one of the
// tenant's payments. The payment is named by the notify URL's ?ref=; the
// provider verifies the message, and the result must match the payment's
// transaction id, amount and currency. A replayed notification finds the
// payment where it already is and changes nothing. Errors wrapping
// ErrRejected (or store.ErrNotFound) are final; any other error is
// temporary and the provider should retry.
func (s *Service) HandleNotification(ctx context.Context, tenantID, provider string, n Notification) (Payment, error) {
	ref := n.Query.Get("ref")
	if ref == "" {
		return Payment{}, fmt.Errorf("%w: no reference", ErrRejected)
	}
	p, err := s.Payment(ctx, tenantID, ref)
	if err != nil {
		return Payment{}, err
	}
	if p.Provider != provider {
		return p, s.reject(ctx, p, "notification from "+provider+" for a "+p.Provider+" payment")
	}
	prov, ok := s.provider(tenantID, p.Provider)
	if !ok {
		return p, ErrNoProvider
	}
	res, err := prov.VerifyNotification(ctx, p, n)
	if errors.Is(err, ErrRejected) {
		return p, s.reject(ctx, p, err.Error())
	}
	if err != nil {
		return p, fmt.Errorf("payment: verify notification: %w", err)
	}
	return s.apply(ctx, p, res, "notification")
}

// Reconcile asks the provider about an open payment, for a citizen who is
// back before the notification (or whose notification was lost). Payments
// that are no longer open are returned as they are.
func (s *Service) Reconcile(ctx context.Context, tenantID, id string) (Payment, error) {
	p, err := s.Payment(ctx, tenantID, id)
	if err != nil || p.Status != StatusInitial {
		return p, err
	}
	return s.check(ctx, p)
}

// check runs the provider's status check on p.
func (s *Service) check(ctx context.Context, p Payment) (Payment, error) {
	prov, ok := s.provider(p.TenantID, p.Provider)
	if !ok {
		return p, ErrNoProvider
	}
	res, err := prov.Status(ctx, p)
	if errors.Is(err, ErrRejected) {
		return p, s.reject(ctx, p, err.Error())
	}
	if err != nil {
		return p, fmt.Errorf("payment: status check: %w", err)
	}
	return s.apply(ctx, p, res, "status_check")
}

// apply moves p to what the provider vouched for, after checking that it
// speaks of this payment: same transaction, amount and currency.
func (s *Service) apply(ctx context.Context, p Payment, res Result, source string) (Payment, error) {
	switch {
	case !res.Status.Valid() || res.Status == StatusExpired:
		return p, s.reject(ctx, p, fmt.Sprintf("%s: unknown status %q", source, res.Status))
	case res.ProviderRef != "" && p.ProviderRef != "" && res.ProviderRef != p.ProviderRef:
		return p, s.reject(ctx, p, fmt.Sprintf("%s: transaction %q, expected %q", source, res.ProviderRef, p.ProviderRef))
	case res.AmountCents != 0 && res.AmountCents != p.AmountCents:
		return p, s.reject(ctx, p, fmt.Sprintf("%s: amount %d, expected %d", source, res.AmountCents, p.AmountCents))
	case res.Currency != "" && res.Currency != p.Currency:
		return p, s.reject(ctx, p, fmt.Sprintf("%s: currency %q, expected %q", source, res.Currency, p.Currency))
	}
	if res.Status == p.Status || res.Status == StatusInitial || p.Status == StatusPayed {
		// A replay, news of nothing, or a late word against money that was
		// verified as received: nothing changes.
		return p, nil
	}
	if p.Status != StatusInitial && res.Status != StatusPayed {
		return p, nil // closed already; only a late PAYED reopens it
	}
	return s.transition(ctx, p, res, source)
}

// transition writes the new status only if nobody changed the payment in
// between (compare and set), so concurrent notifications and status
// checks apply once.
func (s *Service) transition(ctx context.Context, p Payment, res Result, source string) (Payment, error) {
	now := s.now()
	ref := p.ProviderRef
	if ref == "" {
		ref = res.ProviderRef
	}
	method := p.Method
	if res.Method != "" {
		method = res.Method
	}
	var paidAt any
	if res.Status == StatusPayed {
		paidAt = now
	}
	changed := false
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		r, err := s.db.Exec(ctx, `UPDATE payments SET status = ?, provider_ref = ?, method = ?, paid_at = COALESCE(paid_at, ?), updated_at = ?
			WHERE id = ? AND status = ?`, string(res.Status), ref, method, paidAt, now, p.ID, string(p.Status))
		if err != nil {
			return fmt.Errorf("payment: update status: %w", err)
		}
		if n, _ := r.RowsAffected(); n != 1 {
			return nil
		}
		changed = true
		kind := source
		if p.Status != StatusInitial {
			kind = source + "_late"
		}
		return s.event(ctx, p, kind, p.Status, res.Status, res.Detail)
	})
	if err != nil {
		return p, err
	}
	if !changed {
		return s.Payment(ctx, p.TenantID, p.ID)
	}
	p.Status, p.ProviderRef, p.Method, p.UpdatedAt = res.Status, ref, method, now
	if res.Status == StatusPayed && p.PaidAt == nil {
		p.PaidAt = &now
	}
	return p, nil
}

// reject logs a notification or status answer that failed verification
// and returns ErrRejected.
func (s *Service) reject(ctx context.Context, p Payment, why string) error {
	if err := s.event(ctx, p, "rejected", p.Status, p.Status, why); err != nil {
		return err
	}
	return fmt.Errorf("%w: %s", ErrRejected, why)
}

// finish closes an open payment from the portal's side; it does nothing
// if the payment is no longer open.
func (s *Service) finish(ctx context.Context, p Payment, to Status, kind, detail string) error {
	return s.db.InTx(ctx, func(ctx context.Context) error {
		r, err := s.db.Exec(ctx, `UPDATE payments SET status = ?, updated_at = ? WHERE id = ? AND status = ?`, string(to), s.now(), p.ID, string(StatusInitial))
		if err != nil {
			return fmt.Errorf("payment: close: %w", err)
		}
		if n, _ := r.RowsAffected(); n != 1 {
			return nil
		}
		return s.event(ctx, p, kind, StatusInitial, to, detail)
	})
}
