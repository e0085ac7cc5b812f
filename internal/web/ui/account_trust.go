package ui

import (
	"net/http"
	"net/url"

	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

// requireTrust reports whether the logged-in session reached trust level
// need. If not, it answers the request itself: anonymous visitors who need
// only Basis go to the login page (password or BundID); everyone else goes
// to the BundID login at the needed level (the step-up) and comes back to
// the current page. Without a provider it explains that this portal does
// not offer the eID login the service needs.
func (h *Handler) requireTrust(w http.ResponseWriter, r *http.Request, need identity.TrustLevel) bool {
	info := request.From(r)
	if need == identity.TrustNone || (info.LoggedIn() && info.Session.TrustLevel.AtLeast(need)) {
		return true
	}
	back := h.currentPage(r)
	if !info.LoggedIn() && need == identity.TrustBasis {
		http.Redirect(w, r, info.Base+"/konto/anmelden?weiter="+urlQuery(back), http.StatusSeeOther)
		return false
	}
	if h.oidc == nil {
		have := identity.TrustNone
		if info.LoggedIn() {
			have = info.Session.TrustLevel
		}
		msg, _ := identity.UserMessage(identity.CheckTrust(have, need))
		h.renderOIDC(w, r, http.StatusForbidden, oidcView{Heading: "Anmeldung mit Online-Ausweis nötig",
			Text: trimText(msg,
				"Dieses Serviceportal ist für die Anmeldung mit BundID oder dem Online-Ausweis noch nicht eingerichtet. "+
					"Bitte wenden Sie sich an die zuständige Stelle; sie nennt Ihnen andere Wege, den Antrag zu stellen.")})
		return false
	}
	http.Redirect(w, r, info.Base+oidcStartURL(need, back), http.StatusSeeOther)
	return false
}

// currentPage is the full path (with the tenant's base) to return to. A
// form POST cannot be repeated by a redirect, so it returns to the page
// the form was on.
func (h *Handler) currentPage(r *http.Request) string {
	info := request.From(r)
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return info.Base + r.URL.RequestURI()
	}
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && safeNext(ref.RequestURI()) != "" {
		return ref.RequestURI()
	}
	return info.Base + r.URL.Path
}
