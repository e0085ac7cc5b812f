package api

import (
	"errors"
	"net/http"

	"github.com/serviceportal/serviceportal/internal/delivery"
	"github.com/serviceportal/serviceportal/internal/store"
)

// deliveryAttachmentShow answers GET
// /api/v1/deliveries/{id}/attachments/{attachmentId}?tenant=…&expires=…&signature=…,
// the link a webhook carries for each file: the file, streamed, with its
// SHA-512 in Repr-Digest. The signed link is the only credential, so
// anything that does not check out gets the same answer.
func (h *Handler) deliveryAttachmentShow(w http.ResponseWriter, r *http.Request) {
	if h.deliv == nil {
		writeProblem(w, r, http.StatusNotFound, "Nicht gefunden", "Diese Adresse gibt es nicht.")
		return
	}
	q := r.URL.Query()
	a, err := h.deliv.LinkedFile(r.Context(), q.Get("tenant"), r.PathValue("id"), r.PathValue("attachmentId"), q.Get("expires"), q.Get("signature"))
	switch {
	case errors.Is(err, delivery.ErrFileLink):
		writeProblem(w, r, http.StatusForbidden, "Link ungültig oder abgelaufen",
			"Der Link zur Datei ist verändert oder abgelaufen. Jeder Zustellversuch bringt neue Links; die Behörde kann die Zustellung wiederholen.")
		return
	case errors.Is(err, store.ErrNotFound):
		writeProblem(w, r, http.StatusGone, "Datei nicht mehr vorhanden", "Die Datei oder der Antrag wurde inzwischen gelöscht.")
		return
	case err != nil:
		h.internalError(w, r, err)
		return
	}
	fileHeaders(w, a)
	if err := h.deliv.WriteFile(r.Context(), w, a); err != nil {
		// The status line went out; the receiver sees a short body whose
		// hash does not match.
		h.log.ErrorContext(r.Context(), "delivery attachment", "err", err, "attachment", a.ID)
	}
}
