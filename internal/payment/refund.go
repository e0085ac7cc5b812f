package payment

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/serviceportal/serviceportal/internal/store"
)

// RefundInput is money the cash office paid back.
type RefundInput struct {
	TenantID    string
	PaymentID   string
	AmountCents int64
	// ProviderRef is the provider's or the bank's reference of the refund.
	ProviderRef string
	Reason      string
	// Actor names who recorded it ("account:…").
	Actor string
}

// RecordRefund books a refund on a PAYED payment. The refunds of a payment
// never add up to more than was paid. The payment's status stays PAYED
// (that money arrived); RefundedCents and the export show the refund.
func (s *Service) RecordRefund(ctx context.Context, in RefundInput) (Refund, error) {
	if in.AmountCents <= 0 {
		return Refund{}, errors.New("payment: refund must be positive")
	}
	r := Refund{ID: store.NewID(), PaymentID: in.PaymentID, AmountCents: in.AmountCents, ProviderRef: strings.TrimSpace(in.ProviderRef),
		Reason: strings.TrimSpace(in.Reason), Actor: in.Actor, CreatedAt: s.now()}
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		p, err := s.Payment(ctx, in.TenantID, in.PaymentID)
		if err != nil {
			return err
		}
		if p.Status != StatusPayed {
			return ErrNotPaid
		}
		res, err := s.db.Exec(ctx, `UPDATE payments SET refunded_cents = refunded_cents + ?, updated_at = ?
			WHERE id = ? AND refunded_cents + ? <= amount_cents`, in.AmountCents, r.CreatedAt, p.ID, in.AmountCents)
		if err != nil {
			return fmt.Errorf("payment: refund: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrRefundTooLarge
		}
		if _, err := s.db.Exec(ctx, `INSERT INTO payment_refunds (id, payment_id, tenant_id, amount_cents, provider_ref, reason, actor, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, p.ID, in.TenantID, r.AmountCents, r.ProviderRef, r.Reason, r.Actor, r.CreatedAt); err != nil {
			return fmt.Errorf("payment: refund: %w", err)
		}
		return s.event(ctx, p, "refund", p.Status, p.Status, FormatEuro(r.AmountCents)+" "+r.Reason)
	})
	if err != nil {
		return Refund{}, err
	}
	return r, nil
}

// Refunds lists a payment's refunds, oldest first.
func (s *Service) Refunds(ctx context.Context, tenantID, paymentID string) ([]Refund, error) {
	rows, err := s.db.Query(ctx, `SELECT id, payment_id, amount_cents, provider_ref, reason, actor, created_at FROM payment_refunds
		WHERE tenant_id = ? AND payment_id = ? ORDER BY created_at, id`, tenantID, paymentID)
	if err != nil {
		return nil, fmt.Errorf("payment: refunds: %w", err)
	}
	defer rows.Close()
	var out []Refund
	for rows.Next() {
		var r Refund
		if err := rows.Scan(&r.ID, &r.PaymentID, &r.AmountCents, &r.ProviderRef, &r.Reason, &r.Actor, &r.CreatedAt); err != nil {
			return nil, fmt.Errorf("payment: refunds: %w", err)
		}
		r.CreatedAt = r.CreatedAt.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}
