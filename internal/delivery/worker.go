package delivery

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/serviceportal/serviceportal/internal/store"
)

// DeliverArgs is the job of one delivery attempt series.
type DeliverArgs struct {
	DeliveryID string `json:"delivery_id"`
	TenantID   string `json:"tenant_id"`
}

// Kind is the River job kind, "delivery".
func (DeliverArgs) Kind() string { return "delivery" }

// DeliverWorker works delivery jobs. Register it with Service.AddWorkers.
type DeliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	svc *Service

	mu sync.Mutex
	// next holds the retry time Work chose per job, for NextRetry; River
	// calls NextRetry right after Work returns an error.
	next map[int64]time.Time
}

// Work claims the delivery, runs its adapter and records the attempt. A
// delivery that is delivered or dead is left alone, so a job that runs
// twice sends nothing twice. A failed attempt returns its error, and River
// retries at NextRetry; the last allowed one (or a permanent failure)
// marks the delivery dead and cancels the job.
func (w *DeliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	s := w.svc
	d, token, err := s.claim(ctx, job.Args.TenantID, job.Args.DeliveryID)
	var busy errBusy
	switch {
	case errors.As(err, &busy):
		// Another worker holds the claim (or held it and died before it
		// recorded the outcome): look again when the claim lapses.
		return river.JobSnooze(max(time.Until(busy.until), 0) + time.Second)
	case errors.Is(err, errDone):
		return nil
	case err != nil:
		return err
	}
	start := time.Now()
	out, sendErr := s.attempt(ctx, d)
	took := time.Since(start)
	// The outcome is recorded even when ctx ended meanwhile (shutdown): a
	// delivery that was sent and recorded as sent is not sent again.
	recCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	next, dead, err := s.finish(recCtx, d, token, start, took, out, sendErr)
	if err != nil {
		return errors.Join(sendErr, err)
	}
	switch {
	case sendErr == nil:
		return nil
	case dead:
		return river.JobCancel(sendErr)
	}
	w.mu.Lock()
	w.next[job.ID] = next
	w.mu.Unlock()
	return sendErr
}

