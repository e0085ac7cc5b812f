package ui

import (
	"errors"
	"net/http"

	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/store"
)

// backendClientRevoke ends a client's access at once (its tokens stop
// working); the entry stays in the list, marked as revoked.
func (h *Handler) backendClientRevoke(w http.ResponseWriter, r *http.Request) {
	s, ok := h.requireTenantAdmin(w, r)
	if !ok {
		return
	}
	err := h.backend.RevokeClient(r.Context(), s.principal, s.info.Tenant.ID, r.PathValue("id"))
	switch {
	case errors.Is(err, store.ErrNotFound):
		h.notFound(w, r)
	case errors.Is(err, identity.ErrForbidden):
		h.pages.Error(w, r, http.StatusForbidden)
	case err != nil:
		h.serverError(w, r, err)
	default:
		http.Redirect(w, r, s.info.Base+"/verwaltung/schnittstellen?hinweis=widerrufen", http.StatusSeeOther)
	}
}
