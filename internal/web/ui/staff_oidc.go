package ui

import (
	"errors"
	"net/http"

	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/identity/oidc"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

// The staff login through the data centre's identity provider (single
// sign-on with Keycloak or AD FS). It only logs in staff accounts that
// an admin created: the provider's verified e-mail address finds the
// account on the first login, its subject on every later one. MFA is
// still required: the portal's TOTP step follows unless the operator
// trusts the provider's own second factor (amr).

const staffOIDCPath = "/verwaltung/oidc/"

func (h *Handler) staffOIDCRoutes(mux *http.ServeMux) {
	if h.staffOIDC == nil || h.ident == nil {
		return
	}
	mux.HandleFunc("GET /verwaltung/oidc/start", h.staffOIDCStart)
	mux.HandleFunc("GET /verwaltung/oidc/rueckkehr", h.staffOIDCReturn)
}

func (h *Handler) staffOIDCStart(w http.ResponseWriter, r *http.Request) {
	info := request.From(r)
	back := oidc.SafeReturnTo(r.URL.Query().Get("weiter"))
	if back == "" {
		back = info.Base + "/verwaltung"
	}
	if info.RegionURL != "/" && h.baseURL != "" {
		// A city's own host name: the provider returns to the main address.
		slug := "/" + info.Tenant.Slug
		http.Redirect(w, r, h.baseURL+slug+staffOIDCPath+"start?weiter="+urlQuery(slug+back), http.StatusSeeOther)
		return
	}
	target, cookie, err := h.staffOIDC.Start(identity.TrustNone, back)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.setFlowCookieAt(w, staffOIDCPath, cookie, int(h.staffOIDC.FlowTTL().Seconds()))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusSeeOther)
}

func (h *Handler) staffOIDCReturn(w http.ResponseWriter, r *http.Request) {
	info := request.From(r)
	cookie := ""
	if c, err := r.Cookie(h.flowCookieName()); err == nil {
		cookie = c.Value
	}
	h.setFlowCookieAt(w, staffOIDCPath, "", -1)
	retry := info.Base + staffOIDCPath + "start"
	res, err := h.staffOIDC.Finish(r.Context(), r.URL.Query(), cookie)
	if err != nil {
		h.oidcFailedAt(w, r, err, h.staffOIDC, retry)
		return
	}
	back := oidc.SafeReturnTo(res.ReturnTo)
	if back == "" {
		back = info.Base + "/verwaltung"
	}
	if err := h.externalLogin(w, r, res, "", back); err != nil {
		h.staffOIDCRefused(w, r, err)
	}
}

// staffOIDCRefused explains a verified identity without a staff account.
// The portal never creates staff accounts from a provider's say-so: roles
// and tenants are an admin's decision.
func (h *Handler) staffOIDCRefused(w http.ResponseWriter, r *http.Request, err error) {
	info := request.From(r)
	v := oidcView{Heading: "Kein Zugang zur Verwaltung", Retry: info.Base + "/verwaltung/anmelden", RetryLabel: "Mit E-Mail-Adresse und Passwort anmelden"}
	switch {
	case errors.Is(err, identity.ErrInvalidCredentials):
		v.Text = []string{"Ihre Anmeldung beim Rechenzentrum war erfolgreich, aber zu Ihrer dienstlichen E-Mail-Adresse gibt es im Serviceportal keinen Zugang für Mitarbeitende.",
			"Bitten Sie die Administration Ihrer Verwaltung, einen Zugang mit dieser Adresse anzulegen. Der Anmeldedienst muss die Adresse als bestätigt melden."}
	case errors.Is(err, identity.ErrAccountDisabled):
		v.Text = []string{"Ihr Zugang ist gesperrt. Bitte wenden Sie sich an die Administration Ihrer Verwaltung."}
	default:
		h.serverError(w, r, err)
		return
	}
	h.log.InfoContext(r.Context(), "staff oidc login refused", "err", err, "request_id", info.ID)
	h.renderOIDC(w, r, http.StatusForbidden, v)
}
