// Package jobs runs durable background work on River: delivery of e-mails
// and applications, retention deletes, reminders. Jobs are inserted in the
// same transaction as the data that causes them (transactional outbox), so
// a committed change always gets its job and a rolled-back one never does.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/serviceportal/serviceportal/internal/store"
)

// Queue is the portal's job queue.
type Queue struct {
	db     *store.DB
	client *river.Client[*sql.Tx]
}

// Options configure the queue.
type Options struct {
	// Workers are the job kinds this instance works; nil makes an
	// insert-only queue (e.g. for the CLI).
	Workers *river.Workers
	// Periodic jobs are scheduled by whichever instance is leader.
	Periodic []*river.PeriodicJob
	// MaxWorkers bounds concurrent jobs; 0 means 10.
	MaxWorkers int
	// PollInterval is how often idle workers look for new jobs; River
	// cannot be notified on SQLite, and our PostgreSQL pool is database/sql.
	PollInterval time.Duration
	Logger       *slog.Logger
}

func driver(db *store.DB) riverdriver.Driver[*sql.Tx] {
	if db.Dialect() == store.SQLite {
		return riversqlite.New(db.WritePool())
	}
	return riverdatabasesql.New(db.WritePool())
}

// Migrate creates or updates River's tables.
func Migrate(ctx context.Context, db *store.DB) error {
	m, err := rivermigrate.New(driver(db), nil)
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	return nil
}

// New returns a queue on db. Call Start to work jobs.
func New(db *store.DB, opts Options) (*Queue, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg := &river.Config{
		Logger:            log,
		FetchPollInterval: cmpOr(opts.PollInterval, 500*time.Millisecond),
		FetchCooldown:     50 * time.Millisecond,
		PollOnly:          true,
		PeriodicJobs:      opts.Periodic,
		JobTimeout:        2 * time.Minute,
	}
	if opts.Workers != nil {
		cfg.Workers = opts.Workers
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cmpOr(opts.MaxWorkers, 10)}}
	}
	client, err := river.NewClient(driver(db), cfg)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return &Queue{db: db, client: client}, nil
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Start begins working jobs until Stop.
func (q *Queue) Start(ctx context.Context) error { return q.client.Start(ctx) }

// Stop waits for running jobs to finish (or ctx to end).
func (q *Queue) Stop(ctx context.Context) error {
	err := q.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		return q.client.StopAndCancel(context.Background())
	}
	return err
}

// Enqueue inserts a job. Inside a store transaction (db.InTx) the job is
// part of that transaction; otherwise it is inserted on its own.
func (q *Queue) Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	if tx, ok := store.TxFromContext(ctx); ok {
		if _, err := q.client.InsertTx(ctx, tx, args, opts); err != nil {
			return fmt.Errorf("jobs: enqueue %s: %w", args.Kind(), err)
		}
		return nil
	}
	if _, err := q.client.Insert(ctx, args, opts); err != nil {
		return fmt.Errorf("jobs: enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// Client exposes River for subscriptions in tests and the bench command.
func (q *Queue) Client() *river.Client[*sql.Tx] { return q.client }
