package web_test

import (
	"bytes"
	"context"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/identity/oidc"
	"github.com/serviceportal/serviceportal/internal/identity/oidc/oidctest"
	"github.com/serviceportal/serviceportal/internal/seed"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/web"
)

// oidcPortal is a portal whose citizens log in through a test OpenID
// Provider, as they would through BundID.
type oidcPortal struct {
	ts *httptest.Server
	uc *web.UseCases
	op *oidctest.Provider
	// log is what the portal logged, to tell refusals apart.
	log *lockedBuffer
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

const oidcCallback = "/konto/oidc/rueckkehr"

var (
	erikaEID = oidctest.User{Subject: "bpk2-erika", Email: "Erika.Eid@example.org", EmailVerified: true,
		Name: "Erika Mustermann", ACR: "STORK-QAA-Level-4"}
	basisEID = oidctest.User{Subject: "bpk2-erika", Email: "Erika.Eid@example.org", EmailVerified: true,
		ACR: "STORK-QAA-Level-1"}
)

// newOIDCPortal starts a provider and a portal that uses it. The portal's
// address must be known before the provider's client can be registered,
// so the server starts with a handler that is filled in afterwards.
func newOIDCPortal(t *testing.T, db *store.DB, tokenLifetime time.Duration) *oidcPortal {
	t.Helper()
	ctx := context.Background()
	if _, err := seed.All(ctx, db); err != nil {
		t.Fatal(err)
	}
	master := bytes.Repeat([]byte{9}, 32)
	uc, err := web.NewUseCases(ctx, db, master)
	if err != nil {
		t.Fatal(err)
	}
	var handler atomic.Pointer[web.Server]
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.Load().ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	op := oidctest.Start(t)
	op.AddClient(oidctest.Client{ID: "serviceportal", Secret: "geheim-und-lang", RedirectURIs: []string{ts.URL + oidcCallback},
		TokenLifetime: tokenLifetime})
	rp, err := oidc.New(ctx, oidc.Config{Issuer: op.Issuer(), ClientID: "serviceportal", ClientSecret: "geheim-und-lang",
		RedirectURL: ts.URL + oidcCallback, Kind: identity.Citizen, Key: master, HTTPClient: op.HTTPClient()})
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	srv, err := web.New(web.Options{DB: db, BaseURL: ts.URL, Logger: slog.New(slog.NewTextHandler(logs, nil)), Version: "test",
		UseCases: uc, OIDC: rp})
	if err != nil {
		t.Fatal(err)
	}
	handler.Store(srv)
	return &oidcPortal{ts: ts, uc: uc, op: op, log: logs}
}

// openURL loads an absolute URL in the browser, following redirects.
func openURL(b *browser, u string) *browser {
	b.t.Helper()
	resp, err := b.c.Get(u)
	if err != nil {
		b.t.Fatal(err)
	}
	b.read(resp)
	return b
}

// stopAt loads path in the browser, follows redirects until one leads to
// a URL starting with prefix, and returns that URL without loading it.
func stopAt(b *browser, path, prefix string) *url.URL {
	b.t.Helper()
	c := *b.c
	c.CheckRedirect = func(req *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), prefix) {
			return http.ErrUseLastResponse
		}
		return nil
	}
	resp, err := c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if err != nil || !strings.HasPrefix(loc.String(), prefix) {
		b.t.Fatalf("GET %s: %s, no redirect to %s (%v)", path, resp.Status, prefix, err)
	}
	return loc
}

func withParam(u *url.URL, key, value string) string {
	q := u.Query()
	q.Set(key, value)
	v := *u
	v.RawQuery = q.Encode()
	return v.String()
}

// refuse checks a refused callback: a German page, no internals.
func (b *browser) refusedOIDC(code int, texts ...string) {
	b.t.Helper()
	b.expect(code, append([]string{`lang="de"`, "Anmeldung neu starten"}, texts...)...)
	for _, leak := range []string{"oidc:", "goroutine", "panic", ".go:"} {
		if strings.Contains(b.body, leak) {
			b.t.Fatalf("error page shows %q:\n%s", leak, b.body)
		}
	}
}

