package fitconnecttest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"math/big"
	"sync"
	"time"
)

// Generating a 4096-bit RSA key takes seconds (more under -race), so the
// test double makes three once per test binary and every service and
// destination shares them under different kids: one for encryption, one
// for destination signatures, one for the infrastructure (the
// Self-Service-Portal's and the Zustelldienst's signatures).
var strongKeys = sync.OnceValue(func() [3]*rsa.PrivateKey {
	var keys [3]*rsa.PrivateKey
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() { keys[i] = mustRSA(4096) })
	}
	wg.Wait()
	return keys
})

// weakKey is a 2048-bit key: too small for FIT-Connect, quick to make. It
// plays the weak destination key and the forger's key.
var weakKey = sync.OnceValue(func() *rsa.PrivateKey { return mustRSA(2048) })

func mustRSA(bits int) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		panic(fmt.Sprintf("fitconnecttest: generate RSA key: %v", err))
	}
	return k
}

// authority is a small stand-in for the Verwaltungs-PKI: a root and an
// intermediate CA that issue certificates for destination keys. The CA
// keys are ECDSA so that making one costs nothing; the real V-PKI uses
// RSA-PSS, which the sender does not depend on.
type authority struct {
	root, inter       *x509.Certificate
	rootKey, interKey *ecdsa.PrivateKey
}

func newAuthority(name string) (*authority, error) {
	a := &authority{}
	var err error
	if a.rootKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		return nil, err
	}
	if a.interKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		return nil, err
	}
	now := time.Now()
	rootTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name + " Root CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(10, 0, 0), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	if a.root, err = createCert(rootTmpl, rootTmpl, &a.rootKey.PublicKey, a.rootKey); err != nil {
		return nil, err
	}
	interTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: name + " Intermediate CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(5, 0, 0), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign, MaxPathLenZero: true}
	if a.inter, err = createCert(interTmpl, a.root, &a.interKey.PublicKey, a.rootKey); err != nil {
		return nil, err
	}
	return a, nil
}

// issue certifies pub for usage and returns the chain leaf first, as x5c
// carries it.
func (a *authority) issue(pub *rsa.PublicKey, cn string, usage x509.KeyUsage) ([]*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: cn, Organization: []string{"Testbehörde"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(1, 0, 0), KeyUsage: usage}
	leaf, err := createCert(tmpl, a.inter, pub, a.interKey)
	if err != nil {
		return nil, err
	}
	return []*x509.Certificate{leaf, a.inter, a.root}, nil
}

func createCert(tmpl, parent *x509.Certificate, pub any, signer *ecdsa.PrivateKey) (*x509.Certificate, error) {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// publicJWK is the JSON Web Key of pub as FIT-Connect publishes it
// (routing-api.yaml schema "jwk"): x5c in standard base64 DER.
func publicJWK(pub *rsa.PublicKey, kid, alg string, ops []string, chain []*x509.Certificate) map[string]any {
	x5c := make([]string, len(chain))
	for i, c := range chain {
		x5c[i] = base64.StdEncoding.EncodeToString(c.Raw)
	}
	m := map[string]any{"kty": "RSA", "kid": kid, "alg": alg, "key_ops": ops,
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes())}
	if len(chain) > 0 {
		m["x5c"] = x5c
	}
	return m
}
