package ui

import (
	"errors"
	"net/http"
	"strings"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/delivery"
	"github.com/serviceportal/serviceportal/internal/identity"
)

// deliveriesView shows where applications went, attempt by attempt, and
// lets administrators resend dead ones and configure the targets.
type deliveriesView struct {
	Rows     []deliveryRow
	Targets  []delivery.Target
	Services []catalog.Service
	State    string
	NextURL  string
	Form     accountForm
	Secret   string
	CanEdit  bool
	Notice   string
	// FitConnect: the operator turned FIT-Connect on, so the page offers
	// it as a route.
	FitConnect bool
}

type deliveryRow struct {
	Delivery delivery.Delivery
	Attempts []delivery.Attempt
}

func (h *Handler) deliveryRoutes(mux interface {
	HandleFunc(string, func(http.ResponseWriter, *http.Request))
}) {
	if h.deliveries == nil || h.ident == nil {
		return
	}
	mux.HandleFunc("GET /verwaltung/zustellungen", h.deliveriesShow)
	mux.HandleFunc("POST /verwaltung/zustellungen/{id}/erneut", h.deliveryRetry)
	mux.HandleFunc("POST /verwaltung/zustellwege", h.targetCreate)
	mux.HandleFunc("POST /verwaltung/zustellwege/fitconnect", h.targetCreateFitConnect)
}

func (h *Handler) deliveriesShow(w http.ResponseWriter, r *http.Request) {
	s, ok := h.requireStaff(w, r)
	if !ok {
		return
	}
	h.renderDeliveries(w, r, s, http.StatusOK, accountForm{Values: map[string]string{}}, "")
}

func (h *Handler) renderDeliveries(w http.ResponseWriter, r *http.Request, s staff, status int, f accountForm, secret string) {
	canEdit := h.can(r, s, identity.ManageTenant, "")
	if !canEdit && !h.can(r, s, identity.ViewCases, "") {
		h.pages.Error(w, r, http.StatusForbidden)
		return
	}
	ctx := r.Context()
	state := delivery.State(r.URL.Query().Get("status"))
	list, next, err := h.deliveries.List(ctx, s.info.Tenant.ID, state, 50, r.URL.Query().Get("nach"))
	if errors.Is(err, delivery.ErrBadState) || errors.Is(err, delivery.ErrBadCursor) {
		list, next, err = h.deliveries.List(ctx, s.info.Tenant.ID, "", 50, "")
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v := deliveriesView{State: string(state), Form: f, Secret: secret, CanEdit: canEdit, Notice: r.URL.Query().Get("hinweis"),
		FitConnect: h.fitConnectAvailable()}
	for _, d := range list {
		atts, err := h.deliveries.Attempts(ctx, s.info.Tenant.ID, d.ID)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		v.Rows = append(v.Rows, deliveryRow{Delivery: d, Attempts: atts})
	}
	if next != "" {
		v.NextURL = "?status=" + urlQuery(string(state)) + "&nach=" + urlQuery(next)
	}
	if canEdit {
		if v.Targets, err = h.deliveries.ListTargets(ctx, s.info.Tenant.ID); err != nil {
			h.serverError(w, r, err)
			return
		}
		v.Services, _ = h.catalog.ForTenant(ctx, s.info.Tenant.ID)
	}
	h.pages.Render(w, r, status, "deliveries", pageData("Zustellungen", v))
}

func (h *Handler) deliveryRetry(w http.ResponseWriter, r *http.Request) {
	s, ok := h.requireStaff(w, r)
	if !ok {
		return
	}
	if !h.can(r, s, identity.ManageTenant, "") {
		h.pages.Error(w, r, http.StatusForbidden)
		return
	}
	err := h.deliveries.Retry(r.Context(), s.info.Tenant.ID, r.PathValue("id"))
	switch {
	case errors.Is(err, delivery.ErrNotRetryable):
		http.Redirect(w, r, s.info.Base+"/verwaltung/zustellungen?hinweis=nicht-wiederholbar", http.StatusSeeOther)
	case err != nil:
		h.notFound(w, r)
	default:
		http.Redirect(w, r, s.info.Base+"/verwaltung/zustellungen?hinweis=erneut", http.StatusSeeOther)
	}
}

// targetCreate adds a webhook or e-mail target. A webhook's secret is made
// by the portal and shown once, so the receiver can verify signatures.
func (h *Handler) targetCreate(w http.ResponseWriter, r *http.Request) {
	s, ok := h.requireStaff(w, r)
	if !ok {
		return
	}
	if !h.can(r, s, identity.ManageTenant, "") {
		h.pages.Error(w, r, http.StatusForbidden)
		return
	}
	f := newForm(r, "art", "bezeichnung", "adresse", "leistung")
	in := delivery.TargetInput{TenantID: s.info.Tenant.ID, Kind: f.Value("art"), Label: f.Value("bezeichnung"), Actor: "account:" + s.info.Account.ID}
	if slug := f.Value("leistung"); slug != "" {
		if svc, err := h.catalog.BySlug(r.Context(), slug); err == nil {
			in.ServiceID = svc.ID
		}
	}
	secret := ""
	switch in.Kind {
	case delivery.KindWebhook:
		in.URL = f.Value("adresse")
		secret = delivery.NewSecret()
		in.Secret = secret
	case delivery.KindEmail:
		in.Email = f.Value("adresse")
	default:
		f.add("art", "Wählen Sie die Art des Zustellwegs.")
	}
	if len(f.Errors) == 0 {
		if _, err := h.deliveries.SetTarget(r.Context(), in); err != nil {
			msg := err.Error()
			if i := strings.LastIndex(msg, ": "); i >= 0 && errors.Is(err, delivery.ErrInvalidTarget) {
				msg = msg[i+2:]
			}
			f.add("adresse", msg)
			secret = ""
		}
	}
	if len(f.Errors) > 0 {
		h.renderDeliveries(w, r, s, http.StatusUnprocessableEntity, f, "")
		return
	}
	h.renderDeliveries(w, r, s, http.StatusOK, accountForm{Values: map[string]string{}, Notice: "angelegt"}, secret)
}