func TestOidcCodeFlow(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newOIDCPortal(t, db, 0)
		p.op.SignInAs(erikaEID)
		b := newBrowser(t, p.ts)
		b.get("/dorsten/konto/anmelden").expect(200, "Mit BundID / Online-Ausweis anmelden", `href="/dorsten/konto/oidc/start"`)
		b.get("/verwaltung/anmelden")
		if strings.Contains(b.body, "BundID") {
			t.Fatal("the staff login offers the citizens' BundID login")
		}
		b.get("/dorsten/konto/anmelden?weiter=/dorsten/leistungen").expect(200, `href="/dorsten/konto/oidc/start?weiter=%2fdorsten%2fleistungen"`)

		// The whole code flow through the portal's pages.
		b.get("/dorsten/konto/oidc/start").expect(200, "Mein Konto", "erika.eid@example.org", "Stadt Dorsten", "Abmelden")
		if acr := p.op.SeenACR(); len(acr) != 0 {
			t.Errorf("a basis login asked for acr_values %v", acr)
		}
		u, _ := url.Parse(p.ts.URL + oidcCallback)
		for _, c := range b.c.Jar.Cookies(u) {
			if strings.Contains(c.Name, "oidc") {
				t.Errorf("flow cookie %s survives the callback", c.Name)
			}
		}
		// The session carries the provider's level.
		sess, err := p.uc.Identity.Authenticate(context.Background(), sessionToken(t, b))
		if err != nil || sess.TrustLevel != identity.TrustHoch || sess.AuthMethod != identity.MethodOIDC {
			t.Fatalf("session = %+v, %v", sess, err)
		}

		// Logging in again reaches the same account, and weiter is kept.
		b.post("/dorsten/konto/abmelden", url.Values{})
		b.get("/konto/oidc/start?weiter=/dorsten/konto%3Fx%3D1").expect(200, "Mein Konto", "erika.eid@example.org")
		again, err := p.uc.Identity.Authenticate(context.Background(), sessionToken(t, b))
		if err != nil || again.AccountID != sess.AccountID {
			t.Fatalf("second login: %+v, %v; want account %s", again, err, sess.AccountID)
		}
		// An outside return address is dropped, not followed.
		loc := stopAt(newBrowser(t, p.ts), "/konto/oidc/start?weiter=https://evil.example/", p.op.Issuer())
		if strings.Contains(loc.String(), "evil") {
			t.Fatalf("authorization request carries the outside address: %s", loc)
		}
	})
}

func sessionToken(t *testing.T, b *browser) string {
	t.Helper()
	u, _ := url.Parse(b.base + "/")
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "sp_session" {
			return c.Value
		}
	}
	t.Fatal("no session cookie")
	return ""
}

func TestOidcRefusesForgedCallbacks(t *testing.T) {
	t.Parallel()
	p := newOIDCPortal(t, storetest.Open(t, store.SQLite), 0)
	p.op.SignInAs(erikaEID)
	authorize := p.op.Issuer() + "/"
	callback := p.ts.URL + oidcCallback

	t.Run("wrong nonce", func(t *testing.T) {
		t.Parallel()
		// A code issued for another authorization request (another
		// nonce) is injected into this browser's flow.
		b := newBrowser(t, p.ts)
		auth := stopAt(b, "/konto/oidc/start", authorize)
		openURL(b, withParam(auth, "nonce", "nonce-of-the-attacker")).refusedOIDC(400, "gehört nicht zu Ihrer Anmeldung")
		if !strings.Contains(p.log.String(), oidc.ErrNonceMismatch.Error()) {
			t.Fatalf("refused for another reason:\n%s", p.log)
		}
		b.get("/konto").expect(200, "Passwort vergessen?")
	})
	t.Run("tampered state", func(t *testing.T) {
		t.Parallel()
		b := newBrowser(t, p.ts)
		cb := stopAt(b, "/konto/oidc/start", callback)
		openURL(b, withParam(cb, "state", "state-of-the-attacker")).refusedOIDC(400, "gehört nicht zu Ihrer Anmeldung")
	})
	t.Run("callback in another browser", func(t *testing.T) {
		t.Parallel()
		cb := stopAt(newBrowser(t, p.ts), "/konto/oidc/start", callback)
		openURL(newBrowser(t, p.ts), cb.String()).refusedOIDC(400, "keine begonnene Anmeldung")
	})
	t.Run("code used twice", func(t *testing.T) {
		t.Parallel()
		b := newBrowser(t, p.ts)
		cb := stopAt(b, "/konto/oidc/start", callback)
		openURL(b, cb.String()).expect(200, "Mein Konto")
		openURL(b, cb.String()).refusedOIDC(400)
	})
	t.Run("cancelled at the provider", func(t *testing.T) {
		t.Parallel()
		b := newBrowser(t, p.ts)
		auth := stopAt(b, "/konto/oidc/start", authorize)
		q := url.Values{"state": {auth.Query().Get("state")}, "error": {"access_denied"}, "error_description": {"user cancelled"}}
		b.get(oidcCallback+"?"+q.Encode()).refusedOIDC(400, "abgebrochen")
	})
	t.Run("unknown level", func(t *testing.T) {
		t.Parallel()
		newBrowser(t, p.ts).get("/konto/oidc/start?niveau=maximal").expect(400, "Vertrauensniveau ist unbekannt")
	})
}

