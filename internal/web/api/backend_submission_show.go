package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/serviceportal/serviceportal/internal/backend"
	"github.com/serviceportal/serviceportal/internal/store"
)

// backendSubmission is one application as a back-end system gets it.
type backendSubmission struct {
	ID             string             `json:"id"`
	TrackingNumber string             `json:"trackingNumber"`
	Service        backend.ServiceRef `json:"service"`
	Form           backendForm        `json:"form"`
	SubmittedAt    time.Time          `json:"submittedAt"`
	Status         string             `json:"status"`
	// Answers are keyed by field ID; null after retention deleted them.
	Answers       map[string]any      `json:"answers"`
	PayloadSHA512 string              `json:"payloadSha512"`
	Attachments   []backendAttachment `json:"attachments"`
}

type backendForm struct {
	ID      string `json:"id"`
	Version string `json:"version"`
}

type backendAttachment struct {
	ID    string `json:"id"`
	Field string `json:"field"`
	// Kind is "application" for the citizen's files, "reply" for files
	// sent later, "decision" for the Bescheid.
	Kind        string `json:"kind"`
	Filename    string `json:"filename"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
	SHA512      string `json:"sha512"`
	URL         string `json:"url"`
}

// backendSubmissionShow answers GET /api/v1/backend/submissions/{id}.
func (h *Handler) backendSubmissionShow(w http.ResponseWriter, r *http.Request) {
	c, ok := h.backendClient(w, r)
	if !ok {
		return
	}
	sub, err := h.backend.Submission(r.Context(), c, r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		notTheClients(w, r)
		return
	}
	if err != nil {
		h.internalError(w, r, err)
		return
	}
	out := backendSubmission{ID: sub.ID, TrackingNumber: sub.TrackingNumber, Service: h.backend.ServiceRef(r.Context(), sub.ServiceID),
		Form: backendForm{ID: sub.FormID, Version: sub.FormVersion}, SubmittedAt: sub.SubmittedAt.UTC(), Status: sub.Status,
		Answers: sub.Values, PayloadSHA512: sub.PayloadSHA512, Attachments: []backendAttachment{}}
	for _, a := range sub.Attachments {
		kind := a.Owner
		if kind == "" {
			kind = "application"
		}
		out.Attachments = append(out.Attachments, backendAttachment{ID: a.ID, Field: a.FieldPath, Kind: kind, Filename: a.Filename,
			ContentType: a.ContentType, Size: a.Size, SHA512: a.SHA512,
			URL: h.backend.SubmissionURL(sub.ID) + "/attachments/" + a.ID})
	}
	writeJSON(w, http.StatusOK, out)
}
