// Package submission keeps what citizens send: drafts they can resume,
// attachments streamed in sealed chunks, and submitted applications with
// their tracking number, status timeline and receipt data. A submission is
// written in one transaction together with whatever the hooks add (the
// back-office case, the audit event, delivery jobs), so a receipt handed
// out means all of it exists.
package submission

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"time"

	"github.com/serviceportal/serviceportal/internal/audit"
	"github.com/serviceportal/serviceportal/internal/keyring"
	"github.com/serviceportal/serviceportal/internal/store"
)

// DraftLifetime is how long a draft lives after its last edit (§ 9b EGovG).
const DraftLifetime = 30 * 24 * time.Hour

// Hook runs inside the submit transaction; an error aborts the submission.
type Hook func(ctx context.Context, s Submission) error

// Preparer runs before the submit transaction and returns what that one
// submission's transaction adds (nil for nothing). On SQLite every
// application in the region queues for the one writer, so whatever a hook
// only reads (the tenant's name, the service's processing time, the
// configured delivery targets) is read here, beside the writer, and the
// transaction only writes. An error refuses the submission before anything
// is written.
type Preparer func(ctx context.Context, in Input) (Prepared, error)

// Prepared runs inside the submit transaction with the new submission and
// the secret of its status link; an error aborts the submission.
type Prepared func(ctx context.Context, r Result) error

// Service is the submission use case.
type Service struct {
	db    *store.DB
	keys  *keyring.Keyring
	audit *audit.Log
	hooks []Hook
	preps []Preparer
	now   func() time.Time
	// scanner, when set, checks every attachment for malware.
	scanner Scanner
	// files keeps attachment content in the database's files folder;
	// nil on PostgreSQL without one, where it is in attachment_chunks.
	files *fileChunks
}

// Scanner checks a file for malware while it is stored: nil for a clean
// file, an error (the file is refused) for malware or no verdict.
type Scanner interface {
	Scan(ctx context.Context, r io.Reader) error
}

// SetScanner makes every new attachment pass sc (clamd, when configured).
func (s *Service) SetScanner(sc Scanner) { s.scanner = sc }

// New returns the service. Hooks run, in order, inside every new
// submission's transaction.
func New(db *store.DB, keys *keyring.Keyring, log *audit.Log, hooks ...Hook) *Service {
	s := &Service{db: db, keys: keys, audit: log, hooks: hooks, now: func() time.Time { return time.Now().UTC() }}
	if db.FilesDir() != "" {
		s.files = newFileChunks(db)
	}
	return s
}

// AddHook appends a hook; wiring code uses it when the hook's owner is
// built after the service.
func (s *Service) AddHook(h Hook) { s.hooks = append(s.hooks, h) }

// AddPreparer appends a preparer. Its transaction part runs after the
// hooks, in the order the preparers were added.
func (s *Service) AddPreparer(p Preparer) { s.preps = append(s.preps, p) }

// newSecret returns a random 256-bit token for links (resume, status) and
// the hash that is stored in its place.
func newSecret() (token, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashSecret(token)
}

func hashSecret(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
