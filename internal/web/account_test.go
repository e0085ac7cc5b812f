package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/web"
)

// browser is an HTTP client with cookies that remembers the last page.
type browser struct {
	t       *testing.T
	base    string
	c       *http.Client
	body    string
	code    int
	lastURL string
}

func newBrowser(t *testing.T, ts *httptest.Server) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: ts.URL, c: &http.Client{Jar: jar}}
}

func (b *browser) get(path string) *browser {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	b.read(resp)
	return b
}

func (b *browser) post(path string, form url.Values) *browser {
	b.t.Helper()
	if tok := b.csrf(); tok != "" && form.Get("csrf") == "" {
		form.Set("csrf", tok)
	}
	resp, err := b.c.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	b.read(resp)
	return b
}

func (b *browser) read(resp *http.Response) {
	defer resp.Body.Close()
	b.lastURL = resp.Request.URL.RequestURI()
	body, _ := io.ReadAll(resp.Body)
	b.body, b.code = string(body), resp.StatusCode
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) csrf() string {
	if m := csrfRe.FindStringSubmatch(b.body); m != nil {
		return m[1]
	}
	return ""
}

func (b *browser) expect(code int, texts ...string) {
	b.t.Helper()
	if b.code != code {
		b.t.Fatalf("status %d, want %d\n%s", b.code, code, b.body)
	}
	for _, s := range texts {
		if !strings.Contains(b.body, s) {
			b.t.Fatalf("page lacks %q\n%s", s, b.body)
		}
	}
}

// lastMailLink finds the newest mail to addr in the outbox and returns the
// path of the first portal link in it.
func lastMailLink(t *testing.T, uc *web.UseCases, addr string) string {
	t.Helper()
	msgs, _, err := uc.Outbox.List(context.Background(), nil, 50, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.To == addr {
			link := regexp.MustCompile(`http://portal\.test(\S+)`).FindStringSubmatch(m.Text)
			if link == nil {
				t.Fatalf("mail without link: %s", m.Text)
			}
			return link[1]
		}
	}
	t.Fatalf("no mail to %s", addr)
	return ""
}

func TestCitizenAccountJourney(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts, uc := newPortal(t, db)
		b := newBrowser(t, ts)
		const email, pw = "erika.mustermann@example.org", "Mein Hund heißt Bello 2026"
		b.post("/dorsten/konto/registrieren", url.Values{"email": {email}, "password": {pw}, "password2": {"anders"}}).
			expect(422, "Die beiden Passwörter stimmen nicht überein", `href="#password2"`)
		b.post("/dorsten/konto/registrieren", url.Values{"email": {email}, "password": {"kurz"}, "password2": {"kurz"}}).expect(422, "Passwort")
		b.post("/dorsten/konto/registrieren", url.Values{"email": {email}, "password": {pw}, "password2": {pw}}).expect(200, "Wir haben Ihnen eine E-Mail")
		// Before verification the login is refused with a clear message.
		b.post("/dorsten/konto/anmelden", url.Values{"email": {email}, "password": {pw}}).expect(422, "bestätigen Sie zuerst")
		b.get(lastMailLink(t, uc, email)).expect(200, "Ihre E-Mail-Adresse ist bestätigt")
		b.post("/dorsten/konto/anmelden", url.Values{"email": {email}, "password": {"falsch falsch falsch"}}).expect(422, "E-Mail-Adresse oder Passwort ist falsch")
		b.post("/dorsten/konto/anmelden", url.Values{"email": {email}, "password": {pw}}).expect(200, "Mein Konto", "Meine Anträge", email, "Abmelden")
		// A state-changing request without the form token is refused.
		resp, _ := b.c.PostForm(ts.URL+"/dorsten/konto/sitzungen-beenden", url.Values{})
		resp.Body.Close()
		if resp.StatusCode != 403 {
			t.Fatalf("POST without CSRF token: %d, want 403", resp.StatusCode)
		}
		b.get("/dorsten/konto/daten.json")
		if !strings.Contains(b.body, email) {
			t.Fatalf("export lacks the address: %s", b.body)
		}
		b.get("/dorsten/konto").post("/dorsten/konto/abmelden", url.Values{}).expect(200, "Anmelden")
		b.get("/dorsten/konto")
		if !strings.Contains(b.body, "Passwort vergessen?") {
			t.Fatalf("after logout /konto does not ask to log in:\n%s", b.body)
		}
		// Password reset through the e-mailed link.
		b.post("/dorsten/konto/passwort-vergessen", url.Values{"email": {email}}).expect(200, "einen Link für ein neues Passwort")
		reset := lastMailLink(t, uc, email)
		u, _ := url.Parse(reset)
		const pw2 = "Neues Passwort für Bello"
		b.post("/dorsten/konto/passwort-neu", url.Values{"token": {u.Query().Get("token")}, "password": {pw2}, "password2": {pw2}}).expect(200, "Ihr neues Passwort ist gespeichert")
		b.post("/dorsten/konto/anmelden", url.Values{"email": {email}, "password": {pw2}}).expect(200, "Mein Konto")
		// Unknown addresses get the same answer as known ones.
		other := newBrowser(t, ts)
		other.post("/dorsten/konto/passwort-vergessen", url.Values{"email": {"niemand@example.org"}}).expect(200, "einen Link für ein neues Passwort")
	})
}

func TestStaffLoginNeedsTOTP(t *testing.T) {
	t.Parallel()
	ts, uc := newPortal(t, storetest.Open(t, store.SQLite))
	demo, err := uc.Identity.SeedDemo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var email, pw, secret string
	for _, a := range demo {
		if a.TOTPSecret != "" && strings.Contains(a.Role, "Dorsten") {
			email, pw, secret = a.Email, a.Password, a.TOTPSecret
			break
		}
	}
	b := newBrowser(t, ts)
	b.post("/dorsten/verwaltung/anmelden", url.Values{"email": {email}, "password": {pw}}).expect(200, "Anmeldung bestätigen", "Code")
	b.post("/dorsten/konto/zweiter-faktor", url.Values{"code": {"000000"}}).expect(422, "Der Code ist falsch")
	code, _ := totp.GenerateCode(secret, time.Now())
	b.post("/dorsten/konto/zweiter-faktor", url.Values{"code": {code}})
	if b.code != 200 && b.code != 404 {
		t.Fatalf("after TOTP: %d", b.code)
	}
	b.get("/dorsten/")
	if !strings.Contains(b.body, "Verwaltung") {
		t.Fatalf("staff not logged in after TOTP:\n%s", b.body)
	}
}

// TestLoginFloodIsThrottled sends 50 wrong passwords in a row: they get 429
// with Retry-After, while other visitors are served (the latency under a
// flood is measured by the benchmark command, not here).
func TestLoginFloodIsThrottled(t *testing.T) {
	t.Parallel()
	ts, uc := newPortal(t, storetest.Open(t, store.SQLite))
	uc.Identity.SeedDemo(context.Background())
	attacker := newBrowser(t, ts)
	throttled := 0
	for range 50 {
		resp, err := attacker.c.PostForm(ts.URL+"/konto/anmelden", url.Values{"email": {"buerger@demo.example"}, "password": {"falsch-falsch-falsch"}})
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 429 {
			throttled++
			if resp.Header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
		}
	}
	if throttled < 40 {
		t.Fatalf("only %d of 50 wrong logins were throttled", throttled)
	}
	// The real user is not locked out: other visitors are served normally.
	newBrowser(t, ts).get("/dorsten/").expect(200, "Stadt Dorsten")
}