// NextRetry returns the time Work planned and showed staff; for errors
// that did not come from an attempt it falls back to the backoff by
// River's attempt count.
func (w *DeliverWorker) NextRetry(job *river.Job[DeliverArgs]) time.Time {
	w.mu.Lock()
	t, ok := w.next[job.ID]
	delete(w.next, job.ID)
	w.mu.Unlock()
	if !ok {
		t = time.Now().Add(w.svc.opts.Backoff.Delay(job.Attempt))
	}
	// River rejects a time in the past; a tiny test backoff may be spent
	// by the time River asks.
	return later(t, time.Now().Add(time.Millisecond))
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

var errDone = errors.New("delivery: nothing to do")

type errBusy struct{ until time.Time }

func (e errBusy) Error() string {
	return "delivery: claimed by another worker until " + e.until.String()
}

// claim reserves the delivery for this worker and counts the attempt
// before sending, so a delivery that crashes the process cannot be tried
// forever.
func (s *Service) claim(ctx context.Context, tenantID, id string) (Delivery, string, error) {
	now := s.clock()
	token := store.NewID()
	res, err := s.db.Exec(ctx, `UPDATE deliveries SET state = ?, attempts = attempts + 1, claim_token = ?, claimed_until = ?
		WHERE id = ? AND tenant_id = ? AND (state IN (?, ?) OR (state = ? AND claimed_until < ?))`,
		string(StateDelivering), token, now.Add(s.opts.Lease), id, tenantID,
		string(StatePending), string(StateFailed), string(StateDelivering), now)
	if err != nil {
		return Delivery{}, "", fmt.Errorf("delivery: claim %s: %w", id, err)
	}
	claimed, _ := res.RowsAffected()
	d, err := scanDelivery(s.db.QueryRow(ctx, `SELECT `+deliveryColumns+` WHERE id = ? AND tenant_id = ?`, id, tenantID))
	if errors.Is(err, sql.ErrNoRows) {
		return d, "", errDone // the submission was deleted
	}
	if err != nil {
		return d, "", fmt.Errorf("delivery: claimed %s: %w", id, err)
	}
	if claimed == 1 {
		return d, token, nil
	}
	if d.State != StateDelivering {
		return d, "", errDone
	}
	var until sql.NullTime
	if err := s.db.QueryRow(ctx, `SELECT claimed_until FROM deliveries WHERE id = ?`, id).Scan(&until); err != nil {
		return d, "", fmt.Errorf("delivery: claimed %s: %w", id, err)
	}
	if !until.Valid {
		until.Time = now.Add(s.opts.Lease)
	}
	return d, "", errBusy{until: until.Time}
}

// attempt runs the adapter on the claimed delivery. Errors while preparing
// (loading the submission) count as failed attempts, so they show in the
// log and end in the dead letter rather than being retried silently.
func (s *Service) attempt(ctx context.Context, d Delivery) (Outcome, error) {
	a, ok := s.adapters.Get(d.Kind)
	if !ok {
		return Outcome{}, Permanent(fmt.Errorf("keine Zustellart %q in dieser Installation", d.Kind))
	}
	if d.TargetID == "" && d.Kind != KindPortal {
		return Outcome{}, Permanent(errors.New("das Zustellziel wurde gelöscht"))
	}
	if d.TargetID != "" {
		t, err := s.openTarget(ctx, d.TenantID, d.TargetID)
		if errors.Is(err, store.ErrNotFound) {
			return Outcome{}, Permanent(errors.New("das Zustellziel wurde gelöscht"))
		}
		if err != nil {
			return Outcome{}, err
		}
		d.Target = t
	}
	if s.opts.Submissions == nil {
		return Outcome{}, Permanent(errors.New("delivery: Options.Submissions is not set"))
	}
	sub, err := s.opts.Submissions.Submission(ctx, d.TenantID, d.SubmissionID)
	if errors.Is(err, store.ErrNotFound) {
		return Outcome{}, Permanent(errors.New("der Antrag existiert nicht mehr"))
	}
	if err != nil {
		return Outcome{}, fmt.Errorf("delivery: load submission: %w", err)
	}
	if sub.Values == nil {
		return Outcome{}, Permanent(errors.New("die Antragsdaten wurden nach Ablauf der Aufbewahrungsfrist gelöscht"))
	}
	return a.Deliver(ctx, d, sub)
}

// finish records the attempt and the delivery's new state. It returns the
// planned retry time, or dead when the delivery gave up.
func (s *Service) finish(ctx context.Context, d Delivery, token string, start time.Time, took time.Duration,
	out Outcome, sendErr error) (next time.Time, dead bool, err error) {
	now := s.clock()
	outcome, note := OutcomeDelivered, out.Detail
	var state State
	var nextAt, deliveredAt any
	switch {
	case sendErr == nil:
		state, deliveredAt = StateDelivered, now
		if out.Kept {
			outcome = OutcomeKept
		}
	default:
		outcome, note = OutcomeFailed, truncate(sendErr.Error(), 1000)
		failures := d.Attempts - d.retryBase
		if errors.Is(sendErr, ErrPermanent) || failures >= s.opts.MaxAttempts {
			state, dead = StateDead, true
		} else {
			state = StateFailed
			next = now.Add(s.opts.Backoff.Delay(failures))
			nextAt = next
		}
		s.opts.Logger.Warn("delivery: attempt failed", "delivery", d.ID, "tenant", d.TenantID, "kind", d.Kind,
			"attempt", d.Attempts, "dead", dead, "err", sendErr)
	}
	lastError := ""
	if sendErr != nil {
		lastError = note
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.db.Exec(ctx, `INSERT INTO delivery_attempts (delivery_id, attempt, at, outcome, http_status, error, duration_ms)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (delivery_id, attempt) DO NOTHING`,
			d.ID, d.Attempts, start.UTC().Truncate(time.Microsecond), outcome, out.HTTPStatus, note, took.Milliseconds()); err != nil {
			return fmt.Errorf("delivery: record attempt: %w", err)
		}
		res, err := s.db.Exec(ctx, `UPDATE deliveries SET state = ?, last_error = ?, next_attempt_at = ?, delivered_at = ?,
			reference = CASE WHEN ? <> '' THEN ? ELSE reference END, claim_token = '', claimed_until = NULL
			WHERE id = ? AND claim_token = ?`,
			string(state), lastError, nextAt, deliveredAt, out.Reference, out.Reference, d.ID, token)
		if err != nil {
			return fmt.Errorf("delivery: record outcome: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			// The lease lapsed mid-send and another worker took over; its
			// outcome wins. Lease must exceed the job timeout.
			s.opts.Logger.Warn("delivery: claim lapsed before the outcome was recorded", "delivery", d.ID)
		}
		return nil
	})
	return next, dead, err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
