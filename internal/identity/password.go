package identity

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are argon2id's cost settings. They travel inside every hash
// (PHC string format), so raising them later only affects new hashes and
// old ones are upgraded at the next successful login.
type Argon2Params struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
	SaltLen   int
	KeyLen    int
}

// OWASPParams are the OWASP Password Storage Cheat Sheet's minimum for
// argon2id: 19 MiB, two iterations, one lane (about 36 ms on the reference
// machine, performance-security.md §2.5).
var OWASPParams = Argon2Params{MemoryKiB: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Hasher hashes and verifies passwords with argon2id, running at most Slots
// hashes at once. Each hash takes tens of milliseconds of CPU and 19 MiB of
// memory; without the bound a login flood would take every core and the
// memory with it, and page rendering would starve.
type Hasher struct {
	params  Argon2Params
	slots   chan struct{}
	maxWait int64
	waiting atomic.Int64

	dummyOnce sync.Once
	dummy     string
}

// HasherOptions size a Hasher. Zero values take the defaults.
type HasherOptions struct {
	// Params defaults to OWASPParams.
	Params Argon2Params
	// Slots is how many hashes run at once; default runtime.NumCPU().
	Slots int
	// MaxWaiting is how many callers may queue for a slot before ErrBusy;
	// default 32 per slot, i.e. about a second of work per slot at 36 ms.
	MaxWaiting int
}

// NewHasher returns a bounded argon2id hasher.
func NewHasher(o HasherOptions) *Hasher {
	if o.Params == (Argon2Params{}) {
		o.Params = OWASPParams
	}
	if o.Slots <= 0 {
		o.Slots = runtime.NumCPU()
	}
	if o.MaxWaiting <= 0 {
		o.MaxWaiting = 32 * o.Slots
	}
	return &Hasher{params: o.Params, slots: make(chan struct{}, o.Slots), maxWait: int64(o.MaxWaiting)}
}

// acquire takes a hashing slot, waiting while ctx allows. A full queue
// answers ErrBusy at once so that the web layer can send 503 instead of
// piling up goroutines.
func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	default:
	}
	if h.waiting.Add(1) > h.maxWait {
		h.waiting.Add(-1)
		return ErrBusy
	}
	defer h.waiting.Add(-1)
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("identity: waiting for password check: %w", ctx.Err())
	}
}

func (h *Hasher) release() { <-h.slots }

// Hash returns the PHC-format argon2id hash of password with a fresh salt.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	return hashWith(h.params, password)
}

func hashWith(p Argon2Params, password string) (string, error) {
	salt := make([]byte, p.SaltLen)
	rand.Read(salt)
	key, err := deriveKey(p, password, salt, p.KeyLen)
	if err != nil {
		return "", err
	}
	return encodePHC(p, salt, key), nil
}

// deriveKey runs argon2id in a low-priority hash worker (see workerPool).
func deriveKey(p Argon2Params, password string, salt []byte, keyLen int) ([]byte, error) {
	return hashWorkers().derive(hashRequest{
		Password: []byte(password), Salt: salt,
		Time: p.Time, MemoryKiB: p.MemoryKiB, Threads: p.Threads,
		KeyLen: uint32(keyLen), // #nosec G115 -- key lengths come from Argon2Params or a decoded hash (at most a few dozen bytes)
	})
}

var b64 = base64.RawStdEncoding

func encodePHC(p Argon2Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.MemoryKiB, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

var errBadHash = errors.New("identity: malformed password hash")

func decodePHC(encoded string) (Argon2Params, []byte, []byte, error) {
	var p Argon2Params
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, errBadHash
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return p, nil, nil, errBadHash
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 || p.Time == 0 || p.Threads == 0 || p.MemoryKiB == 0 || p.MemoryKiB > maxMemoryKiB {
		return p, nil, nil, errBadHash
	}
	p.SaltLen, p.KeyLen = len(salt), len(key)
	return p, salt, key, nil
}

// Verify checks password against encoded in constant time. needsRehash is
// true when the hash was made with other parameters than the Hasher's, so
// the caller can store a fresh hash after a successful login.
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (ok, needsRehash bool, err error) {
	p, salt, want, err := decodePHC(encoded)
	if err != nil {
		return false, false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, false, err
	}
	defer h.release()
	got, err := deriveKey(p, password, salt, len(want))
	if err != nil {
		return false, false, err
	}
	ok = subtle.ConstantTimeCompare(got, want) == 1
	return ok, ok && p != h.params, nil
}

// VerifyDummy spends the same time as Verify on a hash that matches no
// password. Login calls it for unknown accounts so that the answer and its
// timing do not reveal whether an account exists.
func (h *Hasher) VerifyDummy(ctx context.Context, password string) error {
	h.dummyOnce.Do(func() {
		// Random salt and random "hash": no password can match it, and
		// making it costs nothing, so even the first call has the usual timing.
		salt, key := make([]byte, h.params.SaltLen), make([]byte, h.params.KeyLen)
		rand.Read(salt)
		rand.Read(key)
		h.dummy = encodePHC(h.params, salt, key)
	})
	_, _, err := h.Verify(ctx, password, h.dummy)
	return err
}
