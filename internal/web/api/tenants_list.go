package api

import "net/http"

// tenantsList answers GET /api/v1/tenants: the region and its authorities.
func (h *Handler) tenantsList(w http.ResponseWriter, r *http.Request) {
	all, err := h.dir.List(r.Context())
	if err != nil {
		h.internalError(w, r, err)
		return
	}
	out := struct {
		Region  *tenantJSON  `json:"region"`
		Tenants []tenantJSON `json:"tenants"`
	}{Tenants: []tenantJSON{}}
	for _, t := range all {
		j := h.toJSON(t)
		if t.IsRegion() {
			out.Region = &j
			continue
		}
		out.Tenants = append(out.Tenants, j)
	}
	writeJSON(w, http.StatusOK, out)
}