func TestOidcExpiredIDToken(t *testing.T) {
	t.Parallel()
	p := newOIDCPortal(t, storetest.Open(t, store.SQLite), -time.Hour)
	p.op.SignInAs(erikaEID)
	b := newBrowser(t, p.ts)
	b.get("/dorsten/konto/oidc/start").refusedOIDC(400, "ungültig oder abgelaufen")
	if !strings.Contains(p.log.String(), "token is expired") {
		t.Fatalf("refused for another reason:\n%s", p.log)
	}
	b.get("/dorsten/konto").expect(200, "Passwort vergessen?")
}

var retryRe = regexp.MustCompile(`<a class="kern-btn kern-btn--primary" href="([^"]+)"`)

func TestOidcStepUp(t *testing.T) {
	t.Parallel()
	p := newOIDCPortal(t, storetest.Open(t, store.SQLite), 0)
	b := newBrowser(t, p.ts)
	// The service needs "substanziell"; the citizen logs in with the
	// Basisregistrierung only.
	p.op.SignInAs(basisEID)
	b.get("/dorsten/konto/oidc/start?niveau=substanziell&weiter=/dorsten/konto").
		expect(403, "Höheres Vertrauensniveau nötig", "„substanziell“", "ELSTER", "Basisregistrierung", "Erneut anmelden")
	if acr := p.op.SeenACR(); !slices.Equal(acr, []string{"STORK-QAA-Level-3"}) {
		t.Fatalf("acr_values = %v, want STORK-QAA-Level-3", acr)
	}
	b.get("/dorsten/konto").expect(200, "Passwort vergessen?")
	m := retryRe.FindStringSubmatch(b.get("/dorsten/konto/oidc/start?niveau=substanziell&weiter=/dorsten/konto").body)
	if m == nil {
		t.Fatalf("step-up page without a retry button:\n%s", b.body)
	}
	retry := html.UnescapeString(m[1])
	if !strings.Contains(retry, "niveau=substanziell") || !strings.Contains(retry, "weiter=%2Fdorsten%2Fkonto") {
		t.Fatalf("retry link %q", retry)
	}
	// With the Online-Ausweis the retry succeeds.
	p.op.SignInAs(erikaEID)
	b.get(retry).expect(200, "Mein Konto", "erika.eid@example.org")
}

func TestOidcRequireTrust(t *testing.T) {
	t.Parallel()
	p := newOIDCPortal(t, storetest.Open(t, store.SQLite), 0)
	b := newBrowser(t, p.ts)
	noFollow := *b.c
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	// The Meldebescheinigung needs "hoch": starting it sends the citizen
	// to the eID login at that level and back to the service.
	resp, err := noFollow.PostForm(p.ts.URL+"/dorsten/antrag/meldebescheinigung", url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || loc != "/dorsten/konto/oidc/start?niveau=hoch&weiter=%2Fdorsten%2Fantrag%2Fmeldebescheinigung" {
		t.Fatalf("start without login: %s → %q", resp.Status, loc)
	}
	p.op.SignInAs(erikaEID)
	b.get(loc).expect(200, "Meldebescheinigung")
	if acr := p.op.SeenACR(); !slices.Equal(acr, []string{"STORK-QAA-Level-4"}) {
		t.Fatalf("acr_values = %v, want STORK-QAA-Level-4", acr)
	}
	// Now the level suffices and the application starts.
	b.post("/dorsten/antrag/meldebescheinigung", url.Values{})
	if b.code != 200 || strings.Contains(b.body, "Vertrauensniveau") {
		t.Fatalf("start after the eID login: %d\n%s", b.code, b.body)
	}
}
