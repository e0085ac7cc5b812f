package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/pkg/op"
)

// User is who the provider signs in.
type User struct {
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
	// ACR is the level the provider asserts, e.g. "STORK-QAA-Level-3".
	ACR string
	// AMR lists the authentication methods (RFC 8176), e.g. "pwd", "otp".
	AMR []string
}

// Client is a relying party registered at the provider.
type Client struct {
	ID, Secret   string
	RedirectURIs []string
	// TokenLifetime of the ID tokens; negative issues tokens that are
	// already expired. Zero means five minutes.
	TokenLifetime time.Duration
}

// Provider is a running test OpenID Provider.
type Provider struct {
	server *httptest.Server
	store  *storage
}

// Start runs a provider on a loopback httptest server that closes when
// the test ends.
func Start(t testing.TB) *Provider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	s := &storage{
		key:      signingKey{id: "k1", key: key},
		clients:  map[string]*client{},
		requests: map[string]*authRequest{},
		codes:    map[string]string{},
	}
	mux := http.NewServeMux()
	server := httptest.NewServer(mux)
	t.Cleanup(server.Close)
	var cryptoKey [32]byte
	rand.Read(cryptoKey[:])
	provider, err := op.NewProvider(&op.Config{CryptoKey: cryptoKey, CodeMethodS256: true},
		s, op.StaticIssuer(server.URL), op.WithAllowInsecure())
	if err != nil {
		t.Fatal(err)
	}
	// The "login page": it finishes the authorization request with the
	// user the test chose and sends the browser on to the callback.
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("id")
		if !s.signIn(id) {
			http.Error(w, "no such request or no user", http.StatusBadRequest)
			return
		}
		http.Redirect(w, r, op.AuthCallbackURL(provider)(op.ContextWithIssuer(r.Context(), server.URL), id), http.StatusFound)
	})
	mux.Handle("/", provider)
	s.loginURL = server.URL + "/login"
	return &Provider{server: server, store: s}
}

// Issuer is the provider's issuer URL (its discovery document is below it).
func (p *Provider) Issuer() string { return p.server.URL }

// HTTPClient talks to the provider.
func (p *Provider) HTTPClient() *http.Client { return p.server.Client() }

// AddClient registers a relying party, replacing one with the same ID.
func (p *Provider) AddClient(c Client) {
	if c.TokenLifetime == 0 {
		c.TokenLifetime = 5 * time.Minute
	}
	p.store.mu.Lock()
	defer p.store.mu.Unlock()
	p.store.clients[c.ID] = &client{c: c, loginURL: p.store.loginURL}
}

// SignInAs sets the user that the next logins sign in.
func (p *Provider) SignInAs(u User) {
	p.store.mu.Lock()
	defer p.store.mu.Unlock()
	p.store.next = &u
}

// SeenACR returns the acr_values of the last authorization request, to
// check which level a relying party asked for.
func (p *Provider) SeenACR() []string {
	p.store.mu.Lock()
	defer p.store.mu.Unlock()
	return slices.Clone(p.store.seenACR)
}
