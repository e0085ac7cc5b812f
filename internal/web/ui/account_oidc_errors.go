package ui

import (
	"errors"
	"net/http"
	"strconv"

	"golang.org/x/oauth2"

	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/identity/oidc"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

const oidcHeading = "Anmeldung nicht abgeschlossen"

// oidcFailed answers a callback that Finish refused. Every expected
// failure gets a German page with a new start; the details go to the log
// only.
func (h *Handler) oidcFailed(w http.ResponseWriter, r *http.Request, err error) {
	h.oidcFailedAt(w, r, err, h.oidc, request.From(r).Base+oidcStartURL(identity.TrustBasis, ""))
}

// oidcFailedAt is oidcFailed for provider p, offering retry.
func (h *Handler) oidcFailedAt(w http.ResponseWriter, r *http.Request, err error, p *oidc.Provider, retry string) {
	info := request.From(r)
	v := oidcView{Heading: oidcHeading, Retry: retry, RetryLabel: "Anmeldung neu starten"}
	status := http.StatusBadRequest
	var pe *oidc.ProviderError
	var re *oauth2.RetrieveError
	switch {
	case errors.Is(err, oidc.ErrFlowExpired):
		v.Text = []string{"Die Anmeldung hat zu lange gedauert. Aus Sicherheitsgründen muss sie innerhalb von " +
			minutes(p.FlowTTL().Minutes()) + " abgeschlossen sein. Bitte starten Sie sie erneut."}
	case errors.Is(err, oidc.ErrNoFlow):
		v.Text = []string{"Zu dieser Rückmeldung des Anmeldedienstes gibt es in diesem Browser keine begonnene Anmeldung. " +
			"Das passiert, wenn die Anmeldung in einem anderen Browser begonnen wurde, schon abgeschlossen ist oder Cookies blockiert sind. " +
			"Bitte starten Sie die Anmeldung erneut und lassen Sie Cookies für das Serviceportal zu."}
	case errors.Is(err, oidc.ErrStateMismatch), errors.Is(err, oidc.ErrNonceMismatch):
		v.Text = []string{"Die Rückmeldung des Anmeldedienstes gehört nicht zu Ihrer Anmeldung und wurde zu Ihrem Schutz abgelehnt. " +
			"Bitte starten Sie die Anmeldung erneut. Folgen Sie dabei keinen Anmelde-Links aus E-Mails oder von fremden Seiten."}
	case errors.As(err, &pe):
		status, v.Text = providerErrorText(pe)
	case errors.Is(err, oidc.ErrInvalidToken), errors.As(err, &re):
		// Expired or invalid ID token, a used or unknown code.
		v.Text = []string{"Die Anmeldebestätigung des Anmeldedienstes ist ungültig oder abgelaufen. Bitte melden Sie sich erneut an."}
	default:
		// The provider could not be reached for the code exchange.
		status = http.StatusBadGateway
		v.Text = []string{"Der Anmeldedienst ist gerade nicht erreichbar. Bitte versuchen Sie es in einigen Minuten erneut."}
	}
	h.log.WarnContext(r.Context(), "oidc login refused", "err", err, "status", status, "request_id", info.ID)
	h.renderOIDC(w, r, status, v)
}

// providerErrorText explains an error the provider sent back (RFC 6749
// 4.1.2.1, OpenID Connect Core 3.1.2.6).
func providerErrorText(pe *oidc.ProviderError) (int, []string) {
	switch pe.Code {
	case "access_denied", "login_required", "interaction_required", "consent_required", "account_selection_required":
		return http.StatusBadRequest, []string{"Die Anmeldung wurde abgebrochen. Sie können sie jederzeit neu starten oder sich mit E-Mail-Adresse und Passwort anmelden."}
	case "temporarily_unavailable", "server_error":
		return http.StatusBadGateway, []string{"Der Anmeldedienst ist gerade nicht erreichbar. Bitte versuchen Sie es in einigen Minuten erneut."}
	}
	return http.StatusBadRequest, []string{"Der Anmeldedienst hat die Anmeldung abgelehnt. Bitte versuchen Sie es erneut. " +
		"Wenn es wieder nicht klappt, melden Sie sich mit E-Mail-Adresse und Passwort an und wenden Sie sich an Ihre Stadtverwaltung."}
}

// oidcLoginFailed answers a verified identity the portal cannot log in,
// such as an address that already belongs to a password account.
func (h *Handler) oidcLoginFailed(w http.ResponseWriter, r *http.Request, err error) {
	msg, ok := identity.UserMessage(err)
	if !ok {
		h.serverError(w, r, err)
		return
	}
	info := request.From(r)
	status := http.StatusBadRequest
	switch {
	case errors.Is(err, identity.ErrEmailTaken):
		status = http.StatusConflict
	case errors.Is(err, identity.ErrAccountDisabled):
		status = http.StatusForbidden
	}
	h.log.InfoContext(r.Context(), "oidc login not possible", "err", err, "request_id", info.ID)
	h.renderOIDC(w, r, status, oidcView{Heading: oidcHeading, Text: []string{msg},
		Retry: info.Base + "/konto/anmelden", RetryLabel: "Mit E-Mail-Adresse anmelden"})
}

func minutes(m float64) string {
	if int(m) == 1 {
		return "einer Minute"
	}
	return strconv.Itoa(int(m)) + " Minuten"
}
