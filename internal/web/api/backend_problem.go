package api

import (
	"encoding/json"
	"net/http"

	"github.com/serviceportal/serviceportal/internal/web/request"
)

// writeInvalidParams is writeProblem with the RFC 9457 "invalid-params"
// extension, naming the fields that are wrong.
func writeInvalidParams(w http.ResponseWriter, r *http.Request, status int, title string, params ...invalidParam) {
	w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"type": "about:blank", "title": title, "status": status,
		"detail": "Bitte korrigieren Sie die genannten Angaben.", "invalid-params": params,
		"instance": r.URL.Path, "request_id": request.From(r).ID})
}
