package delivery_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/delivery"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

// TestDeadLetterThenRetry: a receiver that is down makes the delivery dead
// after MaxAttempts; once it is back, staff retry and it is delivered, with
// the whole history in the attempt log.
func TestDeadLetterThenRetry(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const maxAttempts = 4
		secret := delivery.NewSecret()
		rcv, srv := newReceiver(t, secret, 0, 7)
		rcv.setDown(true)
		f := setup(t, db, delivery.Options{MaxAttempts: maxAttempts}, true)
		f.webhook(t, f.dorsten, "", srv.URL, secret)
		ctx := context.Background()
		sub := f.submit(t, f.dorsten, f.service)
		ds, _ := f.d.ForSubmission(ctx, f.dorsten.ID, sub.ID)
		id := ds[0].ID

		if err := f.d.Retry(ctx, f.dorsten.ID, id); !errors.Is(err, delivery.ErrNotRetryable) {
			t.Errorf("retry of a pending delivery: %v, want ErrNotRetryable", err)
		}
		waitFor(t, 30*time.Second, "dead letter", func() bool { return f.states(t, f.dorsten.ID)[delivery.StateDead] == 1 })
		d, err := f.d.Get(ctx, f.dorsten.ID, id)
		if err != nil || d.Attempts != maxAttempts || d.LastError == "" || !d.NextAttemptAt.IsZero() || !d.DeliveredAt.IsZero() {
			t.Fatalf("dead delivery: %+v, %v", d, err)
		}
		dead, _, err := f.d.List(ctx, f.dorsten.ID, delivery.StateDead, 10, "")
		if err != nil || len(dead) != 1 || dead[0].ID != id {
			t.Errorf("dead-letter list: %v, %v", dead, err)
		}
		as, _ := f.d.Attempts(ctx, f.dorsten.ID, id)
		if len(as) != maxAttempts {
			t.Fatalf("attempts: %d, want %d", len(as), maxAttempts)
		}
		for i, a := range as {
			if a.Number != i+1 || a.Outcome != delivery.OutcomeFailed || a.HTTPStatus != 503 || a.Error == "" {
				t.Errorf("attempt %d: %+v", i+1, a)
			}
		}
		waitFor(t, 10*time.Second, "job cancelled", func() bool {
			return f.count(t, `SELECT COUNT(*) FROM river_job WHERE kind = 'delivery' AND state = 'cancelled'`) == 1
		})
		// Dead stays dead: no further calls while nobody retries.
		calls := rcv.stats().calls
		time.Sleep(300 * time.Millisecond)
		if got := rcv.stats().calls; got != calls {
			t.Errorf("dead delivery still tried: %d calls, then %d", calls, got)
		}

		rcv.setDown(false)
		if err := f.d.Retry(ctx, f.gladbeck.ID, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Gladbeck retried Dorsten's delivery: %v", err)
		}
		if err := f.d.Retry(ctx, f.dorsten.ID, id); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 30*time.Second, "delivered after retry", func() bool { return f.states(t, f.dorsten.ID)[delivery.StateDelivered] == 1 })
		as, _ = f.d.Attempts(ctx, f.dorsten.ID, id)
		if len(as) != maxAttempts+1 || as[maxAttempts].Outcome != delivery.OutcomeDelivered || as[maxAttempts].Number != maxAttempts+1 {
			t.Errorf("attempts after retry: %+v", as)
		}
		if st := rcv.stats(); st.distinct != 1 || st.badSig != 0 {
			t.Errorf("receiver: %+v", st)
		}
		if err := f.d.Retry(ctx, f.dorsten.ID, id); !errors.Is(err, delivery.ErrNotRetryable) {
			t.Errorf("retry of a delivered delivery: %v", err)
		}
	})
}

// TestPermanentFailureIsDeadAtOnce: a delivery whose target vanished is
// not retried for a day; it goes to the dead letters with the reason.
func TestPermanentFailureIsDeadAtOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db, delivery.Options{}, false)
		ctx := context.Background()
		tg := f.webhook(t, f.dorsten, "", "https://fachverfahren.dorsten.de/", delivery.NewSecret())
		sub := f.submit(t, f.dorsten, f.service)
		if err := f.d.DeleteTarget(ctx, f.dorsten.ID, tg.ID, "staff:a"); err != nil {
			t.Fatal(err)
		}
		ds, _ := f.d.ForSubmission(ctx, f.dorsten.ID, sub.ID)
		if err := f.work(ctx, ds[0].ID); err == nil {
			t.Fatal("work succeeded without a target")
		}
		d, _ := f.d.Get(ctx, f.dorsten.ID, ds[0].ID)
		if d.State != delivery.StateDead || d.Attempts != 1 || d.LastError == "" {
			t.Errorf("delivery: %+v", d)
		}
	})
}

// TestTenantIsolation: staff of one tenant never see or touch another
// tenant's deliveries.
func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db, delivery.Options{}, false)
		ctx := context.Background()
		for range 3 {
			f.submit(t, f.dorsten, f.service)
		}
		g := f.submit(t, f.gladbeck, f.service)
		mine, next, err := f.d.List(ctx, f.dorsten.ID, "", 2, "")
		if err != nil || len(mine) != 2 || next == "" {
			t.Fatalf("first page: %d, %q, %v", len(mine), next, err)
		}
		rest, next2, err := f.d.List(ctx, f.dorsten.ID, "", 2, next)
		if err != nil || len(rest) != 1 || next2 != "" {
			t.Fatalf("second page: %d, %q, %v", len(rest), next2, err)
		}
		for _, d := range append(mine, rest...) {
			if d.TenantID != f.dorsten.ID || d.SubmissionID == g.ID {
				t.Errorf("Dorsten's list shows %+v", d)
			}
			if _, err := f.d.Attempts(ctx, f.gladbeck.ID, d.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Gladbeck reads Dorsten's attempts: %v", err)
			}
			if _, err := f.d.Get(ctx, f.gladbeck.ID, d.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Gladbeck reads Dorsten's delivery: %v", err)
			}
		}
		theirs, _, _ := f.d.List(ctx, f.gladbeck.ID, "", 10, "")
		if len(theirs) != 1 || theirs[0].SubmissionID != g.ID {
			t.Errorf("Gladbeck's list: %+v", theirs)
		}
		if ds, _ := f.d.ForSubmission(ctx, f.gladbeck.ID, mine[0].SubmissionID); len(ds) != 0 {
			t.Errorf("Gladbeck lists deliveries of Dorsten's submission")
		}
		if _, _, err := f.d.List(ctx, f.dorsten.ID, "lost", 10, ""); !errors.Is(err, delivery.ErrBadState) {
			t.Errorf("bad state filter: %v", err)
		}
		if _, _, err := f.d.List(ctx, f.dorsten.ID, "", 10, "nonsense"); !errors.Is(err, delivery.ErrBadCursor) {
			t.Errorf("bad cursor: %v", err)
		}
	})
}
