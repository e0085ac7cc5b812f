package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/serviceportal/serviceportal/internal/seed"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/web"
)

// newServer returns a portal with the demo region on db, served by httptest.
func newServer(t *testing.T, db *store.DB) *httptest.Server {
	t.Helper()
	ts, _ := newPortal(t, db)
	return ts
}

// newPortal is newServer that also returns the use cases behind it, for
// tests that look into the outbox or set up accounts.
func newPortal(t *testing.T, db *store.DB) (*httptest.Server, *web.UseCases) {
	t.Helper()
	return newPortalWithBase(t, db, "http://portal.test")
}

func newServerWithBase(t *testing.T, db *store.DB, base string) *httptest.Server {
	t.Helper()
	ts, _ := newPortalWithBase(t, db, base)
	return ts
}

func newPortalWithBase(t *testing.T, db *store.DB, base string) (*httptest.Server, *web.UseCases) {
	t.Helper()
	ctx := context.Background()
	if _, err := seed.All(ctx, db); err != nil {
		t.Fatal(err)
	}
	uc, err := web.NewUseCases(ctx, db, bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Options{DB: db, BaseURL: base, Logger: slog.New(slog.DiscardHandler), Version: "test", UseCases: uc})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts, uc
}

// scenario is one HTTP request and what its answer must (not) contain.
type scenario struct {
	name        string
	method      string
	path        string
	host        string
	header      map[string]string
	wantStatus  int
	wantType    string
	contains    []string
	notContains []string
}

