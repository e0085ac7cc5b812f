package ui

import "net/http"

func (h *Handler) accountRoutes(mux *http.ServeMux) {
	if h.ident == nil {
		return
	}
	mux.HandleFunc("GET /konto/registrieren", h.registerShow)
	mux.HandleFunc("POST /konto/registrieren", h.registerSubmit)
	mux.HandleFunc("GET /konto/bestaetigen", h.verifyEmail)
	mux.HandleFunc("GET /konto/anmelden", h.loginShow(false))
	mux.HandleFunc("POST /konto/anmelden", h.loginSubmit(false))
	mux.HandleFunc("GET /verwaltung/anmelden", h.loginShow(true))
	mux.HandleFunc("POST /verwaltung/anmelden", h.loginSubmit(true))
	mux.HandleFunc("GET /konto/zweiter-faktor", h.mfaShow)
	mux.HandleFunc("POST /konto/zweiter-faktor", h.mfaSubmit)
	mux.HandleFunc("POST /konto/abmelden", h.logout)
	mux.HandleFunc("GET /konto/passwort-vergessen", h.forgotShow)
	mux.HandleFunc("POST /konto/passwort-vergessen", h.forgotSubmit)
	mux.HandleFunc("GET /konto/passwort-neu", h.resetShow)
	mux.HandleFunc("POST /konto/passwort-neu", h.resetSubmit)
	mux.HandleFunc("GET /konto", h.accountShow)
	mux.HandleFunc("POST /konto/sitzungen-beenden", h.sessionsRevoke)
	mux.HandleFunc("GET /konto/authenticator", h.totpShow)
	mux.HandleFunc("POST /konto/authenticator", h.totpConfirm)
	mux.HandleFunc("GET /konto/daten.json", h.accountExport)
	mux.HandleFunc("GET /konto/loeschen", h.deleteShow)
	mux.HandleFunc("POST /konto/loeschen", h.deleteSubmit)
}
