package fitconnect

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// MinRSABits is the smallest RSA modulus FIT-Connect allows for
// destination keys ("n" of at least 683 base64url characters, routing-api.yaml
// schema "jwk"; BSI TR-02102-1 via docs/details/crypto.md).
const MinRSABits = 4096

// Algorithms and key operations FIT-Connect uses (routing-api.yaml,
// schema "jwk": PS512 for signature keys, RSA-OAEP-256 for encryption).
const (
	AlgEncryption = "RSA-OAEP-256"
	AlgSignature  = "PS512"
	OpWrapKey     = "wrapKey"
	OpVerify      = "verify"
)

// jwkFields are the members go-jose does not keep (key_ops) or that are
// checked literally.
type jwkFields struct {
	Kty    string   `json:"kty"`
	Kid    string   `json:"kid"`
	Alg    string   `json:"alg"`
	E      string   `json:"e"`
	KeyOps []string `json:"key_ops"`
	D      string   `json:"d"`
}

type keyRules struct {
	kid, alg, op string
	usage        x509.KeyUsage
	minBits      int
	// chain requires x5c verifying to the anchors.
	chain bool
	// opsOptional accepts a key without key_ops (plain JWKS of the
	// infrastructure); present key_ops must still contain op.
	opsOptional bool
}

type verifiedKey struct {
	jwk *jose.JSONWebKey
	pub *rsa.PublicKey
}

// CheckEncryptionKey parses a destination's encryption key (JWK as JSON)
// and checks it before anything is encrypted with it: kid as expected,
// kty RSA, e AQAB, alg RSA-OAEP-256, key_ops containing wrapKey, at least
// MinRSABits, no private members, and an x5c chain whose leaf holds this
// very key, allows key encipherment (if it restricts key usage at all) and
// verifies at now to one of anchors. Failures wrap ErrKeyRejected.
func CheckEncryptionKey(raw []byte, kid string, anchors *x509.CertPool, now time.Time) (*jose.JSONWebKey, error) {
	k, err := checkKey(raw, keyRules{kid: kid, alg: AlgEncryption, op: OpWrapKey, usage: x509.KeyUsageKeyEncipherment,
		minBits: MinRSABits, chain: true}, anchors, now)
	if err != nil {
		return nil, err
	}
	return k.jwk, nil
}

// CheckSignatureKey is CheckEncryptionKey for a destination's signature
// key: alg PS512, key_ops containing verify, and a leaf certificate that
// allows digital signatures.
func CheckSignatureKey(raw []byte, kid string, anchors *x509.CertPool, now time.Time) (*rsa.PublicKey, error) {
	k, err := checkKey(raw, keyRules{kid: kid, alg: AlgSignature, op: OpVerify, usage: x509.KeyUsageDigitalSignature,
		minBits: MinRSABits, chain: true}, anchors, now)
	if err != nil {
		return nil, err
	}
	return k.pub, nil
}

func checkKey(raw []byte, r keyRules, anchors *x509.CertPool, now time.Time) (verifiedKey, error) {
	bad := func(format string, args ...any) (verifiedKey, error) {
		return verifiedKey{}, fmt.Errorf("%w: key %q: "+format, append([]any{ErrKeyRejected, r.kid}, args...)...)
	}
	var f jwkFields
	if err := json.Unmarshal(raw, &f); err != nil {
		return bad("not a JSON Web Key: %v", err)
	}
	switch {
	case r.kid != "" && f.Kid != r.kid:
		return bad("kid is %q", f.Kid)
	case f.Kty != "RSA":
		return bad("kty is %q, want RSA", f.Kty)
	case f.Alg != r.alg:
		return bad("alg is %q, want %s", f.Alg, r.alg)
	case !slices.Contains(f.KeyOps, r.op) && !(r.opsOptional && f.KeyOps == nil):
		return bad("key_ops %v lack %s", f.KeyOps, r.op)
	case f.E != "AQAB":
		return bad("public exponent %q, want AQAB", f.E)
	case f.D != "":
		return bad("it carries a private key")
	}
	var jwk jose.JSONWebKey
	// go-jose also checks that the x5c leaf holds the same public key.
	if err := jwk.UnmarshalJSON(raw); err != nil {
		return bad("%v", err)
	}
	pub, ok := jwk.Key.(*rsa.PublicKey)
	if !ok {
		return bad("not an RSA public key")
	}
	if bits := pub.N.BitLen(); bits < r.minBits {
		return bad("RSA key has %d bits, at least %d required", bits, r.minBits)
	}
	if !r.chain {
		return verifiedKey{jwk: &jwk, pub: pub}, nil
	}
	if anchors == nil {
		return verifiedKey{}, fmt.Errorf("%w: no trust anchors configured", ErrConfig)
	}
	if len(jwk.Certificates) == 0 {
		return bad("x5c certificate chain missing")
	}
	leaf := jwk.Certificates[0]
	if lp, ok := leaf.PublicKey.(*rsa.PublicKey); !ok || !lp.Equal(pub) {
		return bad("x5c leaf certificate holds another key")
	}
	if leaf.KeyUsage != 0 && leaf.KeyUsage&r.usage == 0 {
		return bad("certificate %q does not allow this key usage", leaf.Subject.CommonName)
	}
	inter := x509.NewCertPool()
	for _, c := range jwk.Certificates[1:] {
		inter.AddCert(c)
	}
	// V-PKI certificates need not carry extended key usages; the key use
	// is constrained by alg, key_ops and KeyUsage above.
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: anchors, Intermediates: inter, CurrentTime: now,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		return bad("certificate chain does not verify to a trust anchor: %v", err)
	}
	return verifiedKey{jwk: &jwk, pub: pub}, nil
}
