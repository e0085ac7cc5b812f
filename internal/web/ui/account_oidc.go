package ui

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/identity/oidc"
	"github.com/serviceportal/serviceportal/internal/web/page"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

// The citizen login through an OpenID Provider (BundID behind an OIDC
// front): /konto/oidc/start sends the browser there, /konto/oidc/rueckkehr
// is the one redirect URL registered at the provider. The flow's secrets
// travel sealed in a cookie limited to /konto/oidc/, so any instance can
// finish a login another one started.

const oidcPath = "/konto/oidc/"

func (h *Handler) oidcRoutes(mux *http.ServeMux) {
	if h.oidc == nil || h.ident == nil {
		return
	}
	mux.HandleFunc("GET /konto/oidc/start", h.oidcStart)
	mux.HandleFunc("GET /konto/oidc/rueckkehr", h.oidcReturn)
}

// oidcView is the page shown when a login through the provider cannot
// finish or needs a higher trust level.
type oidcView struct {
	Heading string
	Text    []string
	// Retry starts a new login (for a step-up, at the needed level).
	Retry      string
	RetryLabel string
}

func (h *Handler) renderOIDC(w http.ResponseWriter, r *http.Request, status int, v oidcView) {
	w.Header().Set("Cache-Control", "no-store")
	h.pages.Render(w, r, status, "account_oidc", page.Data{Title: v.Heading, View: v})
}

// flowCookieName cannot use the __Host- prefix of oidc.FlowCookie: that
// prefix demands Path=/, and the flow cookie is kept to /konto/oidc/ so
// no other page ever receives it.
func (h *Handler) flowCookieName() string {
	if h.cookies.Secure {
		return "__Secure-sp-oidc"
	}
	return "sp-oidc"
}

func (h *Handler) setFlowCookie(w http.ResponseWriter, value string, maxAge int) {
	h.setFlowCookieAt(w, oidcPath, value, maxAge)
}

// setFlowCookieAt keeps the flow cookie to one login's paths, so the
// citizens' and the staff login never see each other's flow.
func (h *Handler) setFlowCookieAt(w http.ResponseWriter, path, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: h.flowCookieName(), Value: value, Path: path, MaxAge: maxAge, // #nosec G124 -- Secure whenever the portal runs on https; the local http demo cannot set Secure cookies
		HttpOnly: true, Secure: h.cookies.Secure, SameSite: http.SameSiteLaxMode})
}

// parseNiveau reads the niveau parameter; empty means basis.
func parseNiveau(s string) (identity.TrustLevel, bool) {
	if s == "" {
		return identity.TrustBasis, true
	}
	l, err := identity.ParseTrustLevel(s)
	return l, err == nil && l != identity.TrustNone
}

// oidcStartURL is the path that starts a login at level need and returns
// to back (a path on the portal's main address).
func oidcStartURL(need identity.TrustLevel, back string) string {
	q := url.Values{}
	if need != identity.TrustNone && need != identity.TrustBasis {
		q.Set("niveau", string(need))
	}
	if back != "" {
		q.Set("weiter", back)
	}
	if len(q) == 0 {
		return oidcPath + "start"
	}
	return oidcPath + "start?" + q.Encode()
}

