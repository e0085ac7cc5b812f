package oidctest

import (
	"crypto/rsa"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// client adapts Client to op.Client.
type client struct {
	c        Client
	loginURL string
}

func (c *client) GetID() string                       { return c.c.ID }
func (c *client) RedirectURIs() []string              { return c.c.RedirectURIs }
func (c *client) PostLogoutRedirectURIs() []string    { return nil }
func (c *client) ApplicationType() op.ApplicationType { return op.ApplicationTypeWeb }
func (c *client) AuthMethod() zoidc.AuthMethod        { return zoidc.AuthMethodBasic }
func (c *client) ResponseTypes() []zoidc.ResponseType {
	return []zoidc.ResponseType{zoidc.ResponseTypeCode}
}
func (c *client) GrantTypes() []zoidc.GrantType        { return []zoidc.GrantType{zoidc.GrantTypeCode} }
func (c *client) LoginURL(id string) string            { return c.loginURL + "?id=" + id }
func (c *client) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeBearer }
func (c *client) IDTokenLifetime() time.Duration       { return c.c.TokenLifetime }
func (c *client) DevMode() bool                        { return true } // plain http on loopback
func (c *client) IsScopeAllowed(string) bool           { return false }
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return true }
func (c *client) ClockSkew() time.Duration             { return 0 }
func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

// authRequest is one authorization request as the provider keeps it.
type authRequest struct {
	id       string
	req      zoidc.AuthRequest
	user     *User
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
	return a.user.ACR
}
func (a *authRequest) GetAMR() []string {
	if a.user == nil {
		return nil
	}
	return a.user.AMR
}
func (a *authRequest) GetSubject() string {
	if a.user == nil {
		return ""
	}
	return a.user.Subject
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
