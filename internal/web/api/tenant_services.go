package api

import (
	"errors"
	"net/http"

	"github.com/serviceportal/serviceportal/internal/store"
)

// tenantServices answers GET /api/v1/tenants/{slug}/services: what that
// portal offers, each with the authority that handles it.
func (h *Handler) tenantServices(w http.ResponseWriter, r *http.Request) {
	t, err := h.tenant(r.Context(), r.PathValue("slug"))
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, r, http.StatusNotFound, "Gebietskörperschaft nicht gefunden", "Es gibt keine Gebietskörperschaft mit diesem Kürzel.")
		return
	}
	if err != nil {
		h.internalError(w, r, err)
		return
	}
	offers, err := h.catalog.Offers(r.Context(), t)
	if err != nil {
		h.internalError(w, r, err)
		return
	}
	out := struct {
		Tenant   string        `json:"tenant"`
		Services []serviceJSON `json:"services"`
	}{Tenant: t.Slug, Services: []serviceJSON{}}
	for _, o := range offers {
		j := toServiceJSON(o.Service)
		j.Responsible = o.Responsible
		base := h.baseURL + "/"
		if !t.IsRegion() {
			base += t.Slug + "/"
		}
		j.URL = base + "leistungen/" + o.Service.Slug
		out.Services = append(out.Services, j)
	}
	writeJSON(w, http.StatusOK, out)
}

// serviceShow answers GET /api/v1/services/{id} (id or slug).
func (h *Handler) serviceShow(w http.ResponseWriter, r *http.Request) {
	s, err := h.service(r.Context(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, r, http.StatusNotFound, "Leistung nicht gefunden", "Es gibt keine Leistung mit dieser Kennung.")
		return
	}
	if err != nil {
		h.internalError(w, r, err)
		return
	}
	j := toServiceJSON(s)
	j.URL = h.baseURL + "/leistungen/" + s.Slug
	writeJSON(w, http.StatusOK, j)
}
