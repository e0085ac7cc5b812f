package api

import (
	"net/http"
	"strconv"
	"time"
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
		svc, _ := h.catalog.BySlug(r.Context(), t.ServiceID)
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
	t, err := h.dir.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		writeProblem(w, r, http.StatusNotFound, "Gebietskörperschaft nicht gefunden", "GET /api/v1/tenants listet alle.")
		return
	}
	offs, err := h.catalog.TenantOfferings(r.Context(), t.ID)
	if err != nil {
		h.internalError(w, r, err)
		return
	}
	type offeringJSON struct {
		ID           string `json:"id"`
		Service      string `json:"service"`
		TemplateID   string `json:"template_id"`
		Version      int    `json:"version"`
		Office       string `json:"office,omitempty"`
		FeeCents     *int64 `json:"fee_cents,omitempty"`
		OpeningHours string `json:"opening_hours,omitempty"`
		AdoptedAt    string `json:"adopted_at"`
	}
	out := []offeringJSON{}
	for _, o := range offs {
		svc, _ := h.catalog.BySlug(r.Context(), o.ServiceID)
		out = append(out, offeringJSON{ID: o.ID, Service: svc.Slug, TemplateID: o.TemplateID, Version: o.Version, Office: o.Office,
			FeeCents: o.FeeCents, OpeningHours: o.OpeningHours, AdoptedAt: o.AdoptedAt.Format(time.RFC3339)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"tenant": t.Slug, "offerings": out})
}
