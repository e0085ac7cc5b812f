package ui

import (
	"net/http"

	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/mail"
)

// outboxView lists the e-mails the portal sent (or, without SMTP, kept)
// for the tenant.
type outboxView struct {
	Mails   []mail.Message
	NextURL string
}

func (h *Handler) outboxShow(w http.ResponseWriter, r *http.Request) {
	s, ok := h.requireStaff(w, r)
	if !ok {
		return
	}
	var tenants []string
	switch {
	case s.info.Tenant.IsRegion():
		all, ids, err := h.ident.Authorizer().Tenants(r.Context(), s.principal, identity.ViewOutgoingMail)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		if !all && len(ids) == 0 {
			h.pages.Error(w, r, http.StatusForbidden)
			return
		}
		if !all {
			tenants = ids
		}
	case h.can(r, s, identity.ViewOutgoingMail, ""):
		tenants = []string{s.info.Tenant.ID}
	default:
		h.pages.Error(w, r, http.StatusForbidden)
		return
	}
	mails, next, err := h.outbox.List(r.Context(), tenants, 50, mail.Cursor(r.URL.Query().Get("nach")))
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v := outboxView{Mails: mails}
	if next != "" {
		v.NextURL = "?nach=" + urlQuery(string(next))
	}
	h.pages.Render(w, r, http.StatusOK, "outbox", pageData("Ausgehende E-Mails", v))
}