func (sc scenario) run(t *testing.T, ts *httptest.Server) {
	t.Helper()
	method := sc.method
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequest(method, ts.URL+sc.path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sc.host != "" {
		req.Host = sc.host
	}
	for k, v := range sc.header {
		req.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != sc.wantStatus {
		t.Errorf("%s: status %d, want %d\n%s", sc.name, resp.StatusCode, sc.wantStatus, body)
	}
	if sc.wantType != "" && !strings.HasPrefix(resp.Header.Get("Content-Type"), sc.wantType) {
		t.Errorf("%s: Content-Type %q, want %q", sc.name, resp.Header.Get("Content-Type"), sc.wantType)
	}
	for _, c := range sc.contains {
		if !strings.Contains(string(body), c) && !strings.Contains(resp.Header.Get("Location"), c) {
			t.Errorf("%s: response lacks %q", sc.name, c)
		}
	}
	for _, c := range sc.notContains {
		if strings.Contains(string(body), c) {
			t.Errorf("%s: response contains %q", sc.name, c)
		}
	}
}

func TestPages(t *testing.T) {
	t.Parallel()
	cities := []string{"Kreis Recklinghausen", "Stadt Castrop-Rauxel", "Stadt Datteln", "Stadt Dorsten", "Stadt Gladbeck",
		"Stadt Haltern am See", "Stadt Herten", "Stadt Marl", "Stadt Oer-Erkenschwick", "Stadt Recklinghausen",
		"Stadt Waltrop", "Stadt Bottrop", "Stadt Gelsenkirchen"}
	scenarios := []scenario{
		{name: "regional home lists all 13", path: "/", wantStatus: 200, wantType: "text/html",
			contains: append([]string{`<html lang="de">`, "Wo wohnen Sie?", "GKD Recklinghausen", "KRZN", "gkd-el", `href="/dorsten/"`}, cities...)},
		{name: "Dorsten by path", path: "/dorsten/", wantStatus: 200,
			contains:    []string{"Serviceportal Stadt Dorsten", "Halterner Straße", `href="/dorsten/impressum"`, "Zum Serviceportal Emscher-Lippe", `href="/kreis-recklinghausen/"`, `href="/dorsten/brand.css"`},
			notContains: []string{"Stadt Gladbeck"}},
		{name: "Gladbeck by host", path: "/", host: "serviceportal.gladbeck.de", wantStatus: 200,
			contains: []string{"Serviceportal Stadt Gladbeck", `href="/impressum"`, `href="http://portal.test/"`}},
		{name: "Gladbeck by host with port", path: "/impressum", host: "serviceportal.gladbeck.de:443", wantStatus: 200,
			contains: []string{"Impressum", "Stadt Gladbeck", "05562014", "Bürgermeister"}},
		{name: "city host serves only its city", path: "/dorsten/", host: "serviceportal.gladbeck.de", wantStatus: 404},
		{name: "region host serves cities by path", path: "/marl/", host: "serviceportal.emscher-lippe.de", wantStatus: 200, contains: []string{"Stadt Marl"}},
		{name: "slug without slash redirects", path: "/dorsten?x=1", wantStatus: 301, contains: []string{"/dorsten/?x=1"}},
		{name: "Kreis lists its cities", path: "/kreis-recklinghausen/", wantStatus: 200, contains: []string{"Städte im Kreis Recklinghausen", "Stadt Waltrop"}},
		{name: "Impressum", path: "/bottrop/impressum", wantStatus: 200, contains: []string{"§ 5 Digitale-Dienste-Gesetz", "Stadt Bottrop", "05512000", "Kommunales Rechenzentrum Niederrhein", "Bezirksregierung Münster"}},
		{name: "Datenschutz", path: "/herten/datenschutz", wantStatus: 200, contains: []string{"Datenschutzerklärung", "Stadt Herten", "LDI NRW", "Art. 15"}},
		{name: "Barrierefreiheit", path: "/waltrop/barrierefreiheit", wantStatus: 200, contains: []string{"Erklärung zur Barrierefreiheit", "BITV NRW", "Ombudsstelle", "Stadt Waltrop"}},
		{name: "Leichte Sprache", path: "/leichte-sprache", wantStatus: 200, contains: []string{"Leichte Sprache", "Post-Leit-Zahl"}},
		{name: "Kreis Impressum names Landrat", path: "/kreis-recklinghausen/impressum", wantStatus: 200, contains: []string{"Landrat"}},
		{name: "places by postcode", path: "/orte?q=46282", wantStatus: 200, contains: []string{"Stadt Dorsten", "Postleitzahl 46282", "Kreis Recklinghausen"}},
		{name: "places by name", path: "/orte?q=Haltern", wantStatus: 200, contains: []string{"Stadt Haltern am See"}},
		{name: "places unknown", path: "/orte?q=Bochum", wantStatus: 200, contains: []string{"Keine Behörde gefunden", "Bochum"}},
		{name: "places empty input", path: "/orte?q=+", wantStatus: 422, contains: []string{"Geben Sie Ihre Postleitzahl oder Ihren Wohnort ein.", `aria-invalid="true"`, `href="#q"`}},
		{name: "places escapes input", path: "/orte?q=%3Cscript%3Ealert(1)%3C/script%3E", wantStatus: 200, contains: []string{"&lt;script&gt;"}, notContains: []string{"<script>alert"}},
		{name: "places form", path: "/orte", wantStatus: 200, notContains: []string{"Keine Behörde gefunden"}},
		{name: "brand colour", path: "/gelsenkirchen/brand.css", wantStatus: 200, wantType: "text/css", contains: []string{"--sp-brand: #"}},
		{name: "German 404", path: "/gibt-es-nicht", wantStatus: 404, wantType: "text/html", contains: []string{"Seite nicht gefunden", "Vorgangskennung"}},
		{name: "German 404 in a city", path: "/dorsten/gibt-es-nicht", wantStatus: 404, contains: []string{"Seite nicht gefunden", "Stadt Dorsten"}},
		{name: "static with hash", path: "/static/css/portal.css", wantStatus: 200, wantType: "text/css"},
		{name: "static unknown", path: "/static/nope.css", wantStatus: 404},
		{name: "licence shipped", path: "/static/kern/fonts/OFL.txt", wantStatus: 200, contains: []string{"SIL Open Font License"}},
		{name: "healthz", path: "/healthz", wantStatus: 200, contains: []string{"ok"}},
		{name: "readyz", path: "/readyz", wantStatus: 200, wantType: "application/json", contains: []string{`"status":"ok"`}},
		{name: "metrics", path: "/metrics", wantStatus: 200, contains: []string{"serviceportal_build_info", "go_goroutines"}},
		{name: "cross-origin POST refused", method: "POST", path: "/orte", header: map[string]string{"Sec-Fetch-Site": "cross-site"}, wantStatus: 403},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts := newServer(t, db)
		for _, sc := range scenarios {
			sc.run(t, ts)
		}
	})
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	ts := newServer(t, storetest.Open(t, store.SQLite))
	resp, err := http.Get(ts.URL + "/dorsten/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for k, want := range map[string]string{
		"Content-Security-Policy": "default-src 'self'",
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Referrer-Policy":         "strict-origin-when-cross-origin",
	} {
		if got := resp.Header.Get(k); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %s", csp)
	}
	if id := resp.Header.Get("X-Request-ID"); len(id) < 16 {
		t.Errorf("no request ID: %q", id)
	}
}

// tenantsResponse mirrors GET /api/v1/tenants.
type tenantsResponse struct {
	Region  struct{ Slug string } `json:"region"`
	Tenants []struct {
		Slug      string `json:"slug"`
		Name      string `json:"name"`
		Kind      string `json:"kind"`
		AGS       string `json:"ags"`
		ARS       string `json:"ars"`
		PortalURL string `json:"portal_url"`
		Parent    *struct{ Slug string }
		Operator  struct{ Slug string }
		Hosts     []string
	} `json:"tenants"`
}

func getJSON(t *testing.T, url string, wantStatus int, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != wantStatus {
		t.Fatalf("GET %s: status %d, want %d", url, resp.StatusCode, wantStatus)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

func TestAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts := newServer(t, db)
		var list tenantsResponse
		getJSON(t, ts.URL+"/api/v1/tenants", 200, &list)
		if list.Region.Slug != "emscher-lippe" || len(list.Tenants) != 13 {
			t.Fatalf("region %q and %d tenants, want emscher-lippe and 13", list.Region.Slug, len(list.Tenants))
		}
		ags := map[string]string{}
		for _, ten := range list.Tenants {
			ags[ten.Slug] = ten.AGS
			if ten.PortalURL != "http://portal.test/"+ten.Slug+"/" || len(ten.Hosts) == 0 || ten.Parent == nil || ten.Operator.Slug == "" {
				t.Errorf("%s: incomplete: %+v", ten.Slug, ten)
			}
		}
		for slug, want := range map[string]string{"dorsten": "05562012", "gelsenkirchen": "05513000", "bottrop": "05512000", "kreis-recklinghausen": "05562000", "waltrop": "05562036"} {
			if ags[slug] != want {
				t.Errorf("AGS of %s = %q, want %s", slug, ags[slug], want)
			}
		}

		var one struct {
			Slug, AGS, ARS string
			Parent         struct{ Slug string }
		}
		getJSON(t, ts.URL+"/api/v1/tenants/gladbeck", 200, &one)
		if one.AGS != "05562014" || one.ARS != "055620014014" || one.Parent.Slug != "kreis-recklinghausen" {
			t.Errorf("gladbeck: %+v", one)
		}

		for q, want := range map[string]string{"46282": "dorsten", "45657": "recklinghausen", "Marl": "marl"} {
			var places struct {
				Matches []struct {
					By     string
					Tenant struct{ Slug string }
				}
			}
			getJSON(t, ts.URL+"/api/v1/places?q="+q, 200, &places)
			if len(places.Matches) != 1 || places.Matches[0].Tenant.Slug != want {
				t.Errorf("places?q=%s = %+v, want %s", q, places.Matches, want)
			}
		}

		var prob struct {
			Type, Title string
			Status      int
		}
		getJSON(t, ts.URL+"/api/v1/tenants/bochum", 404, &prob)
		if prob.Status != 404 || prob.Type != "about:blank" || prob.Title == "" {
			t.Errorf("problem: %+v", prob)
		}
		getJSON(t, ts.URL+"/api/v1/places", 400, &prob)
		getJSON(t, ts.URL+"/api/v2/anything", 404, &prob)
		resp, err := http.Get(ts.URL + "/api/v1/tenants/bochum")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
			t.Errorf("problem Content-Type %q", ct)
		}
	})
}
