package ui

import (
	"net/http"
	"time"

	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/inbound"
)

// inboundView shows the tenant's FIT-Connect destinations, what arrived
// through them and, for what is still open, the Zustelldienst's clocks.
type inboundView struct {
	Receivers []inbound.Receiver
	Entries   []inboundRow
	Form      accountForm
	CanEdit   bool
	Notice    string
	// CallbackBase is the absolute prefix of the callback URLs to enter
	// in the Self-Service-Portal.
	CallbackBase string
}

type inboundRow struct {
	inbound.Entry
	Overdue bool
	// CaseURL opens the case of a stored submission.
	CaseURL string
}

func (h *Handler) inboundRoutes(mux interface {
	HandleFunc(string, func(http.ResponseWriter, *http.Request))
}) {
	if h.inbound == nil || h.ident == nil {
		return
	}
	mux.HandleFunc("GET /verwaltung/fitconnect-empfang", h.inboundShow)
	mux.HandleFunc("POST /verwaltung/fitconnect-empfang", h.inboundConfigure)
	mux.HandleFunc("POST /verwaltung/fitconnect-empfang/{id}/abrufen", h.inboundSync)
	mux.HandleFunc("POST /verwaltung/fitconnect-empfang/{id}/entfernen", h.inboundRemove)
}

// inboundOn answers 404 while the operator has not enabled FIT-Connect.
func (h *Handler) inboundOn(w http.ResponseWriter, r *http.Request) bool {
	if !h.inbound.Enabled() {
		h.notFound(w, r)
		return false
	}
	return true
}

// inboundAdmin is the common start of the actions that change a
// destination: FIT-Connect on, a staff member who manages the tenant.
func (h *Handler) inboundAdmin(w http.ResponseWriter, r *http.Request) (staff, bool) {
	if !h.inboundOn(w, r) {
		return staff{}, false
	}
	return h.requireTenantAdmin(w, r)
}

func (h *Handler) inboundShow(w http.ResponseWriter, r *http.Request) {
	if !h.inboundOn(w, r) {
		return
	}
	s, ok := h.requireStaff(w, r)
	if !ok {
		return
	}
	h.renderInbound(w, r, s, http.StatusOK, accountForm{Values: map[string]string{}})
}

func (h *Handler) renderInbound(w http.ResponseWriter, r *http.Request, s staff, status int, f accountForm) {
	canEdit := h.can(r, s, identity.ManageTenant, "")
	canCases := h.can(r, s, identity.ViewCases, "")
	if !canEdit && !canCases {
		h.pages.Error(w, r, http.StatusForbidden)
		return
	}
	ctx := r.Context()
	v := inboundView{Form: f, CanEdit: canEdit, Notice: r.URL.Query().Get("hinweis"), CallbackBase: h.baseURL + "/api/v1/fitconnect/callback/"}
	var err error
	if v.Receivers, err = h.inbound.Receivers(ctx, s.info.Tenant.ID); err != nil {
		h.serverError(w, r, err)
		return
	}
	entries, err := h.inbound.Entries(ctx, s.info.Tenant.ID, 100)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	caseIDs := map[string]string{}
	if canCases {
		var subs []string
		for _, e := range entries {
			if e.LocalSubmissionID != "" {
				subs = append(subs, e.LocalSubmissionID)
			}
		}
		if caseIDs, err = h.cases.CaseIDs(ctx, s.info.Tenant.ID, subs); err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	now := time.Now()
	for _, e := range entries {
		row := inboundRow{Entry: e, Overdue: e.Overdue(now)}
		if id, ok := caseIDs[e.LocalSubmissionID]; ok {
			row.CaseURL = s.info.Base + "/verwaltung/vorgaenge/" + id
		}
		v.Entries = append(v.Entries, row)
	}
	h.pages.Render(w, r, status, "inbound", pageData("FIT-Connect-Empfang", v))
}
