package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/serviceportal/serviceportal/internal/delivery"
	"github.com/serviceportal/serviceportal/internal/jobs"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/web"
)

// TestWebhookTargetThroughThePages: the Dorsten admin sets up a webhook in
// the back office, an application arrives, the receiver gets it signed,
// and the delivery page shows it delivered.
func TestWebhookTargetThroughThePages(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	ts, uc := newPortal(t, db)
	uc.Identity.SeedDemo(context.Background())
	startDeliveries(t, db, uc)

	var mu sync.Mutex
	var secret string
	got := make(chan error, 1)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		s := secret
		mu.Unlock()
		got <- delivery.VerifySignature(s, r.Header.Get(delivery.HeaderTimestamp), string(body), r.Header.Get(delivery.HeaderSignature), time.Minute)
	}))
	defer receiver.Close()

	doris := newBrowser(t, ts)
	staffLogin(t, doris, "dorsten-admin@demo.example")
	doris.get("/dorsten/verwaltung/zustellungen").expect(200, "Zustellwege", "Noch keine eigenen Zustellwege")
	doris.post("/dorsten/verwaltung/zustellwege", url.Values{"art": {"webhook"}, "bezeichnung": {"Fachverfahren Hundesteuer"},
		"adresse": {"ftp://nirgendwo"}}).expect(422)
	doris.post("/dorsten/verwaltung/zustellwege", url.Values{"art": {"webhook"}, "bezeichnung": {"Fachverfahren Hundesteuer"},
		"adresse": {receiver.URL + "/eingang"}, "leistung": {"hundeanmeldung"}}).expect(200, "Zustellweg angelegt", "HMAC-SHA512")
	m := regexp.MustCompile(`<code class="sp-link">([^<]+)</code>`).FindStringSubmatch(doris.body)
	if m == nil {
		t.Fatal("secret not shown")
	}
	mu.Lock()
	secret = m[1]
	mu.Unlock()

	submitDog(t, uc, "webhook-1")
	select {
	case err := <-got:
		if err != nil {
			t.Fatalf("signature: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("webhook not called")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		doris.get("/dorsten/verwaltung/zustellungen?status=delivered")
		if regexp.MustCompile(`DOR-\d{4}-\d{6} → Fachverfahren Hundesteuer`).MatchString(doris.body) || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	doris.expect(200, "Fachverfahren Hundesteuer", "Zugestellt")
	// Gladbeck's caseworker sees none of Dorsten's deliveries.
	gustav := newBrowser(t, ts)
	staffLogin(t, gustav, "gladbeck-sachbearbeitung@demo.example")
	if gustav.get("/dorsten/verwaltung/zustellungen"); gustav.code != 403 {
		t.Fatalf("Gladbeck sees Dorsten's deliveries: %d", gustav.code)
	}
}

// startDeliveries runs the delivery jobs of the portal as the binary does:
// a River queue on the test database, every submission enqueued for
// delivery and announced to the back-end systems' webhooks.
func startDeliveries(t *testing.T, db *store.DB, uc *web.UseCases) {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	workers := river.NewWorkers()
	uc.Delivery.AddWorkers(workers)
	uc.Backend.AddWorkers(workers)
	q, err := jobs.New(db, jobs.Options{Workers: workers, PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	uc.Delivery.SetQueue(q)
	uc.Submissions.AddHook(uc.Delivery.Enqueue)
	uc.Backend.SetQueue(q)
	uc.Submissions.AddHook(uc.Backend.Announce)
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Stop(context.Background()) })
}
