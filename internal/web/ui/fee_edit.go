package ui

import (
	"errors"
	"net/http"
	"strings"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/form"
	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/payment"
)

// feeFieldOption is a form field a fee can be worked out from.
type feeFieldOption struct {
	ID, Label string
	// Money: the field holds an amount (calculated fees); else a count.
	Money bool
}

// feeEditView is the fee settings of one service.
type feeEditView struct {
	Service    string
	Action     string
	Back       string
	Kinds      []payment.FeeKind
	Rule       payment.FeeRule
	Amount     string
	Fields     []feeFieldOption
	Error      string
	ErrorField string
}

// feeTarget is the service whose fee is edited, with the tenant's
// offering of it; only offered services have fees to set.
func (h *Handler) feeTarget(w http.ResponseWriter, r *http.Request) (staff, catalog.Service, catalog.Offering, bool) {
	s, ok := h.requireStaff(w, r)
	if !ok {
		return s, catalog.Service{}, catalog.Offering{}, false
	}
	if !h.can(r, s, identity.ManageServices, "") {
		h.pages.Error(w, r, http.StatusForbidden)
		return s, catalog.Service{}, catalog.Offering{}, false
	}
	svc, err := h.catalog.BySlug(r.Context(), r.PathValue("service"))
	if err != nil {
		h.notFound(w, r)
		return s, svc, catalog.Offering{}, false
	}
	o, ok, err := h.catalog.OfferingFor(r.Context(), s.info.Tenant.ID, svc.ID)
	if err != nil || !ok {
		h.notFound(w, r)
		return s, svc, o, false
	}
	return s, svc, o, true
}

func (h *Handler) feeEditShow(w http.ResponseWriter, r *http.Request) {
	s, svc, o, ok := h.feeTarget(w, r)
	if !ok {
		return
	}
	rule, found, err := h.payments.FeeRule(r.Context(), s.info.Tenant.ID, svc.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if !found {
		rule = payment.FeeRule{Kind: payment.FeeFree}
		if o.FeeCents != nil && *o.FeeCents > 0 {
			rule = payment.FeeRule{Kind: payment.FeeFixed, AmountCents: *o.FeeCents}
		} else if svc.Fee.Kind == "fixed" {
			rule = payment.FeeRule{Kind: payment.FeeFixed, AmountCents: svc.Fee.AmountCents}
		} else if svc.Fee.Kind == "varies" {
			rule = payment.FeeRule{Kind: payment.FeeOnDecision}
		}
	}
	v := h.feeEditView(r, s, svc, o, rule)
	if rule.AmountCents > 0 {
		v.Amount = payment.FormatAmount(rule.AmountCents)
	}
	h.pages.Render(w, r, http.StatusOK, "fee_edit", pageData("Gebühr: "+svc.Name, v))
}

// feeEditSave stores the rule. Mistakes come back with everything typed
// kept and the message at the field it concerns.
func (h *Handler) feeEditSave(w http.ResponseWriter, r *http.Request) {
	s, svc, o, ok := h.feeTarget(w, r)
	if !ok {
		return
	}
	rule := payment.FeeRule{TenantID: s.info.Tenant.ID, ServiceID: svc.ID, Kind: payment.FeeKind(r.PostFormValue("kind")),
		Field: strings.TrimSpace(r.PostFormValue("field")), Unit: r.PostFormValue("unit"),
		Haushaltsstelle: r.PostFormValue("haushaltsstelle"), KassenzeichenScheme: r.PostFormValue("kassenzeichen_scheme"),
		UpdatedBy: "account:" + s.info.Account.ID}
	v := h.feeEditView(r, s, svc, o, rule)
	v.Amount = strings.TrimSpace(r.PostFormValue("amount"))
	fail := func(field, msg string) {
		v.Error, v.ErrorField = msg, field
		h.pages.Render(w, r, http.StatusUnprocessableEntity, "fee_edit", pageData("Fehler: Gebühr: "+svc.Name, v))
	}
	if v.Amount != "" {
		cents, err := parseEuro(v.Amount)
		if err != nil {
			fail("amount", "Geben Sie den Betrag in Euro an, zum Beispiel 12,50.")
			return
		}
		rule.AmountCents = cents
	}
	if rule.Kind == payment.FeePerQuantity || rule.Kind == payment.FeeCalculated {
		if !hasFeeField(v.Fields, rule.Field, rule.Kind == payment.FeeCalculated) {
			fail("field", "Wählen Sie ein Feld des Formulars, aus dem sich die Gebühr ergibt. Für „je Einheit“ eine Anzahl oder eine wiederholbare Gruppe, für „berechnet“ ein Betragsfeld.")
			return
		}
	}
	if _, err := h.payments.SaveFeeRule(r.Context(), rule); err != nil {
		var re *payment.RuleError
		if errors.As(err, &re) {
			fail(re.Field, re.Message)
			return
		}
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, s.info.Base+"/verwaltung/gebuehren?gespeichert="+urlQuery(svc.Name), http.StatusSeeOther)
}

func (h *Handler) feeEditView(r *http.Request, s staff, svc catalog.Service, o catalog.Offering, rule payment.FeeRule) feeEditView {
	v := feeEditView{Service: svc.Name, Action: s.info.Base + "/verwaltung/gebuehren/" + svc.Slug,
		Back: s.info.Base + "/verwaltung/gebuehren", Kinds: payment.FeeKinds(), Rule: rule}
	if h.forms != nil {
		if f, ok := h.forms.Current(r.Context(), s.info.Tenant.ID, o.FormID); ok {
			v.Fields = feeFields(f)
		}
	}
	return v
}

// feeFields lists the fields a fee can be worked out from: whole numbers
// and repeatable groups (counted), and money fields (taken as they are).
func feeFields(f *form.Form) []feeFieldOption {
	var out []feeFieldOption
	var walk func(items []form.Item)
	walk = func(items []form.Item) {
		for _, it := range items {
			switch x := it.(type) {
			case *form.Group:
				if x.Card.Repeatable() {
					out = append(out, feeFieldOption{ID: x.ID, Label: "Anzahl der Einträge: " + x.Title})
					continue
				}
				walk(x.Items)
			case *form.Field:
				switch x.Type {
				case form.NumInt:
					out = append(out, feeFieldOption{ID: x.ID, Label: x.Label})
				case form.NumCurrency:
					out = append(out, feeFieldOption{ID: x.ID, Label: x.Label, Money: true})
				}
			}
		}
	}
	for _, st := range f.Steps {
		walk(st.Items)
	}
	return out
}

func hasFeeField(fields []feeFieldOption, id string, money bool) bool {
	for _, f := range fields {
		if f.ID == id && f.Money == money {
			return true
		}
	}
	return false
}
