package oidc

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/identity/oidc/oidctest"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

const redirectURL = "http://portal.test/login/callback"

var testKey = []byte("0123456789abcdef0123456789abcdef")

var (
	erika = oidctest.User{Subject: "bpk2-erika", Email: "Erika@Example.org", EmailVerified: true, Name: "Erika Mustermann", ACR: "STORK-QAA-Level-3"}
	basis = oidctest.User{Subject: "bpk2-basis", Email: "basis@example.org", EmailVerified: true, ACR: "STORK-QAA-Level-1"}
)

// setup starts a provider with a normal client and one whose ID tokens are
// already expired when issued.
func setup(t *testing.T) *oidctest.Provider {
	t.Helper()
	o := oidctest.Start(t)
	o.AddClient(oidctest.Client{ID: "portal", Secret: "geheim-und-lang", RedirectURIs: []string{redirectURL}})
	o.AddClient(oidctest.Client{ID: "portal-expired", Secret: "geheim-und-lang", RedirectURIs: []string{redirectURL}, TokenLifetime: -time.Hour})
	return o
}

func newRP(t *testing.T, o *oidctest.Provider, clientID string, mod func(*Config)) *Provider {
	t.Helper()
	cfg := Config{Issuer: o.Issuer(), ClientID: clientID, ClientSecret: "geheim-und-lang", RedirectURL: redirectURL,
		Kind: identity.Citizen, Key: testKey, HTTPClient: o.HTTPClient()}
	if mod != nil {
		mod(&cfg)
	}
	p, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// browse follows the provider's redirects like a browser until the
// provider sends it back to the portal, and returns that callback's query.
func browse(t *testing.T, o *oidctest.Provider, authURL string) url.Values {
	t.Helper()
	client := &http.Client{CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), redirectURL) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, err := client.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if err != nil || !strings.HasPrefix(loc.String(), redirectURL) {
		t.Fatalf("provider answered %s without redirecting to the portal (%v)", resp.Status, err)
	}
	return loc.Query()
}

func TestCodeFlow(t *testing.T) {
	t.Parallel()
	o := setup(t)
	rp := newRP(t, o, "portal", nil)
	ctx := context.Background()
	o.SignInAs(erika)

	authURL, cookie, err := rp.Start(identity.TrustNone, "/dorsten/antraege")
	if err != nil {
		t.Fatal(err)
	}
	q, _ := url.Parse(authURL)
	for _, p := range []string{"state", "nonce", "code_challenge"} {
		if q.Query().Get(p) == "" {
			t.Errorf("authorization request without %s", p)
		}
	}
	if m := q.Query().Get("code_challenge_method"); m != "S256" {
		t.Errorf("code_challenge_method = %q, want S256", m)
	}
	if strings.Contains(cookie, q.Query().Get("state")) {
		t.Error("flow cookie carries the state in clear text")
	}

	res, err := rp.Finish(ctx, browse(t, o, authURL), cookie)
	if err != nil {
		t.Fatal(err)
	}
	if res.Subject != "bpk2-erika" || res.Issuer != o.Issuer() || res.Email != "Erika@Example.org" || !res.EmailVerified ||
		res.Trust != identity.TrustSubstanziell || res.ReturnTo != "/dorsten/antraege" || res.Kind != identity.Citizen {
		t.Fatalf("result = %+v", res)
	}
	if err := res.CheckTrust(); err != nil {
		t.Fatal(err)
	}

	// The verified identity logs into a portal account.
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc, err := identity.New(db, identity.Config{Key: testKey})
		if err != nil {
			t.Fatal(err)
		}
		login, err := svc.LoginExternal(ctx, res.ExternalLogin("Firefox", "", ""))
		if err != nil {
			t.Fatal(err)
		}
		sess, err := svc.Authenticate(ctx, login.Token)
		if err != nil || sess.TrustLevel != identity.TrustSubstanziell || sess.AuthMethod != identity.MethodOIDC {
			t.Fatalf("session = %+v, %v", sess, err)
		}
		acc, _ := svc.Account(ctx, sess.AccountID)
		if acc.Email != "erika@example.org" {
			t.Fatalf("account = %+v", acc)
		}
		again, err := svc.LoginExternal(ctx, res.ExternalLogin("Firefox", login.Token, ""))
		if err != nil || again.Session.AccountID != sess.AccountID {
			t.Fatalf("second login = %+v, %v", again, err)
		}
	})
}

