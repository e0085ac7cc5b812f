package identity

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
)

// MinKeyLen is the shortest server key accepted.
const MinKeyLen = 32

// DeriveKey derives a 32-byte key for one purpose from the server key, so
// that one configured secret serves several uses without the uses being
// able to stand in for each other.
func DeriveKey(master []byte, purpose string) ([]byte, error) {
	if len(master) < MinKeyLen {
		return nil, fmt.Errorf("identity: server key must have at least %d bytes", MinKeyLen)
	}
	return hkdf.Key(sha256.New, master, nil, "serviceportal identity "+purpose, 32)
}

// keyring holds the keys derived from the server key.
type keyring struct {
	csrf []byte
	seal cipher.AEAD
}

func newKeyring(master []byte) (*keyring, error) {
	csrf, err := DeriveKey(master, "csrf")
	if err != nil {
		return nil, err
	}
	sealKey, err := DeriveKey(master, "totp-seal")
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(sealKey)
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	return &keyring{csrf: csrf, seal: aead}, nil
}

// sealFor encrypts secret for one account; the account ID is bound as
// additional data so a sealed secret copied to another row does not open.
func (k *keyring) sealFor(accountID string, secret []byte) []byte {
	nonce := make([]byte, k.seal.NonceSize())
	rand.Read(nonce)
	return k.seal.Seal(nonce, nonce, secret, []byte(accountID))
}

func (k *keyring) openFor(accountID string, sealed []byte) ([]byte, error) {
	n := k.seal.NonceSize()
	if len(sealed) < n {
		return nil, errors.New("identity: sealed secret too short")
	}
	out, err := k.seal.Open(nil, sealed[:n], sealed[n:], []byte(accountID))
	if err != nil {
		return nil, fmt.Errorf("identity: sealed secret does not open (server key changed?): %w", err)
	}
	return out, nil
}

// StoredKey returns the server key kept in the database, creating it on
// first use. It lets a single-node or demo installation run without a
// configured key and keeps all instances of a cluster in agreement; a key
// from the configuration is better, because a database dump alone then does
// not reveal the sealed TOTP secrets.
func StoredKey(ctx context.Context, db *store.DB) ([]byte, error) {
	fresh := make([]byte, 32)
	rand.Read(fresh)
	if _, err := db.Exec(ctx, `INSERT INTO identity_keys (name, secret, created_at) VALUES ('server', ?, ?)
		ON CONFLICT (name) DO NOTHING`, fresh, time.Now().UTC()); err != nil {
		return nil, fmt.Errorf("identity: store server key: %w", err)
	}
	var key []byte
	if err := db.QueryRow(ctx, `SELECT secret FROM identity_keys WHERE name = 'server'`).Scan(&key); err != nil {
		return nil, fmt.Errorf("identity: read server key: %w", err)
	}
	return key, nil
}
