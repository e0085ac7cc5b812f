package ui

import (
	"net/http"
	"time"
)

// Cookies names and sets the portal's cookies. Over HTTPS the session
// cookie is a __Host- cookie (Secure, Path=/, no Domain), so no other
// host or path can set or read it; plain HTTP (local demo) must drop the
// prefix because browsers refuse Secure cookies there.
type Cookies struct {
	Secure bool
}

// SessionName is the session cookie's name.
func (c Cookies) SessionName() string {
	if c.Secure {
		return "__Host-sp_session"
	}
	return "sp_session"
}

// SetSession stores the session token; it lives as long as the browser
// session, the server decides about expiry.
func (c Cookies) SetSession(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: c.SessionName(), Value: token, Path: "/", HttpOnly: true, // #nosec G124 -- Secure whenever the portal runs on https; the local http demo cannot set Secure cookies
		Secure: c.Secure, SameSite: http.SameSiteLaxMode})
}

// ClearSession removes the session cookie.
func (c Cookies) ClearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: c.SessionName(), Value: "", Path: "/", HttpOnly: true, // #nosec G124 -- Secure whenever the portal runs on https; the local http demo cannot set Secure cookies
		Secure: c.Secure, SameSite: http.SameSiteLaxMode, MaxAge: -1, Expires: time.Unix(1, 0)})
}
