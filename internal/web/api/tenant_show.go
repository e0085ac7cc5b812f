package api

import (
	"errors"
	"net/http"

	"github.com/serviceportal/serviceportal/internal/store"
)

// tenantShow answers GET /api/v1/tenants/{slug}.
func (h *Handler) tenantShow(w http.ResponseWriter, r *http.Request) {
	t, err := h.tenant(r.Context(), r.PathValue("slug"))
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, r, http.StatusNotFound, "Gebietskörperschaft nicht gefunden", "Es gibt keine Gebietskörperschaft mit diesem Kürzel. GET /api/v1/tenants listet alle.")
		return
	}
	if err != nil {
		h.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, h.toJSON(t))
}
