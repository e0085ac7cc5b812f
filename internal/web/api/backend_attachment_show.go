package api

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"mime"
	"net/http"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// backendAttachmentShow answers GET
// /api/v1/backend/submissions/{id}/attachments/{attachmentId}: the file,
// streamed chunk by chunk as stored, with its SHA-512 in Repr-Digest (RFC 9530).
func (h *Handler) backendAttachmentShow(w http.ResponseWriter, r *http.Request) {
	c, ok := h.backendClient(w, r)
	if !ok {
		return
	}
	a, err := h.backend.Attachment(r.Context(), c, r.PathValue("id"), r.PathValue("attachmentId"))
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, r, http.StatusNotFound, "Datei nicht gefunden", "Diese Datei gehört zu keinem Antrag, den dieser Zugang sehen darf.")
		return
	}
	if err != nil {
		h.internalError(w, r, err)
		return
	}
	fileHeaders(w, a)
	if err := h.backend.WriteAttachment(r.Context(), w, a); err != nil {
		// The status line went out; the receiver sees a short body whose
		// hash does not match.
		h.log.ErrorContext(r.Context(), "backend attachment", "err", err, "attachment", a.ID)
	}
}

// fileHeaders describe a file download: never sniffed, never cached, with
// the SHA-512 the receiver checks the body against.
func fileHeaders(w http.ResponseWriter, a submission.Attachment) {
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Filename}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	if sum, err := hex.DecodeString(a.SHA512); err == nil {
		w.Header().Set("Repr-Digest", "sha-512=:"+base64.StdEncoding.EncodeToString(sum)+":") // RFC 9530
	}
}
