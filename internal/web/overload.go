package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/serviceportal/serviceportal/internal/web/request"
)

// admission bounds the requests the portal works on at once. Beyond that,
// a request waits briefly for a slot and is then answered at once with 503
// and Retry-After instead of queueing until it times out: a citizen gets a
// clear answer, and the requests already admitted finish fast. Drafts are
// saved per request, so a refused request loses nothing already saved.
type admission struct {
	slots chan struct{}
	wait  time.Duration
}

func newAdmission(limit int, wait time.Duration) *admission {
	return &admission{slots: make(chan struct{}, limit), wait: wait}
}

// exempt paths are cheap and needed to judge the instance's health.
func exempt(path string) bool {
	return path == "/healthz" || path == "/readyz" || path == "/metrics" || strings.HasPrefix(path, "/static/")
}

func (s *Server) admit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if exempt(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		select {
		case s.admission.slots <- struct{}{}:
		default:
			t := time.NewTimer(s.admission.wait)
			select {
			case s.admission.slots <- struct{}{}:
				t.Stop()
			case <-t.C:
				s.metrics.shed.Inc()
				s.overloaded(w, r)
				return
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		defer func() { <-s.admission.slots }()
		next.ServeHTTP(w, r)
	})
}

// retryAfterSeconds is what an overloaded portal asks clients to wait.
const retryAfterSeconds = 5

func (s *Server) overloaded(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Retry-After", fmt.Sprint(retryAfterSeconds))
	if strings.HasPrefix(r.URL.Path, "/api/") {
		w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, `{"type":"about:blank","title":"Vorübergehend ausgelastet","status":503,"detail":"Bitte in %d Sekunden erneut senden; mit demselben Idempotency-Key entsteht kein zweiter Antrag.","request_id":%q}`+"\n", // #nosec G705 -- JSON problem document: a number and a %q-quoted request ID of our own
			retryAfterSeconds, request.From(r).ID)
		return
	}
	s.pages.Error(w, r, http.StatusServiceUnavailable)
}
