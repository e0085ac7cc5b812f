package app

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/serviceportal/serviceportal/internal/casework"
	"github.com/serviceportal/serviceportal/internal/seed"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/web"
)

// TestMaintenance runs the housekeeping job once: an expired draft is
// deleted, and a citizen whose document request is due gets a reminder in
// the postbox (announced by e-mail).
func TestMaintenance(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := seed.All(ctx, db); err != nil {
			t.Fatal(err)
		}
		uc, err := web.NewUseCases(ctx, db, bytes.Repeat([]byte{4}, 32))
		if err != nil {
			t.Fatal(err)
		}
		uc.BaseURL = "http://portal.test"
		demo, _ := uc.Identity.SeedDemo(ctx)
		dorsten, _ := uc.Tenants.BySlug(ctx, "dorsten")
		svc, _ := uc.Catalog.BySlug(ctx, "hundeanmeldung")
		d, _, _ := uc.Submissions.CreateDraft(ctx, submission.NewDraft{TenantID: dorsten.ID, ServiceID: svc.ID, FormID: "hundeanmeldung", FormVersion: "1"})
		db.Exec(ctx, `UPDATE drafts SET expires_at = ? WHERE id = ?`, time.Now().Add(-time.Hour), d.ID)
		res, err := uc.Submissions.Submit(ctx, submission.Input{TenantID: dorsten.ID, TenantCode: "DOR", ServiceID: svc.ID, FormID: "hundeanmeldung",
			FormVersion: "1", Values: map[string]any{}, IdempotencyKey: "k", ContactEmail: "erika@example.org"})
		if err != nil {
			t.Fatal(err)
		}
		cs, _ := uc.Cases.BySubmission(ctx, dorsten.ID, res.Submission.ID)
		var sabine string
		for _, a := range demo {
			if a.Email == "dorsten-sachbearbeitung@demo.example" {
				acc, _ := uc.Identity.AccountByEmail(ctx, a.Kind, a.Email)
				sabine = acc.ID
			}
		}
		if _, err := uc.Cases.Apply(ctx, sabine, dorsten.ID, cs.ID, "request_documents",
			casework.Input{Note: "Impfpass fehlt", Deadline: time.Now().Add(24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		w := &maintenanceWorker{uc: uc, log: slog.New(slog.DiscardHandler)}
		if err := w.Work(ctx, &river.Job[maintenanceArgs]{}); err != nil {
			t.Fatal(err)
		}
		if _, err := uc.Submissions.Draft(ctx, dorsten.ID, d.ID); err == nil {
			t.Error("expired draft survived")
		}
		msgs, _ := uc.Mailbox.List(ctx, dorsten.ID, res.Submission.ID)
		if len(msgs) != 2 || msgs[1].Subject != "Erinnerung: Unterlagen nachreichen" {
			t.Fatalf("postbox: %+v", msgs)
		}
		// Running again does not remind twice.
		w.Work(ctx, &river.Job[maintenanceArgs]{})
		if msgs, _ := uc.Mailbox.List(ctx, dorsten.ID, res.Submission.ID); len(msgs) != 2 {
			t.Fatalf("reminded twice: %d messages", len(msgs))
		}
		// Retention: answers of a case closed long enough ago are deleted;
		// the tracking number and the timeline stay.
		db.Exec(ctx, `UPDATE cases SET closed_at = ? WHERE id = ?`, time.Now().AddDate(0, 0, -40), cs.ID)
		w.retention = 30 * 24 * time.Hour
		if err := w.Work(ctx, &river.Job[maintenanceArgs]{}); err != nil {
			t.Fatal(err)
		}
		after, err := uc.Submissions.Submission(ctx, dorsten.ID, res.Submission.ID)
		if err != nil || after.Values != nil || after.TrackingNumber != res.Submission.TrackingNumber {
			t.Fatalf("after retention: %+v, %v", after, err)
		}
		if evs, _ := uc.Submissions.Events(ctx, dorsten.ID, res.Submission.ID); len(evs) == 0 {
			t.Fatal("timeline deleted with the payload")
		}
	})
}
