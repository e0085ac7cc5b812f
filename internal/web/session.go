package web

import (
	"net"
	"net/http"
	"strings"

	"github.com/serviceportal/serviceportal/internal/web/request"
	"github.com/serviceportal/serviceportal/internal/web/ui"
)

// authenticate loads the session named by the session cookie and checks
// the form token of every state-changing request made with it. Requests
// without a (valid) session go on anonymously.
func (s *Server) authenticate(next http.Handler) http.Handler {
	cookies := ui.Cookies{Secure: s.secure}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := request.From(r)
		info.IP = clientIP(r)
		if c, err := r.Cookie(cookies.SessionName()); err == nil && c.Value != "" {
			if sess, err := s.uc.Identity.Authenticate(r.Context(), c.Value); err == nil {
				if acc, err := s.uc.Identity.Account(r.Context(), sess.AccountID); err == nil && !acc.Disabled {
					info.Session, info.Account = &sess, &acc
					info.CSRF = s.uc.Identity.CSRFToken(sess)
				}
			}
		}
		if info.LoggedIn() && !safeMethod(r.Method) && !isAPI(r) {
			// Uploads carry the token in the URL: reading it from the body
			// would buffer the whole file before the handler streams it.
			token := r.URL.Query().Get("csrf")
			if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
				token = r.PostFormValue("csrf")
			}
			if !s.uc.Identity.CheckCSRF(*info.Session, token) {
				s.pages.Error(w, r, http.StatusForbidden)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func isAPI(r *http.Request) bool {
	return len(r.URL.Path) >= 5 && r.URL.Path[:5] == "/api/"
}

// clientIP is the connection's address. Behind a reverse proxy operators
// configure the proxy to pass the real address; trusting X-Forwarded-For
// from anyone would let attackers dodge the login throttle.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
