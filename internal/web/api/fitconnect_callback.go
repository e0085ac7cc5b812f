package api

import (
	"errors"
	"io"
	"net/http"

	"github.com/serviceportal/serviceportal/internal/fitconnect"
	"github.com/serviceportal/serviceportal/internal/store"
)

// maxCallbackBody bounds a callback: it lists submission ids only.
const maxCallbackBody = 64 << 10

// fitConnectCallback takes the Zustelldienst's callback for one of a
// tenant's destinations. It answers 200 once the callback verified and the
// destination's sync is queued; a callback that fails verification gets
// 401 and changes nothing, since the periodic poll finds the submissions
// anyway.
func (h *Handler) fitConnectCallback(w http.ResponseWriter, r *http.Request) {
	if !h.inbound.Enabled() {
		writeProblem(w, r, http.StatusNotFound, "FIT-Connect ist nicht eingerichtet", "Dieses Portal empfängt keine Anträge über FIT-Connect.")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCallbackBody))
	if err != nil {
		writeProblem(w, r, http.StatusRequestEntityTooLarge, "Callback zu groß", "Ein Callback nennt nur die Kennungen neuer Einreichungen.")
		return
	}
	err = h.inbound.Callback(r.Context(), r.PathValue("id"), r.Header.Get(fitconnect.CallbackTimestampHeader),
		r.Header.Get(fitconnect.CallbackAuthHeader), body)
	switch {
	case err == nil:
		w.WriteHeader(http.StatusOK)
	case errors.Is(err, store.ErrNotFound):
		writeProblem(w, r, http.StatusNotFound, "Unbekannter Zustellpunkt", "Unter dieser Adresse ist kein Zustellpunkt eingerichtet.")
	case errors.Is(err, fitconnect.ErrCallback):
		h.log.Warn("fitconnect callback refused", "receiver", r.PathValue("id"), "err", err)
		writeProblem(w, r, http.StatusUnauthorized, "Callback nicht bestätigt",
			"Zeitstempel oder callback-authentication passen nicht (HMAC-SHA512 über Zeitstempel.Inhalt, höchstens 5 Minuten alt).")
	default:
		h.internalError(w, r, err)
	}
}
