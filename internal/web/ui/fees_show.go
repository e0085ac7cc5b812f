package ui

import (
	"net/http"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/payment"
)

// feeLine is one of the tenant's offerings on the fees page.
type feeLine struct {
	Service   string
	EditURL   string
	Fee       string
	Ruled     bool
	Budget    string
	KzExample string
}

// feesView lists what each of the tenant's services costs and where the
// cash office books it.
type feesView struct {
	Lines []feeLine
	Saved string
}

// feesShow answers GET /verwaltung/gebuehren for coordinators and admins.
func (h *Handler) feesShow(w http.ResponseWriter, r *http.Request) {
	s, ok := h.requireStaff(w, r)
	if !ok {
		return
	}
	if !h.can(r, s, identity.ManageServices, "") {
		h.pages.Error(w, r, http.StatusForbidden)
		return
	}
	ctx := r.Context()
	offs, err := h.catalog.TenantOfferings(ctx, s.info.Tenant.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v := feesView{Saved: r.URL.Query().Get("gespeichert")}
	year := h.clock().In(berlinTZ).Year()
	for _, o := range offs {
		svc, err := h.catalog.BySlug(ctx, o.ServiceID)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		line := feeLine{Service: svc.Name, EditURL: s.info.Base + "/verwaltung/gebuehren/" + svc.Slug, Fee: offeringFeeText(svc, o),
			KzExample: payment.KassenzeichenFor("", s.info.Tenant.Code, year, 1)}
		rule, ok, err := h.payments.FeeRule(ctx, s.info.Tenant.ID, svc.ID)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		if ok {
			line.Fee, line.Ruled, line.Budget = rule.Text(), true, rule.Haushaltsstelle
			line.KzExample = payment.KassenzeichenFor(rule.KassenzeichenScheme, s.info.Tenant.Code, year, 1)
		}
		v.Lines = append(v.Lines, line)
	}
	h.pages.Render(w, r, http.StatusOK, "fees", pageData("Gebühren und Kasse", v))
}

// offeringFeeText is the fee a service has without a fee rule: the
// offering's amount, else the catalogue's text.
func offeringFeeText(svc catalog.Service, o catalog.Offering) string {
	if o.FeeCents != nil {
		return payment.FormatEuro(*o.FeeCents)
	}
	if svc.Fee.Text != "" {
		return svc.Fee.Text
	}
	return "keine Angabe"
}
