// Package oidc is the portal's OpenID Connect relying party: the
// authorization code flow with PKCE (S256), state and nonce kept in a
// sealed short-lived cookie value, ID token verification with
// github.com/coreos/go-oidc (signature, issuer, audience, expiry) plus the
// nonce, and the mapping of BundID trust levels. It hands a verified
// identity to identity.Service.LoginExternal.
package oidc

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/serviceportal/serviceportal/internal/identity"
)

// Config describes one OpenID Provider.
type Config struct {
	// Issuer is the provider's issuer URL; its discovery document is read
	// from Issuer + "/.well-known/openid-configuration".
	Issuer       string
	ClientID     string
	ClientSecret string
	// RedirectURL is the portal's callback, registered at the provider.
	RedirectURL string
	// Scopes default to openid, email and profile.
	Scopes []string
	// Kind is whose accounts this provider logs in: citizens (BundID) or
	// staff (a data centre's Keycloak).
	Kind identity.Kind
	// TrustClaim names the claim carrying the trust level; default "acr".
	TrustClaim string
	// ProviderMFA trusts the provider's amr claim: a staff login with
	// "mfa" (or a possession factor such as "otp" or "hwk", RFC 8176) skips
	// the portal's own TOTP step.
	ProviderMFA bool
	// Key (at least 32 bytes) seals the flow state; use the server key.
	Key []byte
	// FlowTTL bounds the time between redirect and callback; default 10 min.
	FlowTTL time.Duration
	// HTTPClient talks to the provider; nil uses http.DefaultClient.
	HTTPClient *http.Client
	// Now is the clock, for tests.
	Now func() time.Time
}

// Provider is a configured OpenID Provider.
type Provider struct {
	cfg      Config
	oauth    oauth2.Config
	verifier *gooidc.IDTokenVerifier
	seal     cipher.AEAD
}

// New discovers the provider and returns a relying party for it.
func New(ctx context.Context, cfg Config) (*Provider, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" || cfg.RedirectURL == "" {
		return nil, errors.New("oidc: issuer, client ID and redirect URL are required")
	}
	if !cfg.Kind.Valid() {
		return nil, fmt.Errorf("oidc: account kind %q is not citizen or staff", cfg.Kind)
	}
	if cfg.TrustClaim == "" {
		cfg.TrustClaim = "acr"
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = []string{gooidc.ScopeOpenID, "email", "profile"}
	}
	if !slices.Contains(cfg.Scopes, gooidc.ScopeOpenID) {
		cfg.Scopes = append([]string{gooidc.ScopeOpenID}, cfg.Scopes...)
	}
	if cfg.FlowTTL <= 0 {
		cfg.FlowTTL = 10 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	key, err := identity.DeriveKey(cfg.Key, "oidc-flow")
	if err != nil {
		return nil, fmt.Errorf("oidc: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("oidc: %w", err)
	}
	seal, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("oidc: %w", err)
	}
	p, err := gooidc.NewProvider(cfg.clientContext(ctx), cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("oidc: discovery at %s: %w", cfg.Issuer, err)
	}
	return &Provider{
		cfg: cfg,
		oauth: oauth2.Config{
			ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: cfg.RedirectURL,
			Endpoint: p.Endpoint(), Scopes: cfg.Scopes,
		},
		verifier: p.Verifier(&gooidc.Config{ClientID: cfg.ClientID, Now: cfg.Now}),
		seal:     seal,
	}, nil
}

func (c Config) clientContext(ctx context.Context) context.Context {
	if c.HTTPClient == nil {
		return ctx
	}
	return gooidc.ClientContext(ctx, c.HTTPClient)
}

// Issuer returns the provider's issuer URL.
func (p *Provider) Issuer() string { return p.cfg.Issuer }

// Kind returns whose accounts this provider logs in.
func (p *Provider) Kind() identity.Kind { return p.cfg.Kind }
