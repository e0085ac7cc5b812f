package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/serviceportal/serviceportal/internal/backend"
	"github.com/serviceportal/serviceportal/internal/store"
)

// backendEvent is what a back-end system reports.
type backendEvent struct {
	Status  backend.Status `json:"status"`
	Message string         `json:"message"`
}

// backendEventCreate answers POST /api/v1/backend/submissions/{id}/events:
// the system tells the citizen (and the audit log) what it did.
func (h *Handler) backendEventCreate(w http.ResponseWriter, r *http.Request) {
	c, ok := h.backendClient(w, r)
	if !ok {
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeProblem(w, r, http.StatusUnsupportedMediaType, "Nur JSON", "Senden Sie {\"status\": …, \"message\": …} als application/json.")
		return
	}
	var ev backendEvent
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		writeProblem(w, r, http.StatusBadRequest, "Ungültiges JSON", "Erwartet wird {\"status\": \"in_progress\", \"message\": \"…\"}.")
		return
	}
	if !ev.Status.Valid() {
		names := make([]string, 0, 5)
		for _, st := range backend.Statuses() {
			names = append(names, string(st))
		}
		writeInvalidParams(w, r, http.StatusUnprocessableEntity, "Unbekannter Status",
			invalidParam{Name: "status", Reason: "Erlaubt sind " + strings.Join(names, ", ") + "."})
		return
	}
	err := h.backend.Report(r.Context(), c, r.PathValue("id"), ev.Status, ev.Message)
	var msgErr *backend.MessageError
	switch {
	case errors.As(err, &msgErr):
		writeInvalidParams(w, r, http.StatusUnprocessableEntity, "Nachricht zu lang", invalidParam{Name: "message", Reason: msgErr.Message})
	case errors.Is(err, store.ErrNotFound):
		notTheClients(w, r)
	case err != nil:
		h.internalError(w, r, err)
	default:
		writeJSON(w, http.StatusCreated, map[string]string{"id": r.PathValue("id"), "status": string(ev.Status),
			"citizenStatus": ev.Status.CitizenStatus()})
	}
}
