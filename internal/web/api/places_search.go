package api

import (
	"net/http"
	"strings"
	"unicode/utf8"
)

type matchJSON struct {
	By     string     `json:"by"`
	Value  string     `json:"value"`
	Tenant tenantJSON `json:"tenant"`
}

// placesSearch answers GET /api/v1/places?q=: a postcode or place name →
// the tenants responsible for it.
func (h *Handler) placesSearch(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" || len(q) > 100 || !utf8.ValidString(q) {
		writeProblem(w, r, http.StatusBadRequest, "Parameter q fehlt oder ist ungültig", "q muss eine Postleitzahl oder ein Ortsname mit 1 bis 100 Zeichen sein, z. B. ?q=46282.")
		return
	}
	ms, err := h.dir.FindPlaces(r.Context(), q)
	if err != nil {
		h.internalError(w, r, err)
		return
	}
	out := struct {
		Query   string      `json:"query"`
		Matches []matchJSON `json:"matches"`
	}{Query: q, Matches: []matchJSON{}}
	for _, m := range ms {
		out.Matches = append(out.Matches, matchJSON{By: m.By, Value: m.Value, Tenant: h.toJSON(m.Tenant)})
	}
	writeJSON(w, http.StatusOK, out)
}
