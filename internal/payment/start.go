package payment

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/serviceportal/serviceportal/internal/store"
)

// StartInput is a fee to pay for a draft, or for a submitted application
// whose fee was set with the decision (SubmissionID instead of DraftID).
type StartInput struct {
	TenantID string
	// TenantCode prefixes the Kassenzeichen (REC).
	TenantCode   string
	DraftID      string
	SubmissionID string
	ServiceID    string
	AmountCents  int64
	// Purpose describes the fee, usually the service's name.
	Purpose string
	// URLs returns the absolute return and notification URLs for a payment
	// id; the notification URL should carry the id as ?ref=.
	URLs func(paymentID string) (returnURL, notifyURL string)
	// PortalBase is the tenant's base path, for the test provider's page.
	PortalBase string
	Payer      Payer
	// Haushaltsstelle and KassenzeichenScheme come from the offering's fee
	// rule; both may be empty.
	Haushaltsstelle     string
	KassenzeichenScheme string
}

// Start opens a payment for a draft and returns it with the URL to send
// the citizen to. It first asks the provider about the draft's open
// payments: a payment that was paid meanwhile ends in ErrAlreadyPaid (with
// that payment), a fresh open one of the same amount is offered again, and
// older open ones are closed as CANCELED (a late PAYED still wins).
func (s *Service) Start(ctx context.Context, in StartInput) (Payment, string, error) {
	if in.AmountCents <= 0 {
		return Payment{}, "", errors.New("payment: amount must be positive")
	}
	if in.URLs == nil {
		return Payment{}, "", errors.New("payment: URLs missing")
	}
	prov, ok := s.ProviderFor(in.TenantID)
	if !ok {
		return Payment{}, "", ErrNoProvider
	}
	if p, url, done, err := s.reuse(ctx, in, prov.Name()); done || err != nil {
		return p, url, err
	}
	now := s.now()
	p := Payment{ID: store.NewID(), TenantID: in.TenantID, DraftID: in.DraftID, SubmissionID: in.SubmissionID, ServiceID: in.ServiceID, Provider: prov.Name(),
		AmountCents: in.AmountCents, Currency: Currency, Purpose: strings.TrimSpace(in.Purpose), Status: StatusInitial,
		CreatedAt: now, UpdatedAt: now, Haushaltsstelle: in.Haushaltsstelle}
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		var err error
		if p.Kassenzeichen, err = s.nextKassenzeichen(ctx, in.TenantID, in.TenantCode, in.KassenzeichenScheme, now); err != nil {
			return err
		}
		if err := s.insert(ctx, p); err != nil {
			return err
		}
		return s.event(ctx, p, "started", "", StatusInitial, prov.Label()+" "+FormatEuro(p.AmountCents))
	})
	if err != nil {
		return Payment{}, "", err
	}
	ret, notify := in.URLs(p.ID)
	// The provider call happens outside any transaction: a slow provider
	// must not hold SQLite's single writer.
	redirect, ref, err := prov.Start(ctx, p, StartRequest{ReturnURL: ret, NotifyURL: notify, PortalBase: in.PortalBase, Payer: in.Payer})
	if err != nil {
		err = fmt.Errorf("payment: start at %s: %w", prov.Name(), err)
		return Payment{}, "", errors.Join(err, s.finish(ctx, p, StatusFailed, "start_failed", err.Error()))
	}
	p.ProviderRef, p.RedirectURL = ref, redirect
	if _, err := s.db.Exec(ctx, `UPDATE payments SET provider_ref = ?, redirect_url = ?, updated_at = ? WHERE id = ?`,
		ref, redirect, s.now(), p.ID); err != nil {
		return Payment{}, "", fmt.Errorf("payment: save provider reference: %w", err)
	}
	return p, redirect, nil
}

// reuse settles the draft's (or application's) open payments before a
// new one starts.
func (s *Service) reuse(ctx context.Context, in StartInput, provider string) (Payment, string, bool, error) {
	var ps []Payment
	var err error
	switch {
	case in.DraftID != "":
		ps, err = s.ForDraft(ctx, in.TenantID, in.DraftID)
	case in.SubmissionID != "":
		ps, err = s.ForSubmission(ctx, in.TenantID, in.SubmissionID)
	default:
		return Payment{}, "", false, nil
	}
	if err != nil {
		return Payment{}, "", false, err
	}
	for _, p := range ps {
		if p.Status == StatusInitial {
			// An unreachable provider leaves the payment as we know it.
			if q, err := s.Reconcile(ctx, p.TenantID, p.ID); err == nil {
				p = q
			}
		}
		if p.Status == StatusPayed && p.AmountCents >= in.AmountCents {
			return p, "", true, ErrAlreadyPaid
		}
		if p.Status != StatusInitial {
			continue
		}
		if p.Provider == provider && p.AmountCents == in.AmountCents && p.RedirectURL != "" && s.now().Sub(p.CreatedAt) < ReuseWindow {
			return p, p.RedirectURL, true, nil
		}
		if err := s.finish(ctx, p, StatusCanceled, "superseded", "neue Zahlung gestartet"); err != nil {
			return Payment{}, "", false, err
		}
	}
	return Payment{}, "", false, nil
}
