package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/identity/oidc"
	"github.com/serviceportal/serviceportal/internal/identity/oidc/oidctest"
	"github.com/serviceportal/serviceportal/internal/seed"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/web"
)

// newStaffOIDCPortal starts a test identity provider standing in for a
// data centre's Keycloak and a portal whose staff log in through it.
func newStaffOIDCPortal(t *testing.T, providerMFA bool) (*httptest.Server, *oidctest.Provider) {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	if _, err := seed.All(ctx, db); err != nil {
		t.Fatal(err)
	}
	master := bytes.Repeat([]byte{9}, 32)
	uc, err := web.NewUseCases(ctx, db, master)
	if err != nil {
		t.Fatal(err)
	}
	uc.Identity.SeedDemo(ctx)
	var handler atomic.Pointer[web.Server]
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.Load().ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	op := oidctest.Start(t)
	callback := ts.URL + "/verwaltung/oidc/rueckkehr"
	op.AddClient(oidctest.Client{ID: "serviceportal-staff", Secret: "noch-ein-geheimnis", RedirectURIs: []string{callback}})
	rp, err := oidc.New(ctx, oidc.Config{Issuer: op.Issuer(), ClientID: "serviceportal-staff", ClientSecret: "noch-ein-geheimnis",
		RedirectURL: callback, Kind: identity.Staff, ProviderMFA: providerMFA, Key: master, HTTPClient: op.HTTPClient()})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Options{DB: db, BaseURL: ts.URL, Logger: slog.New(slog.DiscardHandler), Version: "test", UseCases: uc, StaffOIDC: rp})
	if err != nil {
		t.Fatal(err)
	}
	handler.Store(srv)
	return ts, op
}

func TestStaffOIDCLogin(t *testing.T) {
	t.Parallel()
	sabine := oidctest.User{Subject: "kc-4711", Email: "Dorsten-Sachbearbeitung@demo.example", EmailVerified: true, Name: "Sabine", AMR: []string{"pwd"}}
	t.Run("TOTP im Portal", func(t *testing.T) {
		t.Parallel()
		ts, op := newStaffOIDCPortal(t, false)
		op.SignInAs(sabine)
		b := newBrowser(t, ts)
		b.get("/dorsten/verwaltung/anmelden").expect(200, "Mit dem Dienstkonto anmelden", `href="/dorsten/verwaltung/oidc/start"`)
		if c := newBrowser(t, ts).get("/dorsten/konto/anmelden"); c.code != 200 || strings.Contains(c.body, "Dienstkonto") {
			t.Fatalf("the citizens' login (%d) offers the staff login", c.code)
		}
		// The provider's password login alone is not enough: TOTP follows.
		b.get("/dorsten/verwaltung/oidc/start").expect(200, "Anmeldung bestätigen")
		b.get("/dorsten/verwaltung/vorgaenge")
		if !strings.Contains(b.lastURL, "anmelden") && !strings.Contains(b.lastURL, "zweiter-faktor") {
			t.Fatalf("inbox reachable before the second factor: %s", b.lastURL)
		}
		b.get("/dorsten/konto/zweiter-faktor")
		code, _ := totp.GenerateCode(identity.DemoTOTPSecret, time.Now())
		b.post("/dorsten/konto/zweiter-faktor", url.Values{"code": {code}})
		b.get("/dorsten/verwaltung/vorgaenge").expect(200, "Vorgänge", "In Prüfung (0)")
		// The next login finds the account by its subject, even after the
		// provider changed the address.
		op.SignInAs(oidctest.User{Subject: "kc-4711", Email: "s.neu@dorsten.example", EmailVerified: true, AMR: []string{"pwd"}})
		again := newBrowser(t, ts)
		again.get("/verwaltung/oidc/start").expect(200, "Anmeldung bestätigen")
	})
	t.Run("Zwei-Faktor beim Provider", func(t *testing.T) {
		t.Parallel()
		ts, op := newStaffOIDCPortal(t, true)
		withOTP := sabine
		withOTP.AMR = []string{"pwd", "otp"}
		op.SignInAs(withOTP)
		b := newBrowser(t, ts)
		b.get("/dorsten/verwaltung/oidc/start?weiter=/dorsten/verwaltung/vorgaenge").expect(200, "Vorgänge", "In Prüfung (0)")
	})
	t.Run("ohne Zugang", func(t *testing.T) {
		t.Parallel()
		ts, op := newStaffOIDCPortal(t, false)
		for _, u := range []oidctest.User{
			{Subject: "kc-1", Email: "unbekannt@dorsten.example", EmailVerified: true},
			{Subject: "kc-2", Email: "dorsten-admin@demo.example", EmailVerified: false},
			{Subject: "kc-3", Email: "erika.mustermann@demo.example", EmailVerified: true},
		} {
			op.SignInAs(u)
			b := newBrowser(t, ts)
			b.get("/dorsten/verwaltung/oidc/start").expect(403, "Kein Zugang zur Verwaltung", "keinen Zugang für Mitarbeitende")
			b.get("/dorsten/verwaltung/vorgaenge")
			if !strings.Contains(b.lastURL, "anmelden") {
				t.Fatalf("%s reached %s", u.Email, b.lastURL)
			}
		}
		// A forged callback without a started flow is refused in German.
		newBrowser(t, ts).get("/verwaltung/oidc/rueckkehr?code=x&state=y").refusedOIDC(400, "keine begonnene Anmeldung")
	})
}
