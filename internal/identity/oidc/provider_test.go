package oidc

// A small OpenID Provider for the tests, built on zitadel/oidc's op
// package with an in-memory storage written for these tests: one RSA key,
// configurable clients and users, and a login page that signs in whichever
// user the test chose.

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

type testUser struct {
	subject, email, name string
	emailVerified        bool
	// acr is the level the provider asserts, e.g. "STORK-QAA-Level-3".
	acr string
	amr []string
}

type testClient struct {
	id, secret    string
	redirectURIs  []string
	loginURL      string
	tokenLifetime time.Duration
}

func (c *testClient) GetID() string                       { return c.id }
func (c *testClient) RedirectURIs() []string              { return c.redirectURIs }
func (c *testClient) PostLogoutRedirectURIs() []string    { return nil }
func (c *testClient) ApplicationType() op.ApplicationType { return op.ApplicationTypeWeb }
func (c *testClient) AuthMethod() zoidc.AuthMethod        { return zoidc.AuthMethodBasic }
func (c *testClient) ResponseTypes() []zoidc.ResponseType {
	return []zoidc.ResponseType{zoidc.ResponseTypeCode}
}
func (c *testClient) GrantTypes() []zoidc.GrantType        { return []zoidc.GrantType{zoidc.GrantTypeCode} }
func (c *testClient) LoginURL(id string) string            { return c.loginURL + "?id=" + id }
func (c *testClient) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeBearer }
func (c *testClient) IDTokenLifetime() time.Duration       { return c.tokenLifetime }
func (c *testClient) DevMode() bool                        { return true } // plain http on loopback
func (c *testClient) IsScopeAllowed(string) bool           { return false }
func (c *testClient) IDTokenUserinfoClaimsAssertion() bool { return true }
func (c *testClient) ClockSkew() time.Duration             { return 0 }
func (c *testClient) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *testClient) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

// authRequest is one authorization request as the provider keeps it.
type authRequest struct {
	id       string
	req      zoidc.AuthRequest
	user     *testUser
	authTime time.Time
}

func (a *authRequest) GetID() string                       { return a.id }
func (a *authRequest) GetAudience() []string               { return []string{a.req.ClientID} }
func (a *authRequest) GetAuthTime() time.Time              { return a.authTime }
func (a *authRequest) GetClientID() string                 { return a.req.ClientID }
func (a *authRequest) GetNonce() string                    { return a.req.Nonce }
func (a *authRequest) GetRedirectURI() string              { return a.req.RedirectURI }
func (a *authRequest) GetResponseType() zoidc.ResponseType { return a.req.ResponseType }
func (a *authRequest) GetResponseMode() zoidc.ResponseMode { return a.req.ResponseMode }
func (a *authRequest) GetScopes() []string                 { return a.req.Scopes }
func (a *authRequest) GetState() string                    { return a.req.State }
func (a *authRequest) Done() bool                          { return a.user != nil }
func (a *authRequest) GetACR() string {
	if a.user == nil {
		return ""
	}
	return a.user.acr
}
func (a *authRequest) GetAMR() []string {
	if a.user == nil {
		return nil
	}
	return a.user.amr
}
func (a *authRequest) GetSubject() string {
	if a.user == nil {
		return ""
	}
	return a.user.subject
}
func (a *authRequest) GetCodeChallenge() *zoidc.CodeChallenge {
	if a.req.CodeChallenge == "" {
		return nil
	}
	return &zoidc.CodeChallenge{Challenge: a.req.CodeChallenge, Method: a.req.CodeChallengeMethod}
}

type signingKey struct {
	id  string
	key *rsa.PrivateKey
}

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k signingKey) Key() any                                    { return k.key }
func (k signingKey) ID() string                                  { return k.id }

type publicKey struct{ signingKey }

func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return &k.key.PublicKey }

// testOP is the provider with its storage.
type testOP struct {
	server *httptest.Server
	key    signingKey

	mu       sync.Mutex
	clients  map[string]*testClient
	requests map[string]*authRequest
	codes    map[string]string
	// next is the user the login page signs in.
	next *testUser
	// seen records the acr_values of the last authorization request.
	seenACR []string
}

var errNotFound = errors.New("not found")

