package payment

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
)

const paymentColumns = `id, tenant_id, draft_id, COALESCE(submission_id, ''), service_id, provider, amount_cents, currency,
	purpose, kassenzeichen, provider_ref, method, status, redirect_url, refunded_cents, created_at, updated_at, paid_at, haushaltsstelle`

func scanPayment(row interface{ Scan(...any) error }) (Payment, error) {
	var p Payment
	var paid sql.NullTime
	err := row.Scan(&p.ID, &p.TenantID, &p.DraftID, &p.SubmissionID, &p.ServiceID, &p.Provider, &p.AmountCents, &p.Currency,
		&p.Purpose, &p.Kassenzeichen, &p.ProviderRef, &p.Method, &p.Status, &p.RedirectURL, &p.RefundedCents,
		&p.CreatedAt, &p.UpdatedAt, &paid, &p.Haushaltsstelle)
	if paid.Valid {
		t := paid.Time.UTC()
		p.PaidAt = &t
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, err
}

// Payment returns one of the tenant's payments, or store.ErrNotFound.
func (s *Service) Payment(ctx context.Context, tenantID, id string) (Payment, error) {
	p, err := scanPayment(s.db.QueryRow(ctx, `SELECT `+paymentColumns+` FROM payments WHERE tenant_id = ? AND id = ?`, tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("payment: %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("payment: load: %w", err)
	}
	return p, nil
}

func (s *Service) payments(ctx context.Context, where string, args ...any) ([]Payment, error) {
	rows, err := s.db.Query(ctx, `SELECT `+paymentColumns+` FROM payments WHERE `+where+` ORDER BY created_at DESC, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("payment: query: %w", err)
	}
	defer rows.Close()
	var out []Payment
	for rows.Next() {
		p, err := scanPayment(rows)
		if err != nil {
			return nil, fmt.Errorf("payment: scan: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ForDraft lists the payments started on a draft, newest first.
func (s *Service) ForDraft(ctx context.Context, tenantID, draftID string) ([]Payment, error) {
	return s.payments(ctx, `tenant_id = ? AND draft_id = ?`, tenantID, draftID)
}

// ForSubmission lists the payments of a submitted application, newest
// first; Paid picks the one that counts.
func (s *Service) ForSubmission(ctx context.Context, tenantID, submissionID string) ([]Payment, error) {
	return s.payments(ctx, `tenant_id = ? AND submission_id = ?`, tenantID, submissionID)
}

func (s *Service) insert(ctx context.Context, p Payment) error {
	var sub any
	if p.SubmissionID != "" {
		sub = p.SubmissionID
	}
	_, err := s.db.Exec(ctx, `INSERT INTO payments (id, tenant_id, draft_id, submission_id, service_id, provider, amount_cents, currency, purpose,
		kassenzeichen, provider_ref, method, status, redirect_url, created_at, updated_at, haushaltsstelle)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.TenantID, p.DraftID, sub, p.ServiceID, p.Provider, p.AmountCents, p.Currency, p.Purpose,
		p.Kassenzeichen, p.ProviderRef, p.Method, string(p.Status), p.RedirectURL, p.CreatedAt, p.UpdatedAt, p.Haushaltsstelle)
	if err != nil {
		return fmt.Errorf("payment: insert: %w", err)
	}
	return nil
}

// event appends to a payment's log.
func (s *Service) event(ctx context.Context, p Payment, kind string, from, to Status, detail string) error {
	if len(detail) > 500 {
		detail = detail[:500]
	}
	_, err := s.db.Exec(ctx, `INSERT INTO payment_events (id, payment_id, tenant_id, kind, status_from, status_to, detail, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, store.NewID(), p.ID, p.TenantID, kind, string(from), string(to), detail, s.now())
	if err != nil {
		return fmt.Errorf("payment: event: %w", err)
	}
	return nil
}

// Events returns a payment's log, oldest first.
func (s *Service) Events(ctx context.Context, tenantID, paymentID string) ([]Event, error) {
	rows, err := s.db.Query(ctx, `SELECT id, payment_id, kind, status_from, status_to, detail, created_at FROM payment_events
		WHERE tenant_id = ? AND payment_id = ? ORDER BY created_at, id`, tenantID, paymentID)
	if err != nil {
		return nil, fmt.Errorf("payment: events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.ID, &e.PaymentID, &e.Kind, &e.StatusFrom, &e.StatusTo, &e.Detail, &e.CreatedAt); err != nil {
			return nil, fmt.Errorf("payment: events: %w", err)
		}
		e.CreatedAt = e.CreatedAt.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// nextKassenzeichen counts per tenant and year inside the caller's
// transaction and shapes the number with the offering's scheme (see
// KassenzeichenFor). One counter serves every scheme of the tenant, so two
// services never hand out the same number.
func (s *Service) nextKassenzeichen(ctx context.Context, tenantID, code, scheme string, now time.Time) (string, error) {
	year := now.In(berlin).Year()
	if _, err := s.db.Exec(ctx, `INSERT INTO payment_counters (tenant_id, year, last) VALUES (?, ?, 0) ON CONFLICT (tenant_id, year) DO NOTHING`, tenantID, year); err != nil {
		return "", fmt.Errorf("payment: kassenzeichen: %w", err)
	}
	if _, err := s.db.Exec(ctx, `UPDATE payment_counters SET last = last + 1 WHERE tenant_id = ? AND year = ?`, tenantID, year); err != nil {
		return "", fmt.Errorf("payment: kassenzeichen: %w", err)
	}
	var n int64
	if err := s.db.QueryRow(ctx, `SELECT last FROM payment_counters WHERE tenant_id = ? AND year = ?`, tenantID, year).Scan(&n); err != nil {
		return "", fmt.Errorf("payment: kassenzeichen: %w", err)
	}
	return KassenzeichenFor(scheme, code, year, n), nil
}
