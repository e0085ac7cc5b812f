package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/serviceportal/serviceportal/internal/store"
)

// searchList answers GET /api/v1/search?q=&tenant=: the catalogue's
// full-text search, the tenant's own services first.
func (h *Handler) searchList(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" || len(q) > 200 {
		writeProblem(w, r, http.StatusBadRequest, "Parameter q fehlt oder ist zu lang", "q muss 1 bis 200 Zeichen haben, z. B. ?q=hund+anmelden.")
		return
	}
	tenantID, tenantSlug := "", r.URL.Query().Get("tenant")
	if tenantSlug != "" {
		t, err := h.tenant(r.Context(), tenantSlug)
		if errors.Is(err, store.ErrNotFound) {
			writeProblem(w, r, http.StatusBadRequest, "Unbekannte Gebietskörperschaft", "tenant muss ein Kürzel aus GET /api/v1/tenants sein.")
			return
		}
		if err != nil {
			h.internalError(w, r, err)
			return
		}
		if !t.IsRegion() {
			tenantID = t.ID
		}
	}
	hits, err := h.search.Search(r.Context(), q, tenantID, 20)
	if err != nil {
		h.internalError(w, r, err)
		return
	}
	type hitJSON struct {
		Score   float64     `json:"score"`
		Own     bool        `json:"own"`
		Service serviceJSON `json:"service"`
	}
	out := struct {
		Query   string    `json:"query"`
		Tenant  string    `json:"tenant,omitempty"`
		Results []hitJSON `json:"results"`
	}{Query: q, Tenant: tenantSlug, Results: []hitJSON{}}
	for _, hit := range hits {
		out.Results = append(out.Results, hitJSON{Score: hit.Score, Own: hit.Own, Service: toServiceJSON(hit.Service)})
	}
	writeJSON(w, http.StatusOK, out)
}
