package ui

import (
	"context"

	"github.com/serviceportal/serviceportal/internal/payment"
)

// feeUnknown is the fee of an application whose answers do not give an
// amount yet (the counting field is empty). It is not 0: an unknown fee
// must never let an application through unpaid.
const feeUnknown = -1

// appFee is what an application costs and where the cash office books it.
type appFee struct {
	// Cents is the amount to pay online: 0 for none, feeUnknown when the
	// answers do not give it.
	Cents int64
	// Explain shows how the amount came about: "2 × 12,00 € je Hund".
	Explain string
	// Text describes the fee when nothing is paid online ("wird mit dem
	// Bescheid festgesetzt").
	Text string
	// Rule is the tenant's fee rule; its zero value when it set none.
	Rule payment.FeeRule
}

// applicationFee works the fee out once per request: the tenant's fee
// rule for the service from the answers, else the amount its offering
// sets, else the catalogue's fixed fee. Fees that vary are charged with
// the decision. Handlers that change app.raw do not ask for the fee.
func (h *Handler) applicationFee(ctx context.Context, app *application) appFee {
	if app.fee == nil {
		f := h.workOutFee(ctx, app)
		app.fee = &f
	}
	return *app.fee
}

func (h *Handler) workOutFee(ctx context.Context, app *application) appFee {
	fee := appFee{Text: app.service.Fee.Text}
	if h.payments != nil {
		rule, ok, err := h.payments.FeeRule(ctx, app.draft.TenantID, app.service.ID)
		if err != nil {
			h.log.ErrorContext(ctx, "fee rule", "err", err)
			return appFee{Cents: feeUnknown}
		}
		if ok {
			fee.Rule, fee.Text = rule, rule.Text()
			cents, explain, err := rule.Compute(app.form.Evaluate(app.raw, h.clock()).Values())
			if err != nil {
				fee.Cents = feeUnknown
				return fee
			}
			fee.Cents, fee.Explain = cents, explain
			return fee
		}
	}
	if h.catalog != nil {
		if off, ok, err := h.catalog.OfferingFor(ctx, app.draft.TenantID, app.service.ID); err == nil && ok && off.FeeCents != nil {
			fee.Cents = *off.FeeCents
			return fee
		}
	}
	if app.service.Fee.Kind == "fixed" {
		fee.Cents = app.service.Fee.AmountCents
	}
	return fee
}
