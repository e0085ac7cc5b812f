package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/tenant"
	"github.com/serviceportal/serviceportal/internal/web/page"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

// serviceView is a service page.
type serviceView struct {
	Service catalog.Service
	// Responsible is who handles the service for this portal's residents;
	// nil on the region (and on a Kreis for city services): then the page
	// asks "Wo wohnen Sie?".
	Responsible *tenant.Tenant
	Own         bool
	// ExternalLink is the state portal's address with the tenant's keys.
	ExternalLink string
	// FormURL is where the online application starts; empty if none yet.
	FormURL string
	// Ask the place: Query and Error of the "Wo wohnen Sie?" form.
	Query   string
	Error   string
	Choices []tenant.Match
	JSONLD  map[string]any
	// Offering holds the authority's own details (office, fee, contact).
	Offering *catalog.Offering
	// Fee is the fee text, the tenant's own (fee rule or offering amount)
	// if it set one.
	Fee string
	// LocalFee says Fee is the tenant's own, not the catalogue's.
	LocalFee bool
}

func (h *Handler) serviceShow(w http.ResponseWriter, r *http.Request) {
	v, ok := h.serviceView(w, r)
	if !ok {
		return
	}
	h.pages.Render(w, r, http.StatusOK, "service", page.Data{Title: v.Service.Name, View: v})
}

// serviceView loads the service and decides who is responsible on this
// portal. It writes the error page itself when it returns false.
func (h *Handler) serviceView(w http.ResponseWriter, r *http.Request) (serviceView, bool) {
	info := request.From(r)
	s, err := h.catalog.BySlug(r.Context(), r.PathValue("slug"))
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r)
		return serviceView{}, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return serviceView{}, false
	}
	v := serviceView{Service: s}
	t := info.Tenant
	switch {
	case catalog.IsMunicipality(t):
		resp, err := h.catalog.Responsible(r.Context(), s.ID, t.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			h.serverError(w, r, err)
			return v, false
		}
		if err == nil {
			v.Responsible, v.Own = &resp, resp.ID == t.ID
		}
	case t.Kind == tenant.KindKreis:
		own, err := h.catalog.Handles(r.Context(), t.ID, s.ID)
		if err != nil {
			h.serverError(w, r, err)
			return v, false
		}
		if own {
			v.Responsible, v.Own = &t, true
		}
	}
	v.Fee = s.Fee.Text
	if v.Own {
		if o, ok, err := h.catalog.OfferingFor(r.Context(), t.ID, s.ID); err == nil && ok {
			v.Offering = &o
			if o.FeeCents != nil {
				v.Fee, v.LocalFee = euroText(*o.FeeCents), true
			}
			if o.Office != "" {
				v.Service.Office = o.Office
			}
		}
		if h.payments != nil {
			if rule, ok, err := h.payments.FeeRule(r.Context(), t.ID, s.ID); err == nil && ok {
				v.Fee, v.LocalFee = rule.Text(), true
			}
		}
		v.ExternalLink = s.ExternalLink(t.AGS, t.ARS)
		if s.Kind == catalog.KindOnline && h.formAvailable(r, t.ID, s.OnlineForm) {
			v.FormURL = info.Base + "/antrag/" + s.OnlineForm
		}
	}
	v.JSONLD = governmentService(s, v.Responsible, h.absoluteURL(r, info.Base+"/leistungen/"+s.Slug))
	return v, true
}

// formAvailable reports whether the online form of a service can be used.
func (h *Handler) formAvailable(r *http.Request, tenantID, formID string) bool {
	if h.forms == nil || formID == "" {
		return false
	}
	_, ok := h.forms.Current(r.Context(), tenantID, formID)
	return ok
}

func (h *Handler) absoluteURL(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

// euroText formats cents as "12,50 €".
func euroText(cents int64) string {
	return strconv.FormatInt(cents/100, 10) + "," + fmt.Sprintf("%02d", cents%100) + " €"
}
