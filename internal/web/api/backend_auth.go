package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/serviceportal/serviceportal/internal/backend"
)

// backendClient authenticates a back-end request by its bearer token
// (RFC 6750 §2.1) and returns the client; ok is false when an answer was
// written. Every query that follows is bound to the client's tenant and
// services, whatever the URL says.
func (h *Handler) backendClient(w http.ResponseWriter, r *http.Request) (backend.Client, bool) {
	if h.backend == nil {
		writeProblem(w, r, http.StatusNotFound, "Schnittstelle nicht eingerichtet", "Dieses Portal bietet keine Schnittstelle für Fachverfahren an.")
		return backend.Client{}, false
	}
	const challenge = `Bearer realm="serviceportal-backend"`
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		w.Header().Set("WWW-Authenticate", challenge)
		writeProblem(w, r, http.StatusUnauthorized, "Anmeldung erforderlich",
			"Senden Sie ein Zugriffstoken als „Authorization: Bearer …“; es kommt von POST /api/v1/backend/token.")
		return backend.Client{}, false
	}
	c, err := h.backend.Authenticate(r.Context(), strings.TrimSpace(token))
	if errors.Is(err, backend.ErrInvalidToken) {
		w.Header().Set("WWW-Authenticate", challenge+`, error="invalid_token"`)
		writeProblem(w, r, http.StatusUnauthorized, "Zugriffstoken ungültig",
			"Das Token ist unbekannt, abgelaufen oder der Zugang wurde widerrufen. Holen Sie ein neues bei POST /api/v1/backend/token.")
		return backend.Client{}, false
	}
	if err != nil {
		h.internalError(w, r, err)
		return backend.Client{}, false
	}
	return c, true
}

// notTheClients answers 404 for an application the client may not see,
// the same as for one that does not exist, so IDs of other tenants'
// applications cannot be probed.
func notTheClients(w http.ResponseWriter, r *http.Request) {
	writeProblem(w, r, http.StatusNotFound, "Antrag nicht gefunden",
		"Einen Antrag mit dieser ID gibt es für diesen Zugang nicht.")
}
