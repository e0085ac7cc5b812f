package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

// TestSecurityHeadersOnEveryRoute walks one URL of every route (pages,
// account, back office, API, operations, static, errors) and checks that
// each answer carries the security headers, whatever its status.
func TestSecurityHeadersOnEveryRoute(t *testing.T) {
	t.Parallel()
	ts := newServer(t, storetest.Open(t, store.SQLite))
	paths := []string{
		"/", "/dorsten/", "/orte?q=46282", "/impressum", "/datenschutz", "/barrierefreiheit", "/leichte-sprache", "/brand.css",
		"/leistungen", "/leistungen/hundeanmeldung", "/leistungen/hundeanmeldung/zustaendigkeit?q=46282", "/themen/familie-kind", "/suche?q=hund",
		"/konto", "/konto/anmelden", "/konto/registrieren", "/konto/bestaetigen?token=x", "/konto/zweiter-faktor", "/konto/passwort-vergessen",
		"/konto/passwort-neu?token=x", "/konto/authenticator", "/konto/daten.json", "/konto/loeschen", "/konto/antraege/x",
		"/verwaltung", "/verwaltung/anmelden", "/verwaltung/vorgaenge", "/verwaltung/vorgaenge.csv", "/verwaltung/vorgaenge/x",
		"/verwaltung/vorgaenge/x/anhang/y", "/verwaltung/e-mails", "/verwaltung/personal",
		"/status/x", "/status/x/dateien/y",
		"/api/v1/tenants", "/api/v1/tenants/dorsten", "/api/v1/tenants/dorsten/services", "/api/v1/places?q=46282", "/api/v1/search?q=hund",
		"/api/v1/services/hundeanmeldung", "/api/v1/routes?leikaKey=99110009104000&ars=055620012012", "/api/v1/nope",
		"/healthz", "/readyz", "/metrics", "/static/css/portal.css", "/gibt-es-nicht",
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, p := range paths {
		resp, err := client.Get(ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'self'") && !strings.Contains(csp, "sandbox") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s (%d): CSP %q", p, resp.StatusCode, csp)
		}
		if !strings.Contains(csp, "frame-ancestors 'none'") && !strings.Contains(csp, "sandbox") {
			t.Errorf("%s: no frame-ancestors", p)
		}
		for _, k := range []string{"X-Content-Type-Options", "Referrer-Policy", "X-Request-ID"} {
			if h.Get(k) == "" {
				t.Errorf("%s (%d): missing %s", p, resp.StatusCode, k)
			}
		}
		if resp.StatusCode >= 500 {
			t.Errorf("%s: status %d", p, resp.StatusCode)
		}
	}
}

// TestHSTSOverHTTPS checks that a portal configured with an https base URL
// sends Strict-Transport-Security and a __Host- session cookie.
func TestHSTSOverHTTPS(t *testing.T) {
	t.Parallel()
	ts := newServerWithBase(t, storetest.Open(t, store.SQLite), "https://serviceportal.emscher-lippe.de")
	resp, err := http.Get(ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !strings.Contains(resp.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Errorf("no HSTS: %v", resp.Header)
	}
}
