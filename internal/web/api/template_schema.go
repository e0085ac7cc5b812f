package api

import (
	"net/http"
	"strconv"

	"github.com/serviceportal/serviceportal/internal/form"
)

// templateSchema answers GET /api/v1/templates/{id}/versions/{n}/schema.json:
// the JSON Schema (2020-12) of one published form version, which the data
// of every application on that version satisfies. Versions never change,
// so receivers may cache the schema for good.
func (h *Handler) templateSchema(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil {
		writeProblem(w, r, http.StatusNotFound, "Fassung nicht gefunden", "Die Fassung ist eine Zahl, z. B. /versions/1/schema.json.")
		return
	}
	versions, err := h.catalog.Versions(r.Context(), r.PathValue("id"))
	if err != nil {
		h.internalError(w, r, err)
		return
	}
	for _, v := range versions {
		if v.Version != n {
			continue
		}
		f, err := v.Form()
		if err != nil {
			h.internalError(w, r, err)
			return
		}
		doc, err := form.JSONSchema(f)
		if err != nil {
			h.internalError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/schema+json")
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Write(doc) // #nosec G705 -- our own JSON Schema, served as application/schema+json with nosniff
		return
	}
	writeProblem(w, r, http.StatusNotFound, "Fassung nicht gefunden", "GET /api/v1/templates listet die Vorlagen mit ihrer neuesten Fassung.")
}
