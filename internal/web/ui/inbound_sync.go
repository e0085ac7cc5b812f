package ui

import (
	"errors"
	"net/http"

	"github.com/serviceportal/serviceportal/internal/store"
)

// inboundSync takes a destination's submissions now, without waiting for
// a callback or the next poll; useful after a key was added.
func (h *Handler) inboundSync(w http.ResponseWriter, r *http.Request) {
	s, ok := h.inboundAdmin(w, r)
	if !ok {
		return
	}
	_, err := h.inbound.Sync(r.Context(), s.info.Tenant.ID, r.PathValue("id"))
	switch {
	case errors.Is(err, store.ErrNotFound):
		h.notFound(w, r)
		return
	case err != nil:
		// The reason is on each entry and in the log; the page says the
		// run was incomplete rather than failing as a whole.
		h.log.Warn("fitconnect receive", "tenant", s.info.Tenant.Slug, "err", err)
		http.Redirect(w, r, s.info.Base+"/verwaltung/fitconnect-empfang?hinweis=fehler", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, s.info.Base+"/verwaltung/fitconnect-empfang?hinweis=abgerufen", http.StatusSeeOther)
}

// inboundRemove deletes a destination; what it received stays.
func (h *Handler) inboundRemove(w http.ResponseWriter, r *http.Request) {
	s, ok := h.inboundAdmin(w, r)
	if !ok {
		return
	}
	err := h.inbound.Remove(r.Context(), s.info.Tenant.ID, "account:"+s.info.Account.ID, r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, s.info.Base+"/verwaltung/fitconnect-empfang?hinweis=entfernt", http.StatusSeeOther)
}