func TestCodeReplay(t *testing.T) {
	t.Parallel()
	o := setup(t)
	rp := newRP(t, o, "portal", nil)
	o.SignInAs(erika)
	authURL, cookie, _ := rp.Start(identity.TrustNone, "")
	cb := browse(t, o, authURL)
	if _, err := rp.Finish(context.Background(), cb, cookie); err != nil {
		t.Fatal(err)
	}
	if _, err := rp.Finish(context.Background(), cb, cookie); err == nil {
		t.Fatal("a used code was accepted again")
	}
}

func TestWrongNonce(t *testing.T) {
	t.Parallel()
	o := setup(t)
	rp := newRP(t, o, "portal", nil)
	o.SignInAs(erika)
	authURL, cookie, _ := rp.Start(identity.TrustNone, "")
	// An attacker's authorization request: same state and PKCE, another
	// nonce, as when a code obtained elsewhere is injected.
	u, _ := url.Parse(authURL)
	q := u.Query()
	q.Set("nonce", "nonce-of-the-attacker")
	u.RawQuery = q.Encode()
	_, err := rp.Finish(context.Background(), browse(t, o, u.String()), cookie)
	if !errors.Is(err, ErrNonceMismatch) {
		t.Fatalf("wrong nonce: %v, want ErrNonceMismatch", err)
	}
}

func TestExpiredIDToken(t *testing.T) {
	t.Parallel()
	o := setup(t)
	rp := newRP(t, o, "portal-expired", nil)
	o.SignInAs(erika)
	authURL, cookie, _ := rp.Start(identity.TrustNone, "")
	_, err := rp.Finish(context.Background(), browse(t, o, authURL), cookie)
	if !errors.Is(err, ErrInvalidToken) || !IsExpired(err) {
		t.Fatalf("expired ID token: %v, want an expiry error", err)
	}
}

func TestTrustTooLow(t *testing.T) {
	t.Parallel()
	o := setup(t)
	rp := newRP(t, o, "portal", nil)
	o.SignInAs(basis)
	// The service needs "hoch": the portal asks for it …
	authURL, cookie, _ := rp.Start(identity.TrustHoch, "/dorsten/leistungen/meldebescheinigung")
	cb := browse(t, o, authURL)
	seen := o.SeenACR()
	if len(seen) != 1 || seen[0] != "STORK-QAA-Level-4" {
		t.Fatalf("acr_values sent = %v, want STORK-QAA-Level-4", seen)
	}
	// … and the provider delivers only Basis: a valid login with a
	// step-up signal.
	res, err := rp.Finish(context.Background(), cb, cookie)
	if err != nil {
		t.Fatal(err)
	}
	var ie *identity.InsufficientTrustError
	if err := res.CheckTrust(); !errors.As(err, &ie) || ie.Have != identity.TrustBasis || ie.Need != identity.TrustHoch {
		t.Fatalf("CheckTrust = %v, want basis < hoch", err)
	}
	if msg, ok := identity.UserMessage(ie); !ok || !strings.Contains(msg, "hoch") {
		t.Fatalf("message = %q", msg)
	}
}

func TestCallbackChecks(t *testing.T) {
	t.Parallel()
	o := setup(t)
	now := time.Now()
	clock := func() time.Time { return now }
	rp := newRP(t, o, "portal", func(c *Config) { c.Now = clock })
	other := newRP(t, o, "portal-expired", nil)
	ctx := context.Background()
	o.SignInAs(erika)

	authURL, cookie, _ := rp.Start(identity.TrustNone, "")
	cb := browse(t, o, authURL)

	forged := url.Values{"state": {"not-the-state"}, "code": cb["code"]}
	if _, err := rp.Finish(ctx, forged, cookie); !errors.Is(err, ErrStateMismatch) {
		t.Errorf("wrong state: %v", err)
	}
	if _, err := rp.Finish(ctx, cb, ""); !errors.Is(err, ErrNoFlow) {
		t.Errorf("no cookie: %v", err)
	}
	if _, err := rp.Finish(ctx, cb, cookie[:len(cookie)-2]+"xx"); !errors.Is(err, ErrNoFlow) {
		t.Errorf("tampered cookie: %v", err)
	}
	_, otherCookie, _ := other.Start(identity.TrustNone, "")
	if _, err := rp.Finish(ctx, cb, otherCookie); !errors.Is(err, ErrNoFlow) {
		t.Errorf("cookie of another client: %v", err)
	}
	denied := url.Values{"state": cb["state"], "error": {"access_denied"}, "error_description": {"abgebrochen"}}
	var pe *ProviderError
	if _, err := rp.Finish(ctx, denied, cookie); !errors.As(err, &pe) || pe.Code != "access_denied" {
		t.Errorf("provider error: %v", err)
	}

	// PKCE: a flow with the right state and nonce but another verifier
	// cannot redeem the code.
	f, err := rp.openFlow(cookie)
	if err != nil {
		t.Fatal(err)
	}
	f.Verifier = "a-verifier-the-attacker-made-up-0123456789abc"
	wrongPKCE, _ := rp.sealFlow(f)
	if _, err := rp.Finish(ctx, cb, wrongPKCE); err == nil || !strings.Contains(err.Error(), "code exchange") {
		t.Errorf("wrong PKCE verifier: %v, want a failed code exchange", err)
	} else {
		t.Log(err)
	}

	// A flow older than its lifetime is over.
	now = now.Add(11 * time.Minute)
	if _, err := rp.Finish(ctx, cb, cookie); !errors.Is(err, ErrFlowExpired) {
		t.Errorf("expired flow: %v", err)
	}
}

