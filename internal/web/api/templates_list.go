package api

import (
	"net/http"
	"strconv"
)

// templatesList answers GET /api/v1/templates: the region's template
// library with owners, latest versions and adopters.
func (h *Handler) templatesList(w http.ResponseWriter, r *http.Request) {
	ts, err := h.catalog.Templates(r.Context(), "")
	if err != nil {
		h.internalError(w, r, err)
		return
	}
	type templateJSON struct {
		ID       string   `json:"id"`
		Service  string   `json:"service"`
		Owner    string   `json:"owner"`
		FormID   string   `json:"form_id"`
		Latest   int      `json:"latest_version"`
		Adopters []string `json:"adopted_by"`
		// Schema is the JSON Schema of the latest version's data.
		Schema string `json:"schema"`
	}
	out := []templateJSON{}
	for _, t := range ts {
		svc, _ := h.service(r.Context(), t.ServiceID)
		a := t.Adopters
		if a == nil {
			a = []string{}
		}
		out = append(out, templateJSON{ID: t.ID, Service: svc.Slug, Owner: t.OwnerName, FormID: t.FormID, Latest: t.Latest, Adopters: a,
			Schema: h.baseURL + "/api/v1/templates/" + t.ID + "/versions/" + strconv.Itoa(t.Latest) + "/schema.json"})
	}
	writeJSON(w, http.StatusOK, map[string]any{"templates": out})
}

// offeringsList answers GET /api/v1/tenants/{slug}/offerings: the
// template versions a tenant runs, with its local details.
func (h *Handler) offeringsList(w http.ResponseWriter, r *http.Request) {
	t, ok := h.pathTenant(w, r)
	if !ok {
		return
	}
	offs, err := h.catalog.TenantOfferings(r.Context(), t.ID)
	if err != nil {
		h.internalError(w, r, err)
		return
	}
	out := []offeringJSON{}
	for _, o := range offs {
		out = append(out, h.toOfferingJSON(r.Context(), o))
	}
	writeJSON(w, http.StatusOK, map[string]any{"tenant": t.Slug, "offerings": out})
}
