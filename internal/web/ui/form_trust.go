package ui

import (
	"net/http"
	"time"

	"github.com/serviceportal/serviceportal/internal/identity"
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
