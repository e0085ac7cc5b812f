package backend

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/serviceportal/serviceportal/internal/audit"
	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/keyring"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// DefaultTokenLifetime is how long an access token is valid. An hour keeps
// a leaked token's use short while a polling system asks for a new one
// only now and then.
const DefaultTokenLifetime = time.Hour

// Errors of the back-end use cases; the web layer turns them into answers.
var (
	// ErrInvalidClient: unknown client, wrong secret or revoked client
	// (RFC 6749 §5.2 "invalid_client"); deliberately one error for all.
	ErrInvalidClient = errors.New("backend: invalid client")
	// ErrInvalidToken: unknown, expired or revoked access token.
	ErrInvalidToken = errors.New("backend: invalid token")
	// ErrInvalidStatus: a reported status that is not one of Statuses.
	ErrInvalidStatus = errors.New("backend: invalid status")
	// ErrInvalidClientInput: a client registration with a missing name, no
	// services or a bad webhook address; the message says which in German.
	ErrInvalidClientInput = errors.New("backend: invalid client input")
)

// Catalog names and scopes services (*catalog.Catalog has it).
type Catalog interface {
	ForTenant(ctx context.Context, tenantID string) ([]catalog.Service, error)
	BySlug(ctx context.Context, slugOrID string) (catalog.Service, error)
}

// Enqueuer inserts jobs, joining the store transaction in ctx
// (*jobs.Queue has it).
type Enqueuer interface {
	Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error
}

// Options configure the service; Keys, Submissions, Catalog, Audit and
// Authorizer are required.
type Options struct {
	Keys        *keyring.Keyring
	Submissions *submission.Service
	Catalog     Catalog
	Audit       *audit.Log
	Authorizer  *identity.Authorizer
	// TokenLifetime defaults to DefaultTokenLifetime.
	TokenLifetime time.Duration
	// BaseURL makes the links in webhooks absolute; it may be set later
	// with SetBaseURL, because the server learns it after the use cases.
	BaseURL string
	// HTTPClient sends webhooks; nil uses one that follows no redirects
	// and gives up after 10 s.
	HTTPClient *http.Client
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Logger receives failed webhooks; nil discards.
	Logger *slog.Logger
}

// Service holds the back-end clients, their tokens and what they may do.
type Service struct {
	db     *store.DB
	opts   Options
	worker *webhookWorker

	mu      sync.RWMutex
	queue   Enqueuer
	baseURL string
}

// New returns the service.
func New(db *store.DB, opts Options) (*Service, error) {
	if opts.Keys == nil || opts.Submissions == nil || opts.Catalog == nil || opts.Audit == nil || opts.Authorizer == nil {
		return nil, errors.New("backend: Keys, Submissions, Catalog, Audit and Authorizer are required")
	}
	if opts.TokenLifetime <= 0 {
		opts.TokenLifetime = DefaultTokenLifetime
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 10 * time.Second,
			// A receiver that redirects could send the signed announcement
			// anywhere; the admin registered one address.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{db: db, opts: opts, baseURL: opts.BaseURL}
	s.worker = &webhookWorker{svc: s}
	return s, nil
}

// SetBaseURL sets the portal's public address for links in webhooks.
func (s *Service) SetBaseURL(u string) {
	s.mu.Lock()
	s.baseURL = u
	s.mu.Unlock()
}

func (s *Service) base() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.baseURL
}

// SetQueue sets the job queue for webhooks once it is built (it needs the
// worker first, see AddWorkers).
func (s *Service) SetQueue(q Enqueuer) {
	s.mu.Lock()
	s.queue = q
	s.mu.Unlock()
}

func (s *Service) jobQueue() Enqueuer {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.queue
}

// AddWorkers registers the webhook worker with River.
func (s *Service) AddWorkers(w *river.Workers) { river.AddWorker(w, s.worker) }

// clock returns the current time as stored: UTC, whole microseconds, so
// SQLite and PostgreSQL compare the same values.
func (s *Service) clock() time.Time { return s.opts.Now().UTC().Truncate(time.Microsecond) }

// newSecret returns 256 random bits, URL-safe, and their SHA-256 hash.
func newSecret() (secret, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	secret = base64.RawURLEncoding.EncodeToString(b)
	return secret, hashSecret(secret)
}

// hashSecret is a plain SHA-256: the secrets are 256 random bits, so a slow
// password hash would add nothing but work on every token request.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func (s *Service) record(ctx context.Context, tenantID, actor, action, object string, details map[string]string) error {
	if err := s.opts.Audit.Record(ctx, tenantID, actor, action, object, details); err != nil {
		return fmt.Errorf("backend: audit: %w", err)
	}
	return nil
}
