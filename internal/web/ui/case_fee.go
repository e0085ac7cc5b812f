package ui

import (
	"context"
	"errors"
	"strings"

	"github.com/serviceportal/serviceportal/internal/casework"
	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/payment"
)

// decisionFeeRule is the tenant's rule for a service whose fee is set
// with the decision; ok is false for every other kind of fee.
func (h *Handler) decisionFeeRule(ctx context.Context, tenantID, serviceID string) (payment.FeeRule, bool) {
	if h.payments == nil {
		return payment.FeeRule{}, false
	}
	rule, ok, err := h.payments.FeeRule(ctx, tenantID, serviceID)
	return rule, err == nil && ok && rule.Kind == payment.FeeOnDecision
}

// decisionFee reads the fee a caseworker sets with an approval: 0 when the
// service's fee is not set with the decision or the field is empty. The
// message is German, for the case page.
func (h *Handler) decisionFee(ctx context.Context, cs casework.Case, action, typed string) (int64, string) {
	typed = strings.TrimSpace(typed)
	if action != "approve" || typed == "" {
		return 0, ""
	}
	if _, ok := h.decisionFeeRule(ctx, cs.TenantID, cs.ServiceID); !ok {
		return 0, ""
	}
	cents, err := parseEuro(typed)
	if err != nil || cents == 0 {
		return 0, "Geben Sie die Gebühr in Euro an, zum Beispiel 45,00, oder lassen Sie das Feld leer, wenn keine Gebühr anfällt."
	}
	return cents, ""
}

// assessDecisionFee records the fee of an approval, so the citizen can
// pay it from the status page.
func (h *Handler) assessDecisionFee(ctx context.Context, cs casework.Case, svc catalog.Service, cents int64, actor string) error {
	rule, _ := h.decisionFeeRule(ctx, cs.TenantID, cs.ServiceID)
	_, err := h.payments.Assess(ctx, payment.Assessment{TenantID: cs.TenantID, SubmissionID: cs.SubmissionID, ServiceID: svc.ID,
		AmountCents: cents, Purpose: svc.Name, Haushaltsstelle: rule.Haushaltsstelle, KassenzeichenScheme: rule.KassenzeichenScheme,
		AssessedBy: actor})
	if errors.Is(err, payment.ErrAssessmentPaid) {
		return nil
	}
	return err
}
