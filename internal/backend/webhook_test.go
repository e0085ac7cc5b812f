package backend

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/serviceportal/serviceportal/internal/delivery"
	"github.com/serviceportal/serviceportal/internal/jobs"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

// received is one webhook as the receiver got it.
type received struct {
	header http.Header
	body   string
}

// TestWebhookAnnouncesNewApplications: a new application of the client's
// tenant and services reaches its webhook, signed with the client's key
// and without the answers; other services, other tenants and revoked
// clients are not announced, and a failing receiver is tried again.
func TestWebhookAnnouncesNewApplications(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := jobs.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		f := setup(t, db)
		got := make(chan received, 10)
		failures := 1
		receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			if r.URL.Path == "/flaky" && failures > 0 {
				failures--
				http.Error(w, "später", http.StatusServiceUnavailable)
				return
			}
			got <- received{r.Header.Clone(), string(body)}
		}))
		defer receiver.Close()

		workers := river.NewWorkers()
		f.svc.AddWorkers(workers)
		q, err := jobs.New(db, jobs.Options{Workers: workers, PollInterval: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		f.svc.SetQueue(q)
		f.subs.AddHook(f.svc.Announce)
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { q.Stop(context.Background()) })

		_, dogCred := f.client(t, []string{f.dog.Slug}, receiver.URL+"/hund")
		revoked, _ := f.client(t, nil, receiver.URL+"/widerrufen")
		if err := f.svc.RevokeClient(ctx, f.dorstenAdmin, f.dorsten.ID, revoked.ID); err != nil {
			t.Fatal(err)
		}
		f.submit(t, f.dorsten, f.bulky) // another service
		f.submit(t, f.gladbeck, f.dog)  // another tenant
		sub := f.submit(t, f.dorsten, f.dog)

		var hook received
		select {
		case hook = <-got:
		case <-time.After(20 * time.Second):
			t.Fatal("webhook not called")
		}
		if err := delivery.VerifySignature(dogCred.WebhookSecret, hook.header.Get(delivery.HeaderTimestamp), hook.body,
			hook.header.Get(delivery.HeaderSignature), time.Minute); err != nil {
			t.Fatalf("signature: %v", err)
		}
		if err := delivery.VerifySignature(dogCred.ClientSecret, hook.header.Get(delivery.HeaderTimestamp), hook.body,
			hook.header.Get(delivery.HeaderSignature), time.Minute); err == nil {
			t.Fatal("signed with the client secret instead of the webhook key")
		}
		var a Announcement
		if err := json.Unmarshal([]byte(hook.body), &a); err != nil {
			t.Fatal(err)
		}
		if a.Type != "submission.created" || a.ID != sub.ID || a.TrackingNumber != sub.TrackingNumber || a.Service.Slug != "hundeanmeldung" ||
			a.URL != "https://portal.test/api/v1/backend/submissions/"+sub.ID || a.SubmittedAt.Sub(sub.SubmittedAt).Abs() >= time.Microsecond {
			t.Fatalf("announcement %+v for %+v", a, sub)
		}
		if strings.Contains(hook.body, "Erika") || strings.Contains(hook.body, "answers") {
			t.Fatalf("announcement carries the answers: %s", hook.body)
		}
		var keys map[string]any
		json.Unmarshal([]byte(hook.body), &keys)
		if len(keys) != 6 {
			t.Fatalf("announcement has %d members, want exactly type, id, trackingNumber, service, submittedAt, url: %s", len(keys), hook.body)
		}
		select {
		case extra := <-got:
			t.Fatalf("unexpected webhook: %s", extra.body)
		case <-time.After(time.Second):
		}

		// A receiver that fails first gets the announcement on a later try,
		// with the same delivery ID.
		f.client(t, nil, receiver.URL+"/flaky")
		f.submit(t, f.dorsten, f.bulky)
		select {
		case h := <-got:
			if h.header.Get(delivery.HeaderDelivery) == "" {
				t.Fatal("no delivery ID")
			}
		case <-time.After(30 * time.Second):
			t.Fatal("failed webhook not retried")
		}
	})
}
