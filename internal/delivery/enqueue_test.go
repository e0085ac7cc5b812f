package delivery_test

import (
	"context"
	"errors"
	"testing"

	"github.com/serviceportal/serviceportal/internal/delivery"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// TestEnqueueFollowsTheSubmitTransaction proves the outbox property: a
// submission rolled back after delivery.Enqueue ran leaves neither a
// delivery nor a job; a committed one has both.
func TestEnqueueFollowsTheSubmitTransaction(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db, delivery.Options{}, false)
		ctx := context.Background()
		f.webhook(t, f.dorsten, "", "https://fachverfahren.dorsten.de/eingang", delivery.NewSecret())
		boom := errors.New("crash after enqueue")
		fail := true
		f.subs.AddHook(func(context.Context, submission.Submission) error {
			if fail {
				return boom
			}
			return nil
		})
		in := submission.Input{TenantID: f.dorsten.ID, TenantCode: f.dorsten.Code, ServiceID: f.service.ID, FormID: "hundeanmeldung",
			FormVersion: "1", Values: map[string]any{"F01": "Erika"}, IdempotencyKey: "k1"}
		if _, err := f.subs.Submit(ctx, in); !errors.Is(err, boom) {
			t.Fatalf("submit: %v, want the hook's error", err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM deliveries`); n != 0 {
			t.Errorf("rolled-back submission left %d deliveries", n)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM river_job WHERE kind = 'delivery'`); n != 0 {
			t.Errorf("rolled-back submission left %d delivery jobs", n)
		}

		fail = false
		res, err := f.subs.Submit(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		ds, err := f.d.ForSubmission(ctx, f.dorsten.ID, res.Submission.ID)
		if err != nil || len(ds) != 1 {
			t.Fatalf("deliveries: %v, %v", ds, err)
		}
		d := ds[0]
		if d.State != delivery.StatePending || d.Kind != delivery.KindWebhook || d.TrackingNumber != res.Submission.TrackingNumber || d.TargetID == "" {
			t.Errorf("delivery: %+v", d)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM river_job WHERE kind = 'delivery'`); n != 1 {
			t.Errorf("committed submission has %d delivery jobs, want 1", n)
		}
		// A repeated submit (same idempotency key) adds nothing.
		if _, err := f.subs.Submit(ctx, in); err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM deliveries`); n != 1 {
			t.Errorf("repeat created deliveries: %d", n)
		}
	})
}

// TestPortalDeliveryIsImmediate: without configuration the application
// goes to the portal's back office, delivered at once and without a job.
func TestPortalDeliveryIsImmediate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db, delivery.Options{}, false)
		ctx := context.Background()
		sub := f.submit(t, f.dorsten, f.service)
		ds, err := f.d.ForSubmission(ctx, f.dorsten.ID, sub.ID)
		if err != nil || len(ds) != 1 {
			t.Fatalf("deliveries: %v, %v", ds, err)
		}
		d := ds[0]
		if d.Kind != delivery.KindPortal || d.State != delivery.StateDelivered || d.DeliveredAt.IsZero() || d.TargetID != "" {
			t.Errorf("portal delivery: %+v", d)
		}
		as, err := f.d.Attempts(ctx, f.dorsten.ID, d.ID)
		if err != nil || len(as) != 1 || as[0].Outcome != delivery.OutcomeDelivered {
			t.Errorf("attempts: %+v, %v", as, err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM river_job`); n != 0 {
			t.Errorf("portal delivery enqueued %d jobs", n)
		}
	})
}
