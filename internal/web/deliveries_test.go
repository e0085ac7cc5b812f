package web_test

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
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

// TestWebhookFileLinks: a webhook's receiver fetches each file through the
// signed link in the payload, without an account, and gets exactly the
// file; an altered link opens nothing, and each fetch is audited.
func TestWebhookFileLinks(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	ts, uc := newPortal(t, db)
	startDeliveries(t, db, uc)
	ctx := context.Background()
	dorsten, _ := uc.Tenants.BySlug(ctx, "dorsten")
	svc, _ := uc.Catalog.BySlug(ctx, "hundeanmeldung")
	secret := delivery.NewSecret()
	payloads := make(chan delivery.WebhookPayload, 1)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p delivery.WebhookPayload
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			t.Error(err)
		}
		payloads <- p
	}))
	defer receiver.Close()
	if _, err := uc.Delivery.SetTarget(ctx, delivery.TargetInput{TenantID: dorsten.ID, ServiceID: svc.ID, Kind: delivery.KindWebhook,
		Label: "Fachverfahren Hundesteuer", URL: receiver.URL, Secret: secret, Actor: "test"}); err != nil {
		t.Fatal(err)
	}

	pdf := []byte("%PDF-1.4\nSachkundenachweis für Bello\n%%EOF\n")
	postDogWithProof(t, ts.URL, "file-links-1", pdf)
	var p delivery.WebhookPayload
	select {
	case p = <-payloads:
	case <-time.After(20 * time.Second):
		t.Fatal("webhook not called")
	}
	if len(p.Attachments) != 1 || p.Attachments[0].URL == "" {
		t.Fatalf("payload files: %+v", p.Attachments)
	}
	link, err := url.Parse(p.Attachments[0].URL)
	if err != nil || link.Host != "portal.test" || !strings.HasPrefix(link.Path, "/api/v1/deliveries/"+p.DeliveryID+"/attachments/") {
		t.Fatalf("link %s (%v)", p.Attachments[0].URL, err)
	}
	fetch := func(u *url.URL) (*http.Response, []byte) {
		resp, err := http.Get(ts.URL + u.RequestURI())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, body
	}
	resp, body := fetch(link)
	sum := sha512.Sum512(pdf)
	if resp.StatusCode != 200 || !bytes.Equal(body, pdf) ||
		resp.Header.Get("Repr-Digest") != "sha-512=:"+base64.StdEncoding.EncodeToString(sum[:])+":" {
		t.Fatalf("fetch: %d %q %s", resp.StatusCode, body, resp.Header.Get("Repr-Digest"))
	}
	gladbeck, _ := uc.Tenants.BySlug(ctx, "gladbeck")
	altered := []struct {
		name, param, value string
	}{
		{"signature", "signature", strings.Map(func(r rune) rune {
			if r == 'A' {
				return 'B'
			}
			return 'A'
		}, link.Query().Get("signature"))},
		{"another tenant", "tenant", gladbeck.ID},
		{"longer validity", "expires", "99999999999"},
		{"no signature", "signature", ""},
	}
	for _, tt := range altered {
		u := *link
		q := u.Query()
		q.Set(tt.param, tt.value)
		u.RawQuery = q.Encode()
		resp, body := fetch(&u)
		if resp.StatusCode != 403 || !strings.Contains(string(body), "Link ungültig oder abgelaufen") || bytes.Contains(body, pdf) {
			t.Errorf("%s: %d %s", tt.name, resp.StatusCode, body)
		}
	}
	var fetches int
	// Sealed into the chain, or still waiting for the sealer.
	if err := db.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM audit_events WHERE tenant_id = ? AND action = 'delivery.file_fetched')
		+ (SELECT COUNT(*) FROM audit_pending WHERE tenant_id = ? AND action = 'delivery.file_fetched')`, dorsten.ID, dorsten.ID).Scan(&fetches); err != nil {
		t.Fatal(err)
	}
	if fetches != 1 {
		t.Errorf("%d fetches audited, want 1", fetches)
	}
}
