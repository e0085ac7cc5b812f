package inbound

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/serviceportal/serviceportal/internal/fitconnect"
	"github.com/serviceportal/serviceportal/internal/store"
)

// Enqueuer inserts jobs (*jobs.Queue has it).
type Enqueuer interface {
	Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error
}

// SetQueue makes callbacks queue a sync instead of running it in the
// request; the Zustelldienst expects a quick answer.
func (s *Service) SetQueue(q Enqueuer) { s.queue = q }

// SyncArgs is the job that takes a destination's submissions.
type SyncArgs struct {
	TenantID   string `json:"tenant_id"`
	ReceiverID string `json:"receiver_id"`
}

// Kind names the job.
func (SyncArgs) Kind() string { return "fitconnect_receive" }

// Callback checks a callback for the destination receiverID (its
// timestamp and HMAC with the destination's callback secret) and then
// takes the destination's submissions: queued when there is a queue,
// else at once. It does not trust the callback's list: the Zustelldienst
// is asked what is pending. A callback that fails verification gives an
// error wrapping fitconnect.ErrCallback; an unknown id, store.ErrNotFound.
func (s *Service) Callback(ctx context.Context, receiverID, timestamp, auth string, body []byte) error {
	r, err := scanReceiver(s.db.QueryRow(ctx, `SELECT `+receiverColumns+` FROM fitconnect_receivers WHERE id = ?`, receiverID))
	if isNoRows(err) {
		return store.ErrNotFound
	}
	if err != nil {
		return err
	}
	sec, err := s.secretsOf(ctx, r)
	if err != nil {
		return err
	}
	if _, err := fitconnect.VerifyCallback([]byte(sec.CallbackSecret), timestamp, auth, body, s.now()); err != nil {
		return err
	}
	if s.queue != nil {
		return s.queue.Enqueue(ctx, SyncArgs{TenantID: r.TenantID, ReceiverID: r.ID},
			&river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: 10 * time.Second}})
	}
	_, err = s.sync(ctx, r)
	return err
}

// syncWorker runs SyncArgs jobs.
type syncWorker struct {
	river.WorkerDefaults[SyncArgs]
	s *Service
}

// Work takes the destination's submissions; a failed run is retried by
// the queue, and the periodic poll would catch up anyway.
func (w *syncWorker) Work(ctx context.Context, job *river.Job[SyncArgs]) error {
	rep, err := w.s.Sync(ctx, job.Args.TenantID, job.Args.ReceiverID)
	if err != nil {
		return fmt.Errorf("inbound: sync %+v: %w", rep, err)
	}
	return nil
}

// AddWorkers registers the job's worker.
func (s *Service) AddWorkers(w *river.Workers) { river.AddWorker(w, &syncWorker{s: s}) }
