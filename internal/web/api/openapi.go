package api

import (
	_ "embed"
	"net/http"
)

// openAPIDoc describes every route of /api/v1 (TestOpenAPICoversRoutes
// holds it against the mux).
//
//go:embed openapi.json
var openAPIDoc []byte

// openAPI answers GET /api/v1/openapi.json.
func (h *Handler) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Write(openAPIDoc) // #nosec G705 -- our own embedded OpenAPI document, served as application/json with nosniff
}
