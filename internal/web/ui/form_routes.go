package ui

import (
	"context"
	"net/http"

	"github.com/serviceportal/serviceportal/internal/form"
)

// Forms finds the form version an application uses.
type Forms interface {
	// Current is the form a tenant's citizens start now (its offering's
	// pinned template version).
	Current(ctx context.Context, tenantID, id string) (*form.Form, bool)
	// Version is the form version a draft or submission was started with.
	Version(ctx context.Context, id, version string) (*form.Form, bool)
}

// formRoutes registers the application pages. A draft is addressed by its
// secret resume token in the URL, so the link itself is the way back, on
// any device and without an account.
func (h *Handler) formRoutes(mux *http.ServeMux) {
	if h.forms == nil || h.subs == nil {
		return
	}
	mux.HandleFunc("GET /antrag/{form}", h.formStart)
	mux.HandleFunc("POST /antrag/{form}", h.formCreate)
	mux.HandleFunc("GET /antrag/{form}/e/{token}", h.formResume)
	mux.HandleFunc("GET /antrag/{form}/e/{token}/schritt/{step}", h.formStepShow)
	mux.HandleFunc("POST /antrag/{form}/e/{token}/schritt/{step}", h.formStepSave)
	mux.HandleFunc("GET /antrag/{form}/e/{token}/pruefen", h.formSummaryShow)
	mux.HandleFunc("POST /antrag/{form}/e/{token}/absenden", h.formSubmit)
	mux.HandleFunc("GET /antrag/{form}/e/{token}/datei/{aid}", h.formFile)
	mux.HandleFunc("GET /status/{token}/eingangsbestaetigung.pdf", h.receiptPDF)
}
