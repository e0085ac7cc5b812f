package delivery

import (
	"context"
	"errors"
	"fmt"

	"github.com/riverqueue/river"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// riverMaxAttempts is River's own limit for a delivery job. The worker
// decides about dead letters itself (MaxAttempts, counted in the
// deliveries table) and cancels the job then; River's limit is only a
// safety net for jobs that fail before they reach the delivery, such as
// database outages.
const riverMaxAttempts = 1000

func insertOpts() *river.InsertOpts { return &river.InsertOpts{MaxAttempts: riverMaxAttempts} }

// Enqueue creates one delivery per resolved target of the submission and
// one delivery job per delivery. It has the signature of a submission hook
// and belongs inside the submit transaction; called without one it opens
// its own, so deliveries and jobs always commit together. Deliveries to
// the portal's back office are recorded as delivered at once, without a
// job.
func (s *Service) Enqueue(ctx context.Context, sub submission.Submission) error {
	targets, err := s.Targets(ctx, sub.TenantID, sub.ServiceID)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		for _, t := range targets {
			if err := s.enqueueOne(ctx, sub, t); err != nil {
				return err
			}
		}
		return nil
	})
}

// Prepare is Enqueue as a submission preparer: it reads the targets before
// the submit transaction, which then only writes the deliveries and jobs.
func (s *Service) Prepare(ctx context.Context, in submission.Input) (submission.Prepared, error) {
	targets, err := s.Targets(ctx, in.TenantID, in.ServiceID)
	if err != nil || len(targets) == 0 {
		return nil, err
	}
	return func(ctx context.Context, r submission.Result) error {
		for _, t := range targets {
			if err := s.enqueueOne(ctx, r.Submission, t); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

func (s *Service) enqueueOne(ctx context.Context, sub submission.Submission, t Target) error {
	id := store.NewID()
	now := s.clock()
	if t.Kind == KindPortal {
		// Deferred writes: inside the submit transaction on PostgreSQL
		// they go with its other writes in one round trip.
		if err := s.db.Defer(ctx, `INSERT INTO deliveries (id, tenant_id, submission_id, tracking_number, target_id, kind, state,
			attempts, created_at, delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
			id, sub.TenantID, sub.ID, sub.TrackingNumber, nullString(t.ID), t.Kind, string(StateDelivered), now, now); err != nil {
			return fmt.Errorf("delivery: enqueue: %w", err)
		}
		err := s.db.Defer(ctx, `INSERT INTO delivery_attempts (delivery_id, attempt, at, outcome, error) VALUES (?, 1, ?, ?, ?)`,
			id, now, OutcomeDelivered, "im Posteingang des Portals")
		if err != nil {
			return fmt.Errorf("delivery: enqueue: %w", err)
		}
		return nil
	}
	q, err := s.jobQueue()
	if err != nil {
		return err
	}
	if err := s.db.Defer(ctx, `INSERT INTO deliveries (id, tenant_id, submission_id, tracking_number, target_id, kind, state,
		next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, sub.TenantID, sub.ID, sub.TrackingNumber, nullString(t.ID), t.Kind, string(StatePending), now, now); err != nil {
		return fmt.Errorf("delivery: enqueue: %w", err)
	}
	return q.Enqueue(ctx, DeliverArgs{DeliveryID: id, TenantID: sub.TenantID}, insertOpts())
}

// ErrNotRetryable is returned by Retry for a delivery that is not dead.
var ErrNotRetryable = errors.New("delivery: only dead deliveries can be retried")

// Retry gives a dead delivery a fresh series of MaxAttempts attempts, for
// staff who fixed the cause (the receiver was down for days, a wrong
// address). The attempt log keeps counting, so the history stays whole.
// A delivery of another tenant is reported as missing.
func (s *Service) Retry(ctx context.Context, tenantID, deliveryID string) error {
	q, err := s.jobQueue()
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		res, err := s.db.Exec(ctx, `UPDATE deliveries SET state = ?, retry_base = attempts, next_attempt_at = ?
			WHERE id = ? AND tenant_id = ? AND state = ?`,
			string(StatePending), s.clock(), deliveryID, tenantID, string(StateDead))
		if err != nil {
			return fmt.Errorf("delivery: retry %s: %w", deliveryID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			if _, err := s.Get(ctx, tenantID, deliveryID); err != nil {
				return err
			}
			return fmt.Errorf("delivery: retry %s: %w", deliveryID, ErrNotRetryable)
		}
		return q.Enqueue(ctx, DeliverArgs{DeliveryID: deliveryID, TenantID: tenantID}, insertOpts())
	})
}
