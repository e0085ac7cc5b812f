package oidc

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/url"
	"slices"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/serviceportal/serviceportal/internal/identity"
)

// Result is a verified login at the provider.
type Result struct {
	Kind          identity.Kind
	Issuer        string
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
	// Trust is the level the provider asserted; Requested the minimum the
	// flow asked for.
	Trust     identity.TrustLevel
	Requested identity.TrustLevel
	// MFA is true when the provider asserted a multi-factor login and the
	// configuration trusts it to.
	MFA bool
	// ReturnTo is the local path to continue at.
	ReturnTo string
}

// CheckTrust returns nil when the login reached the level the flow asked
// for, and the step-up signal *identity.InsufficientTrustError when the
// provider delivered less.
func (r Result) CheckTrust() error { return identity.CheckTrust(r.Trust, r.Requested) }

// ExternalLogin turns the result into the input of
// identity.Service.LoginExternal.
func (r Result) ExternalLogin(userAgent, previousToken, linkTo string) identity.ExternalLogin {
	return identity.ExternalLogin{
		Kind: r.Kind, Issuer: r.Issuer, Subject: r.Subject,
		Email: r.Email, EmailVerified: r.EmailVerified, Name: r.Name,
		Trust: r.Trust, MFADone: r.MFA,
		UserAgent: userAgent, PreviousToken: previousToken, LinkTo: linkTo,
	}
}

// claims are the ID token claims the portal reads.
type claims struct {
	Email         string   `json:"email"`
	EmailVerified any      `json:"email_verified"`
	Name          string   `json:"name"`
	AMR           []string `json:"amr"`
	AZP           string   `json:"azp"`
}

// Finish completes a login at the callback: query is the callback's query
// string, cookie the FlowCookie value. It checks state, exchanges the code
// with the PKCE verifier, verifies the ID token (signature, issuer,
// audience, expiry via go-oidc; nonce, authorized party and access token
// hash here) and maps the trust level.
func (p *Provider) Finish(ctx context.Context, query url.Values, cookie string) (Result, error) {
	f, err := p.openFlow(cookie)
	if err != nil {
		return Result{}, err
	}
	if subtle.ConstantTimeCompare([]byte(query.Get("state")), []byte(f.State)) != 1 {
		return Result{}, ErrStateMismatch
	}
	if code := query.Get("error"); code != "" {
		return Result{}, &ProviderError{Code: code, Description: query.Get("error_description")}
	}
	code := query.Get("code")
	if code == "" {
		return Result{}, fmt.Errorf("oidc: callback without code: %w", ErrInvalidToken)
	}
	ctx = p.cfg.clientContext(ctx)
	tok, err := p.oauth.Exchange(ctx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		return Result{}, fmt.Errorf("oidc: code exchange: %w", err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return Result{}, fmt.Errorf("oidc: token response without id_token: %w", ErrInvalidToken)
	}
	idt, err := p.verifier.Verify(ctx, raw)
	if err != nil {
		return Result{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(f.Nonce)) != 1 {
		return Result{}, ErrNonceMismatch
	}
	var c claims
	var all map[string]any
	if err := idt.Claims(&c); err != nil {
		return Result{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	if err := idt.Claims(&all); err != nil {
		return Result{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	// With several audiences the token must name this client as the party
	// it was issued to (OpenID Connect Core 3.1.3.7, items 4 and 5).
	if (len(idt.Audience) > 1 || c.AZP != "") && c.AZP != p.cfg.ClientID {
		return Result{}, fmt.Errorf("oidc: authorized party %q is not this client: %w", c.AZP, ErrInvalidToken)
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			return Result{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
		}
	}
	return Result{
		Kind: p.cfg.Kind, Issuer: idt.Issuer, Subject: idt.Subject,
		Email: c.Email, EmailVerified: truthy(c.EmailVerified), Name: c.Name,
		Trust: TrustFromClaim(all[p.cfg.TrustClaim]), Requested: f.MinTrust,
		MFA: p.cfg.ProviderMFA && multiFactor(c.AMR), ReturnTo: f.ReturnTo,
	}, nil
}

// truthy reads email_verified, which some providers send as a string.
func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		return x == "true"
	}
	return false
}

// multiFactor reads the amr claim (RFC 8176): "mfa" or a possession or
// hardware factor means more than a password was used.
func multiFactor(amr []string) bool {
	return slices.ContainsFunc(amr, func(m string) bool {
		return slices.Contains([]string{"mfa", "otp", "hwk", "swk", "sc"}, m)
	})
}

// IsExpired reports whether err is an expired ID token.
func IsExpired(err error) bool {
	var te *gooidc.TokenExpiredError
	return errors.As(err, &te)
}
