package delivery

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/serviceportal/serviceportal/internal/audit"
	"github.com/serviceportal/serviceportal/internal/keyring"
	"github.com/serviceportal/serviceportal/internal/mail"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// Defaults for Options.
const (
	DefaultMaxAttempts = 12
	DefaultLease       = 10 * time.Minute
)

// Submissions is what delivery needs from the submission service
// (*submission.Service has it).
type Submissions interface {
	Submission(ctx context.Context, tenantID, id string) (submission.Submission, error)
	WriteAttachment(ctx context.Context, w io.Writer, a submission.Attachment) error
	// AddEvent tells the citizen what the receiver did (PollRemote).
	AddEvent(ctx context.Context, tenantID, submissionID, status, note string) error
}

// Enqueuer inserts jobs, joining the store transaction in ctx
// (*jobs.Queue has it).
type Enqueuer interface {
	Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error
}

// Options configure the service; zero values take the defaults.
type Options struct {
	// Keys seals and opens target secrets. Required.
	Keys *keyring.Keyring
	// Submissions loads what is delivered. Required for the worker.
	Submissions Submissions
	// Queue takes the delivery jobs; may be set later with SetQueue,
	// because the queue needs the worker first.
	Queue Enqueuer
	// Audit records changes of targets (where citizen data goes); optional.
	Audit *audit.Log
	// Describe names tenant and service for receivers; nil sends ids.
	Describe DescribeFunc

	// MaxAttempts is how many failed attempts in a row make a delivery
	// dead. Default 12, which with the default backoff spans about a day.
	MaxAttempts int
	// Backoff spaces retries; zero means DefaultBackoff.
	Backoff Backoff
	// Lease is how long a worker's claim on a delivery lasts; it must
	// exceed the job timeout (River's is 2 minutes).
	Lease time.Duration

	// WebhookTimeout bounds one webhook request (default 10 s).
	WebhookTimeout time.Duration
	// InlineLimit is the total attachment size up to which webhooks carry
	// the files' content (default 5 MB); see Webhook.
	InlineLimit int64
	// HTTPClient sends webhooks; nil uses a client that follows no redirects.
	HTTPClient *http.Client
	// FileLinkTTL is how long the file links in webhooks open their files
	// (default DefaultFileLinkTTL); see SetBaseURL.
	FileLinkTTL time.Duration

	// Mail is the SMTP configuration for e-mail targets; keep mode (no
	// host) keeps the mail in Outbox instead of sending it.
	Mail mail.Config
	// Outbox receives the kept office mails in keep mode; optional.
	Outbox *mail.Outbox
	// RenderReceipt makes the receipt PDF for e-mail targets. Without it
	// the e-mail kind is not available.
	RenderReceipt func(ctx context.Context, sub submission.Submission) ([]byte, error)

	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Logger receives failed attempts; nil discards.
	Logger *slog.Logger
}

// Service is the delivery outbox: targets, deliveries, attempts, and the
// worker that sends.
type Service struct {
	db       *store.DB
	opts     Options
	adapters Registry
	worker   *DeliverWorker

	// linkKey signs the file links in webhooks.
	linkKey []byte

	mu      sync.RWMutex
	queue   Enqueuer
	baseURL string // for file links; empty: none
}

// New returns the service with the built-in adapters registered: portal,
// webhook, and e-mail when RenderReceipt is set.
func New(db *store.DB, opts Options) (*Service, error) {
	if opts.Keys == nil {
		return nil, errors.New("delivery: Options.Keys is required")
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = DefaultMaxAttempts
	}
	if opts.Backoff == (Backoff{}) {
		opts.Backoff = DefaultBackoff
	}
	if opts.Lease <= 0 {
		opts.Lease = DefaultLease
	}
	if opts.Describe == nil {
		opts.Describe = idNames
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.FileLinkTTL <= 0 {
		opts.FileLinkTTL = DefaultFileLinkTTL
	}
	linkKey, err := opts.Keys.MACKey(fileLinkPurpose)
	if err != nil {
		return nil, fmt.Errorf("delivery: file link key: %w", err)
	}
	s := &Service{db: db, opts: opts, adapters: Registry{}, queue: opts.Queue, linkKey: linkKey}
	s.worker = &DeliverWorker{svc: s, next: map[int64]time.Time{}}
	s.adapters.Add(Portal{})
	s.adapters.Add(NewWebhook(WebhookOptions{Files: opts.Submissions, Describe: opts.Describe, Timeout: opts.WebhookTimeout,
		InlineLimit: opts.InlineLimit, Client: opts.HTTPClient, AttachmentURL: s.fileURL, Now: opts.Now}))
	if opts.RenderReceipt != nil {
		e, err := NewEmail(EmailOptions{Mail: opts.Mail, Outbox: opts.Outbox, RenderReceipt: opts.RenderReceipt,
			Files: opts.Submissions, Describe: opts.Describe, Now: opts.Now})
		if err != nil {
			return nil, err
		}
		s.adapters.Add(e)
	}
	return s, nil
}

// SetQueue sets the job queue when it could only be built after the
// worker was registered (see AddWorkers).
func (s *Service) SetQueue(q Enqueuer) {
	s.mu.Lock()
	s.queue = q
	s.mu.Unlock()
}

func (s *Service) jobQueue() (Enqueuer, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.queue == nil {
		return nil, errors.New("delivery: no job queue (call SetQueue)")
	}
	return s.queue, nil
}

// AddAdapter registers an adapter for its kind (e.g. FIT-Connect); call it
// while wiring, before the queue starts.
func (s *Service) AddAdapter(a Adapter) { s.adapters.Add(a) }

// Kinds lists the target kinds that can be configured.
func (s *Service) Kinds() []string { return s.adapters.Kinds() }

// Worker returns the River worker of delivery jobs.
func (s *Service) Worker() *DeliverWorker { return s.worker }

// AddWorkers registers the delivery worker with River:
//
//	workers := river.NewWorkers()
//	d.AddWorkers(workers)
//	q, _ := jobs.New(db, jobs.Options{Workers: workers})
//	d.SetQueue(q)
func (s *Service) AddWorkers(w *river.Workers) { river.AddWorker(w, s.worker) }

// clock returns the current time as stored: UTC, whole microseconds.
func (s *Service) clock() time.Time { return s.opts.Now().UTC().Truncate(time.Microsecond) }

func (s *Service) record(ctx context.Context, tenantID, actor, action, object string, details map[string]string) error {
	if s.opts.Audit == nil {
		return nil
	}
	if actor == "" {
		actor = "system"
	}
	if err := s.opts.Audit.Record(ctx, tenantID, actor, action, object, details); err != nil {
		return fmt.Errorf("delivery: audit: %w", err)
	}
	return nil
}
