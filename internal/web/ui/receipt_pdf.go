package ui

import (
	"context"
	"net/http"

	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

// ReceiptRenderer makes the Antragsbestätigung PDF of a submission.
type ReceiptRenderer func(ctx context.Context, s submission.Submission, statusURL string) ([]byte, error)

// receiptPDF serves the Antragsbestätigung of the status link's application.
func (h *Handler) receiptPDF(w http.ResponseWriter, r *http.Request) {
	v, ok := h.loadStatus(w, r)
	if !ok {
		return
	}
	if h.receipts == nil {
		h.notFound(w, r)
		return
	}
	pdf, err := h.receipts(r.Context(), v.Submission, h.baseURL+request.From(r).Base+"/status/"+v.Token)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="Eingangsbestaetigung-`+v.Submission.TrackingNumber+`.pdf"`)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(pdf)
}
