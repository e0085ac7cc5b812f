package ui

import (
	"errors"
	"net/http"

	"github.com/serviceportal/serviceportal/internal/backend"
	"github.com/serviceportal/serviceportal/internal/identity"
)

// backendClientCreate registers a back-end client. The services must be
// chosen: either some of the tenant's, or "alle" explicitly, so no client
// gets every application by an empty form.
func (h *Handler) backendClientCreate(w http.ResponseWriter, r *http.Request) {
	s, ok := h.requireTenantAdmin(w, r)
	if !ok {
		return
	}
	f := newForm(r, "name", "webhook", "umfang")
	in := backend.ClientInput{TenantID: s.info.Tenant.ID, Name: f.Value("name"), WebhookURL: f.Value("webhook"),
		AllServices: f.Value("umfang") == "alle"}
	if !in.AllServices {
		in.Services = r.PostForm["leistung"]
	}
	c, cred, err := h.backend.CreateClient(r.Context(), s.principal, in)
	var fe *backend.FieldError
	switch {
	case errors.As(err, &fe):
		field := map[string]string{"name": "name", "webhook": "webhook", "services": "umfang"}[fe.Field]
		f.add(field, fe.Message)
		h.renderBackendClients(w, r, s, http.StatusUnprocessableEntity, backendClientsView{Form: f, Chosen: in.Services})
	case errors.Is(err, identity.ErrForbidden):
		h.pages.Error(w, r, http.StatusForbidden)
	case err != nil:
		h.serverError(w, r, err)
	default:
		h.renderBackendClients(w, r, s, http.StatusOK, backendClientsView{Form: accountForm{Values: map[string]string{}},
			Created: &cred, CreatedName: c.Name})
	}
}
