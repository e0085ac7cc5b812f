// Package keyring encrypts citizen data at rest: every tenant has its own
// random data key, stored only wrapped under the master key from the
// configuration. Payloads and attachment chunks are sealed with
// AES-256-GCM, bound by associated data to the record they belong to, so a
// ciphertext copied to another record or tenant does not open.
package keyring

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
)

// KeySize is the size of master and data keys (AES-256).
const KeySize = 32

// ErrOpen means a ciphertext could not be decrypted: wrong key, wrong
// record, or tampering.
var ErrOpen = errors.New("keyring: ciphertext does not open")

// Keyring hands out tenant data keys. It caches unwrapped keys in memory;
// they never leave the process.
type Keyring struct {
	db     *store.DB
	master cipher.AEAD
	// macRoot is derived from the master key; MACKey derives from it, so
	// the master key itself is kept only inside its cipher.
	macRoot []byte

	mu   sync.Mutex
	keys map[string]cipher.AEAD
}

// New returns a keyring whose data keys are wrapped under master.
func New(db *store.DB, master []byte) (*Keyring, error) {
	if len(master) != KeySize {
		return nil, fmt.Errorf("keyring: master key must be %d bytes, got %d", KeySize, len(master))
	}
	aead, err := newAEAD(master)
	if err != nil {
		return nil, err
	}
	root, err := hkdf.Key(sha256.New, master, nil, "serviceportal keyring mac root", KeySize)
	if err != nil {
		return nil, err
	}
	return &Keyring{db: db, master: aead, macRoot: root, keys: map[string]cipher.AEAD{}}, nil
}

// MACKey derives a key for signing one kind of link or token, the same in
// every instance that shares the master key and different per purpose.
func (k *Keyring) MACKey(purpose string) ([]byte, error) {
	return hkdf.Key(sha256.New, k.macRoot, nil, "serviceportal mac "+purpose, KeySize)
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// ParseMasterKey decodes a base64 master key as given in the configuration.
func ParseMasterKey(s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != KeySize {
		return nil, fmt.Errorf("SERVICEPORTAL_MASTER_KEY muss %d zufällige Bytes in Base64 enthalten (z. B. mit: openssl rand -base64 32)", KeySize)
	}
	return b, nil
}

// LoadOrCreateMasterKey reads the master key file in dir, creating it with
// a random key (mode 0600) if it does not exist. Meant for the demo and for
// single-host installations; production sets SERVICEPORTAL_MASTER_KEY from
// a secret store instead.
func LoadOrCreateMasterKey(dir string) ([]byte, error) {
	path := filepath.Join(dir, "master.key")
	if b, err := os.ReadFile(path); err == nil { // #nosec G304 -- the operator's data folder, not request input
		return ParseMasterKey(string(b))
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("keyring: %w", err)
	}
	key := make([]byte, KeySize)
	rand.Read(key)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("keyring: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) // #nosec G304 -- the operator's data folder, not request input
	if err != nil {
		return nil, fmt.Errorf("keyring: master key file: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n"); err != nil {
		return nil, err
	}
	return key, f.Sync()
}

// dataKey returns the tenant's data key, creating it on first use.
func (k *Keyring) dataKey(ctx context.Context, tenantID string) (cipher.AEAD, error) {
	k.mu.Lock()
	aead, ok := k.keys[tenantID]
	k.mu.Unlock()
	if ok {
		return aead, nil
	}
	var wrapped []byte
	err := k.db.QueryRow(ctx, `SELECT wrapped_key FROM tenant_keys WHERE tenant_id = ? ORDER BY version DESC LIMIT 1`, tenantID).Scan(&wrapped)
	if err != nil {
		if !isNoRows(err) {
			return nil, fmt.Errorf("keyring: load key: %w", err)
		}
		if wrapped, err = k.createKey(ctx, tenantID); err != nil {
			return nil, err
		}
	}
	raw, err := open(k.master, wrapped, []byte("tenant-key:"+tenantID))
	if err != nil {
		return nil, fmt.Errorf("keyring: unwrap key of tenant %s: %w (is the master key the one the data was written with?)", tenantID, err)
	}
	aead, err = newAEAD(raw)
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	k.keys[tenantID] = aead
	k.mu.Unlock()
	return aead, nil
}

// createKey stores a new wrapped data key. Two instances racing both insert
// version 1; the loser's insert is ignored and it reads the winner's key.
func (k *Keyring) createKey(ctx context.Context, tenantID string) ([]byte, error) {
	raw := make([]byte, KeySize)
	rand.Read(raw)
	wrapped := seal(k.master, raw, []byte("tenant-key:"+tenantID))
	if _, err := k.db.Exec(ctx, `INSERT INTO tenant_keys (tenant_id, version, wrapped_key, created_at) VALUES (?, 1, ?, ?)
		ON CONFLICT (tenant_id, version) DO NOTHING`, tenantID, wrapped, time.Now().UTC()); err != nil {
		return nil, fmt.Errorf("keyring: store key: %w", err)
	}
	var stored []byte
	if err := k.db.QueryRow(ctx, `SELECT wrapped_key FROM tenant_keys WHERE tenant_id = ? AND version = 1`, tenantID).Scan(&stored); err != nil {
		return nil, fmt.Errorf("keyring: store key: %w", err)
	}
	return stored, nil
}

// Seal encrypts plain for a tenant; aad names the record it belongs to
// (e.g. "submission:ID") and must be given again to Open.
func (k *Keyring) Seal(ctx context.Context, tenantID string, plain []byte, aad string) ([]byte, error) {
	return k.SealAppend(ctx, nil, tenantID, plain, aad)
}

// SealAppend is Seal appending to dst, so that callers sealing large
// chunks can reuse one buffer instead of leaving one per chunk to the
// garbage collector. dst must not overlap plain.
func (k *Keyring) SealAppend(ctx context.Context, dst []byte, tenantID string, plain []byte, aad string) ([]byte, error) {
	aead, err := k.dataKey(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	return sealAppend(dst, aead, plain, []byte(tenantID+"|"+aad)), nil
}

// Open decrypts what Seal produced for the same tenant and aad.
func (k *Keyring) Open(ctx context.Context, tenantID string, sealed []byte, aad string) ([]byte, error) {
	aead, err := k.dataKey(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	return open(aead, sealed, []byte(tenantID+"|"+aad))
}

func seal(aead cipher.AEAD, plain, aad []byte) []byte { return sealAppend(nil, aead, plain, aad) }

// sealAppend appends nonce and ciphertext to dst.
func sealAppend(dst []byte, aead cipher.AEAD, plain, aad []byte) []byte {
	ns := aead.NonceSize()
	dst = slices.Grow(dst, ns+len(plain)+aead.Overhead())
	start := len(dst)
	dst = dst[:start+ns]
	nonce := dst[start:]
	rand.Read(nonce)
	return aead.Seal(dst, nonce, plain, aad)
}

func open(aead cipher.AEAD, sealed, aad []byte) ([]byte, error) {
	if len(sealed) < aead.NonceSize() {
		return nil, ErrOpen
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], aad)
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}