func TestStaffProviderMFA(t *testing.T) {
	t.Parallel()
	o := setup(t)
	rp := newRP(t, o, "portal", func(c *Config) { c.Kind, c.ProviderMFA = identity.Staff, true })
	o.SignInAs(oidctest.User{Subject: "kc-1", Email: "k@dorsten.example", EmailVerified: true, AMR: []string{"pwd", "otp"}})
	authURL, cookie, _ := rp.Start(identity.TrustNone, "")
	res, err := rp.Finish(context.Background(), browse(t, o, authURL), cookie)
	if err != nil || !res.MFA || res.Kind != identity.Staff || res.Trust != identity.TrustNone {
		t.Fatalf("staff result = %+v, %v", res, err)
	}
	o.SignInAs(oidctest.User{Subject: "kc-2", Email: "p@dorsten.example", EmailVerified: true, AMR: []string{"pwd"}})
	authURL, cookie, _ = rp.Start(identity.TrustNone, "")
	if res, _ := rp.Finish(context.Background(), browse(t, o, authURL), cookie); res.MFA {
		t.Fatal("password-only login counted as MFA")
	}
}

func TestTrustFromClaim(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   any
		want identity.TrustLevel
	}{
		{"STORK-QAA-Level-1", identity.TrustBasis},
		{"STORK-QAA-Level-2", identity.TrustBasis},
		{"STORK-QAA-Level-3", identity.TrustSubstanziell},
		{"stork-qaa-level-4", identity.TrustHoch},
		{float64(4), identity.TrustHoch},
		{"http://eidas.europa.eu/LoA/substantial", identity.TrustSubstanziell},
		{"hoch", identity.TrustHoch},
		{[]any{"STORK-QAA-Level-1", "STORK-QAA-Level-3"}, identity.TrustSubstanziell},
		{"urn:mace:incommon:iap:silver", identity.TrustNone},
		{nil, identity.TrustNone},
		{true, identity.TrustNone},
	}
	for _, tc := range tests {
		if got := TrustFromClaim(tc.in); got != tc.want {
			t.Errorf("TrustFromClaim(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSafeReturnTo(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/dorsten/antraege":      "/dorsten/antraege",
		"/":                      "/",
		"":                       "",
		"https://evil.example/":  "",
		"//evil.example/":        "",
		"/\\evil.example":        "",
		"/ok\r\nSet-Cookie: x=1": "",
		"relative":               "",
	} {
		if got := SafeReturnTo(in); got != want {
			t.Errorf("SafeReturnTo(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	o := setup(t)
	for name, mod := range map[string]func(*Config){
		"no issuer":    func(c *Config) { c.Issuer = "" },
		"short key":    func(c *Config) { c.Key = []byte("short") },
		"no kind":      func(c *Config) { c.Kind = "" },
		"wrong issuer": func(c *Config) { c.Issuer = o.Issuer() + "/other" },
	} {
		cfg := Config{Issuer: o.Issuer(), ClientID: "portal", RedirectURL: redirectURL, Kind: identity.Citizen, Key: testKey, HTTPClient: o.HTTPClient()}
		mod(&cfg)
		if _, err := New(context.Background(), cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