func newTestOP(t *testing.T) *testOP {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	o := &testOP{
		key:      signingKey{id: "k1", key: key},
		clients:  map[string]*testClient{},
		requests: map[string]*authRequest{},
		codes:    map[string]string{},
	}
	mux := http.NewServeMux()
	o.server = httptest.NewServer(mux)
	t.Cleanup(o.server.Close)
	var cryptoKey [32]byte
	rand.Read(cryptoKey[:])
	provider, err := op.NewProvider(&op.Config{CryptoKey: cryptoKey, CodeMethodS256: true},
		o, op.StaticIssuer(o.server.URL), op.WithAllowInsecure())
	if err != nil {
		t.Fatal(err)
	}
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("id")
		o.mu.Lock()
		req, ok := o.requests[id]
		if ok {
			req.user, req.authTime = o.next, time.Now()
		}
		o.mu.Unlock()
		if !ok || o.next == nil {
			http.Error(w, "no such request or no user", http.StatusBadRequest)
			return
		}
		http.Redirect(w, r, op.AuthCallbackURL(provider)(op.ContextWithIssuer(r.Context(), o.server.URL), id), http.StatusFound)
	})
	mux.Handle("/", provider)
	return o
}

func (o *testOP) addClient(c *testClient) {
	o.mu.Lock()
	defer o.mu.Unlock()
	c.loginURL = o.server.URL + "/login"
	o.clients[c.id] = c
}

func (o *testOP) signInAs(u *testUser) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.next = u
}

func (o *testOP) CreateAuthRequest(_ context.Context, req *zoidc.AuthRequest, _ string) (op.AuthRequest, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	a := &authRequest{id: rand.Text(), req: *req}
	o.requests[a.id] = a
	o.seenACR = req.ACRValues
	return a, nil
}

func (o *testOP) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if a, ok := o.requests[id]; ok {
		return a, nil
	}
	return nil, errNotFound
}

func (o *testOP) AuthRequestByCode(_ context.Context, code string) (op.AuthRequest, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if a, ok := o.requests[o.codes[code]]; ok {
		return a, nil
	}
	return nil, errNotFound
}

func (o *testOP) SaveAuthCode(_ context.Context, id, code string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.codes[code] = id
	return nil
}

func (o *testOP) DeleteAuthRequest(_ context.Context, id string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.requests, id)
	for code, rid := range o.codes {
		if rid == id {
			delete(o.codes, code)
		}
	}
	return nil
}

func (o *testOP) CreateAccessToken(context.Context, op.TokenRequest) (string, time.Time, error) {
	return rand.Text(), time.Now().Add(5 * time.Minute), nil
}

func (o *testOP) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, errors.New("refresh tokens not supported")
}

func (o *testOP) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, op.ErrInvalidRefreshToken
}

func (o *testOP) TerminateSession(context.Context, string, string) error { return nil }

func (o *testOP) RevokeToken(context.Context, string, string, string) *zoidc.Error { return nil }

func (o *testOP) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

func (o *testOP) SigningKey(context.Context) (op.SigningKey, error) { return o.key, nil }

func (o *testOP) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (o *testOP) KeySet(context.Context) ([]op.Key, error) { return []op.Key{publicKey{o.key}}, nil }

func (o *testOP) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if c, ok := o.clients[id]; ok {
		return c, nil
	}
	return nil, errNotFound
}

func (o *testOP) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if c, ok := o.clients[id]; ok && c.secret == secret {
		return nil
	}
	return errors.New("wrong client credentials")
}

func (o *testOP) SetUserinfoFromScopes(context.Context, *zoidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest fills the ID token's user claims.
func (o *testOP) SetUserinfoFromRequest(_ context.Context, info *zoidc.UserInfo, req op.IDTokenRequest, _ []string) error {
	a, ok := req.(*authRequest)
	if !ok || a.user == nil {
		return errNotFound
	}
	info.Subject = a.user.subject
	info.Email, info.EmailVerified, info.Name = a.user.email, zoidc.Bool(a.user.emailVerified), a.user.name
	return nil
}

func (o *testOP) SetUserinfoFromToken(context.Context, *zoidc.UserInfo, string, string, string) error {
	return nil
}

func (o *testOP) SetIntrospectionFromToken(context.Context, *zoidc.IntrospectionResponse, string, string, string) error {
	return nil
}

func (o *testOP) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (o *testOP) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errNotFound
}

func (o *testOP) ValidateJWTProfileScopes(_ context.Context, _ string, scopes []string) ([]string, error) {
	return scopes, nil
}

func (o *testOP) Health(context.Context) error { return nil }
