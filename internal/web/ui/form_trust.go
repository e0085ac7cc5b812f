package ui

import (
	"net/http"
	"time"

	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

func (h *Handler) clock() time.Time { return time.Now() }

// trustOK checks a service's minimum trust level (basis, substanziell,
// hoch) before an application starts. Without a login of that level the
// citizen is sent to log in (and, for higher levels, to the eID login).
func (h *Handler) trustOK(w http.ResponseWriter, r *http.Request, need string) bool {
	level, err := identity.ParseTrustLevel(need)
	if err != nil || level == identity.TrustNone {
		return true
	}
	return h.requireTrust(w, r, level)
}

// loginFirst sends an anonymous visitor to the login page and back.
func (h *Handler) loginFirst(w http.ResponseWriter, r *http.Request) {
	info := request.From(r)
	back := info.Base + r.URL.Path
	if r.Method != http.MethodGet {
		back = r.Referer()
		if safeNext(back) == "" {
			back = info.Base + "/"
		}
	}
	http.Redirect(w, r, info.Base+"/konto/anmelden?weiter="+urlQuery(back), http.StatusSeeOther)
}
