package payment

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/serviceportal/serviceportal/internal/store"
)

// dpop signs DPoP proofs (RFC 9449) and the client assertion (RFC 7523)
// with one key: ES256 for a P-256 key, RS256 for an RSA key (the
// open-source ePayBL client in standards.md §6.1 uses RS256; DPoP itself
// recommends ES256).
type dpop struct {
	proof     jose.Signer
	assertion jose.Signer
}

func newDPoP(key crypto.Signer, keyID string) (*dpop, error) {
	var alg jose.SignatureAlgorithm
	switch k := key.(type) {
	case *ecdsa.PrivateKey:
		if k.Curve.Params().Name != "P-256" {
			return nil, fmt.Errorf("payment: ePayBL key: curve %s, want P-256", k.Curve.Params().Name)
		}
		alg = jose.ES256
	case *rsa.PrivateKey:
		alg = jose.RS256
	default:
		return nil, fmt.Errorf("payment: ePayBL key: %T is neither ECDSA P-256 nor RSA", key)
	}
	proof, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key},
		(&jose.SignerOptions{EmbedJWK: true}).WithType("dpop+jwt"))
	if err != nil {
		return nil, fmt.Errorf("payment: DPoP signer: %w", err)
	}
	assertion, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: key, KeyID: keyID}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return nil, fmt.Errorf("payment: assertion signer: %w", err)
	}
	return &dpop{proof: proof, assertion: assertion}, nil
}

// proofClaims are a DPoP proof's claims.
type proofClaims struct {
	JTI   string `json:"jti"`
	HTM   string `json:"htm"`
	HTU   string `json:"htu"`
	IAT   int64  `json:"iat"`
	ATH   string `json:"ath,omitempty"`
	Nonce string `json:"nonce,omitempty"`
}

// Proof returns a DPoP proof for one request; with an access token it is
// bound to it by ath = base64url(SHA-256(token)).
func (d *dpop) Proof(method, rawURL, accessToken, nonce string, now time.Time) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", err
	}
	u.RawQuery, u.Fragment = "", "" // htu is the URI without query and fragment
	c := proofClaims{JTI: store.NewID(), HTM: method, HTU: u.String(), IAT: now.Unix(), Nonce: nonce}
	if accessToken != "" {
		c.ATH = AccessTokenHash(accessToken)
	}
	return jwt.Signed(d.proof).Claims(c).Serialize()
}

// Assertion is the client's JWT bearer assertion for the token endpoint:
// iss = sub = client id, aud = the OAuth server, valid for 60 s.
func (d *dpop) Assertion(clientID, audience string, now time.Time) (string, error) {
	c := jwt.Claims{Issuer: clientID, Subject: clientID, Audience: jwt.Audience{audience},
		Expiry: jwt.NewNumericDate(now.Add(60 * time.Second)), IssuedAt: jwt.NewNumericDate(now), ID: store.NewID()}
	return jwt.Signed(d.assertion).Claims(c).Serialize()
}

// AccessTokenHash is DPoP's ath: base64url(SHA-256(access token)).
func AccessTokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