func (h *Handler) oidcStart(w http.ResponseWriter, r *http.Request) {
	info := request.From(r)
	q := r.URL.Query()
	need, ok := parseNiveau(q.Get("niveau"))
	if !ok {
		h.renderOIDC(w, r, http.StatusBadRequest, oidcView{Heading: "Anmeldung nicht möglich",
			Text:  []string{"Das verlangte Vertrauensniveau ist unbekannt. Möglich sind „basis“, „substanziell“ und „hoch“. Bitte beginnen Sie noch einmal auf der Seite der Leistung."},
			Retry: info.Base + oidcStartURL(identity.TrustBasis, ""), RetryLabel: "Mit BundID anmelden"})
		return
	}
	back := oidc.SafeReturnTo(q.Get("weiter"))
	if back == "" {
		back = info.Base + "/konto"
	}
	if info.RegionURL != "/" && h.baseURL != "" {
		// A city's own host name: the provider only returns to the main
		// address, which serves the city under its path.
		slug := "/" + info.Tenant.Slug
		http.Redirect(w, r, h.baseURL+slug+oidcStartURL(need, slug+back), http.StatusSeeOther)
		return
	}
	// Basis is what every successful login gives; asking for it would
	// refuse providers that send no level at all.
	min := need
	if min == identity.TrustBasis {
		min = identity.TrustNone
	}
	target, cookie, err := h.oidc.Start(min, back)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.setFlowCookie(w, cookie, int(h.oidc.FlowTTL().Seconds()))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// oidcReturn is the callback: it verifies the provider's answer, checks
// the level and logs the citizen in.
func (h *Handler) oidcReturn(w http.ResponseWriter, r *http.Request) {
	info := request.From(r)
	cookie := ""
	if c, err := r.Cookie(h.flowCookieName()); err == nil {
		cookie = c.Value
	}
	// A flow is good for one callback, whatever its outcome.
	h.setFlowCookie(w, "", -1)
	res, err := h.oidc.Finish(r.Context(), r.URL.Query(), cookie)
	if err != nil {
		h.oidcFailed(w, r, err)
		return
	}
	back := oidc.SafeReturnTo(res.ReturnTo)
	if back == "" {
		back = info.Base + "/konto"
	}
	if err := res.CheckTrust(); err != nil {
		h.stepUp(w, r, res, back, err)
		return
	}
	if err := h.externalLogin(w, r, res, h.linkTarget(info, res), back); err != nil {
		h.oidcLoginFailed(w, r, err)
	}
}

// externalLogin logs the provider's identity in, replacing the session
// the browser had, and continues at back, through the second-factor page
// when the account needs it.
func (h *Handler) externalLogin(w http.ResponseWriter, r *http.Request, res oidc.Result, linkTo, back string) error {
	prev := ""
	if c, err := r.Cookie(h.cookies.SessionName()); err == nil {
		prev = c.Value
	}
	login, err := h.ident.LoginExternal(r.Context(), res.ExternalLogin(r.UserAgent(), prev, linkTo))
	if err != nil {
		return err
	}
	h.cookies.SetSession(w, login.Token)
	if login.NeedsMFA {
		http.Redirect(w, r, request.From(r).Base+"/konto/zweiter-faktor?weiter="+urlQuery(back), http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// linkTarget links the provider identity to the logged-in citizen's
// account when both confirmed the same e-mail address, so a step-up keeps
// the citizen in the account that holds their applications. A different
// address (someone else at a shared computer) gets its own account.
func (h *Handler) linkTarget(info *request.Info, res oidc.Result) string {
	if !info.LoggedIn() || info.IsStaff() || !res.EmailVerified || info.Account.EmailVerifiedAt.IsZero() {
		return ""
	}
	if identity.NormalizeEmail(res.Email) != identity.NormalizeEmail(info.Account.Email) {
		return ""
	}
	return info.Account.ID
}

// stepUp explains that the login reached too low a level and offers a new
// login at the level needed.
func (h *Handler) stepUp(w http.ResponseWriter, r *http.Request, res oidc.Result, back string, err error) {
	msg, _ := identity.UserMessage(err)
	v := oidcView{Heading: "Höheres Vertrauensniveau nötig",
		Text: trimText(msg,
			"Ihre Anmeldung hatte das Vertrauensniveau „"+res.Trust.Label()+"“. "+levelHint(res.Requested)),
		Retry:      oidcStartURL(res.Requested, back),
		RetryLabel: "Erneut anmelden mit Vertrauensniveau „" + res.Requested.Label() + "“",
	}
	h.renderOIDC(w, r, http.StatusForbidden, v)
}

// levelHint says how citizens reach a level with BundID.
func levelHint(need identity.TrustLevel) string {
	switch need {
	case identity.TrustSubstanziell:
		return "Das Niveau „substanziell“ erreichen Sie zum Beispiel mit einem ELSTER-Zertifikat, das Niveau „hoch“ mit dem Online-Ausweis (Personalausweis mit PIN) oder der eID-Karte."
	case identity.TrustHoch:
		return "Das Niveau „hoch“ erreichen Sie mit dem Online-Ausweis: dem Personalausweis mit PIN, dem elektronischen Aufenthaltstitel oder der eID-Karte, zum Beispiel mit der AusweisApp auf Ihrem Smartphone."
	}
	return ""
}

// trimText drops empty paragraphs.
func trimText(ps ...string) []string {
	var out []string
	for _, p := range ps {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
