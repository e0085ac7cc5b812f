package web

import (
	"errors"
	"io"
	"net/http"

	"github.com/serviceportal/serviceportal/internal/fitconnect"
	"github.com/serviceportal/serviceportal/internal/inbound"
	"github.com/serviceportal/serviceportal/internal/store"
)

// enableInbound lets tenants receive over FIT-Connect: the receiver
// trusts the same Verwaltungs-PKI as the sender.
func (u *UseCases) enableInbound(s FitConnectSetup) {
	u.Inbound.Enable(inbound.Options{TrustAnchors: s.TrustAnchors, HTTPClient: s.HTTPClient})
}

// maxCallbackBody bounds a callback: it lists submission ids only.
const maxCallbackBody = 64 << 10

// fitConnectCallback takes the Zustelldienst's callback for a destination
// (POST /api/v1/fitconnect/callback/{id}). It answers 200 once the
// callback verified and the destination's sync is queued; a callback that
// fails verification gets 401 and changes nothing, since the periodic
// poll finds the submissions anyway.
func (s *Server) fitConnectCallback(w http.ResponseWriter, r *http.Request) {
	if !s.uc.Inbound.Enabled() {
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCallbackBody))
	if err != nil {
		http.Error(w, "callback too large", http.StatusRequestEntityTooLarge)
		return
	}
	err = s.uc.Inbound.Callback(r.Context(), r.PathValue("id"), r.Header.Get(fitconnect.CallbackTimestampHeader),
		r.Header.Get(fitconnect.CallbackAuthHeader), body)
	switch {
	case err == nil:
		w.WriteHeader(http.StatusOK)
	case errors.Is(err, store.ErrNotFound):
		http.NotFound(w, r)
	case errors.Is(err, fitconnect.ErrCallback):
		s.log.Warn("fitconnect callback refused", "receiver", r.PathValue("id"), "err", err)
		http.Error(w, "callback not verified", http.StatusUnauthorized)
	default:
		s.log.Error("fitconnect callback", "receiver", r.PathValue("id"), "err", err)
		http.Error(w, "callback not processed", http.StatusInternalServerError)
	}
}
