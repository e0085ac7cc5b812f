package fitconnect

import (
	"crypto/rsa"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"strings"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/google/uuid"
)

// HashSHA512 is the only hash type the metadata schema allows.
const HashSHA512 = "sha512"

// Hash is a hash of unencrypted content as the metadata carries it.
type Hash struct {
	Type    string `json:"type"`
	Content string `json:"content"`
}

// SHA512 returns the metadata hash of b: SHA-512 over the plain bytes,
// lower-case hex ("aktuell: SHA-512", docs.fitko.de sending/metadata).
func SHA512(b []byte) Hash {
	sum := sha512.Sum512(b)
	return Hash{Type: HashSHA512, Content: hex.EncodeToString(sum[:])}
}

// Matches reports whether h is the SHA-512 of b.
func (h Hash) Matches(b []byte) bool { return h.Type == HashSHA512 && SHA512(b).Content == h.Content }

// Encrypt returns plain as a compact JWE for key: alg RSA-OAEP-256, enc
// A256GCM, kid of key and cty contentType (the media type of plain). No
// "zip": compressing before encrypting leaks the content's redundancy,
// and receivers must not be made to inflate.
func Encrypt(plain []byte, key *jose.JSONWebKey, contentType string) (string, error) {
	opts := (&jose.EncrypterOptions{}).WithContentType(jose.ContentType(contentType))
	enc, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.RSA_OAEP_256, Key: key.Key, KeyID: key.KeyID}, opts)
	if err != nil {
		return "", fmt.Errorf("fitconnect: encrypter: %w", err)
	}
	obj, err := enc.Encrypt(plain)
	if err != nil {
		return "", fmt.Errorf("fitconnect: encrypt: %w", err)
	}
	return obj.CompactSerialize()
}

// Decrypt opens a compact JWE made by Encrypt with the destination's
// private key and returns the plaintext and its protected header. Other
// algorithms than RSA-OAEP-256/A256GCM are refused.
func Decrypt(token string, key *rsa.PrivateKey) ([]byte, jose.Header, error) {
	obj, err := jose.ParseEncryptedCompact(token, []jose.KeyAlgorithm{jose.RSA_OAEP_256}, []jose.ContentEncryption{jose.A256GCM})
	if err != nil {
		return nil, jose.Header{}, fmt.Errorf("fitconnect: parse JWE: %w", err)
	}
	plain, err := obj.Decrypt(key)
	if err != nil {
		return nil, jose.Header{}, fmt.Errorf("fitconnect: decrypt JWE: %w", err)
	}
	return plain, obj.Header, nil
}

// AuthenticationTag returns the last part of a compact JWE, the AES-GCM
// tag the Zustelldienst records in its submit-submission event.
func AuthenticationTag(token string) string {
	i := strings.LastIndexByte(token, '.')
	return token[i+1:]
}

// isUUID accepts the canonical 36-character form only, since ids go into
// URL paths and are compared as strings.
func isUUID(s string) bool { return len(s) == 36 && uuid.Validate(s) == nil }
