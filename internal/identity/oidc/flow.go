package oidc

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/serviceportal/serviceportal/internal/identity"
)

// FlowCookie is the suggested name of the cookie that carries the flow
// value between Start and Finish. Set it Secure, HttpOnly, Path=/,
// SameSite=Lax (the provider's redirect back is a cross-site top-level
// GET, which Lax allows) and MaxAge of the flow's lifetime.
const FlowCookie = "__Host-sp-oidc"

// flow is what the callback needs from the start of the login. It travels
// sealed (AES-256-GCM) in the cookie value, so no server state is needed
// and any instance can finish a flow another one started.
type flow struct {
	State    string              `json:"s"`
	Nonce    string              `json:"n"`
	Verifier string              `json:"v"`
	MinTrust identity.TrustLevel `json:"m,omitempty"`
	ReturnTo string              `json:"r,omitempty"`
	Expires  int64               `json:"e"`
}

// Errors of the callback.
var (
	// ErrNoFlow: the flow cookie is missing, forged, or from another provider.
	ErrNoFlow = errors.New("oidc: no login in progress")
	// ErrFlowExpired: the user took longer than the flow's lifetime.
	ErrFlowExpired = errors.New("oidc: login took too long")
	// ErrStateMismatch: the callback does not belong to this browser's flow
	// (login CSRF).
	ErrStateMismatch = errors.New("oidc: state does not match")
	// ErrNonceMismatch: the ID token was issued for another authorization
	// request (replay or injection).
	ErrNonceMismatch = errors.New("oidc: nonce does not match")
	// ErrInvalidToken: the token response or ID token failed verification.
	ErrInvalidToken = errors.New("oidc: invalid ID token")
)

// ProviderError is an error the provider sent to the callback, such as
// access_denied when the user cancelled.
type ProviderError struct {
	Code, Description string
}

func (e *ProviderError) Error() string {
	return fmt.Sprintf("oidc: provider answered %s: %s", e.Code, e.Description)
}

func randomValue() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Start begins a login. It returns the provider URL to redirect the
// browser to and the value for the FlowCookie. minTrust asks the provider
// for at least that level (acr_values; BundID's step-up), and returnTo is
// the local path to continue at afterwards (anything else is dropped).
func (p *Provider) Start(minTrust identity.TrustLevel, returnTo string) (redirect, cookie string, err error) {
	f := flow{
		State: randomValue(), Nonce: randomValue(), Verifier: oauth2.GenerateVerifier(),
		MinTrust: minTrust, ReturnTo: SafeReturnTo(returnTo),
		Expires: p.cfg.Now().Add(p.cfg.FlowTTL).Unix(),
	}
	cookie, err = p.sealFlow(f)
	if err != nil {
		return "", "", err
	}
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(f.Verifier), gooidc.Nonce(f.Nonce)}
	if acr := acrValue(minTrust); acr != "" {
		opts = append(opts, oauth2.SetAuthURLParam("acr_values", acr))
	}
	return p.oauth.AuthCodeURL(f.State, opts...), cookie, nil
}

// aad binds a sealed flow to this provider and client, so a flow cookie
// started for one provider cannot finish a login at another.
func (p *Provider) aad() []byte { return []byte(p.cfg.Issuer + "\x00" + p.cfg.ClientID) }

func (p *Provider) sealFlow(f flow) (string, error) {
	plain, err := json.Marshal(f)
	if err != nil {
		return "", fmt.Errorf("oidc: %w", err)
	}
	nonce := make([]byte, p.seal.NonceSize())
	rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(p.seal.Seal(nonce, nonce, plain, p.aad())), nil
}

func (p *Provider) openFlow(cookie string) (flow, error) {
	var f flow
	raw, err := base64.RawURLEncoding.DecodeString(cookie)
	if err != nil || len(raw) < p.seal.NonceSize() {
		return f, ErrNoFlow
	}
	n := p.seal.NonceSize()
	plain, err := p.seal.Open(nil, raw[:n], raw[n:], p.aad())
	if err != nil {
		return f, ErrNoFlow
	}
	if err := json.Unmarshal(plain, &f); err != nil {
		return f, ErrNoFlow
	}
	if p.cfg.Now().Unix() >= f.Expires {
		return f, ErrFlowExpired
	}
	return f, nil
}

// SafeReturnTo keeps only local absolute paths ("/dorsten/antraege"), so
// the login cannot be abused as an open redirect.
func SafeReturnTo(s string) string {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/\\") ||
		strings.ContainsAny(s, "\r\n\\") {
		return ""
	}
	return s
}

// FlowTTL is how long a started flow may take; use it as the cookie's
// MaxAge.
func (p *Provider) FlowTTL() time.Duration { return p.cfg.FlowTTL }
