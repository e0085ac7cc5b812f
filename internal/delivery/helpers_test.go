package delivery_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/serviceportal/serviceportal/internal/audit"
	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/delivery"
	"github.com/serviceportal/serviceportal/internal/jobs"
	"github.com/serviceportal/serviceportal/internal/keyring"
	"github.com/serviceportal/serviceportal/internal/seed"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

// tinyBackoff keeps retry tests fast: milliseconds instead of minutes.
var tinyBackoff = delivery.Backoff{Base: 5 * time.Millisecond, Max: 40 * time.Millisecond}

type fixture struct {
	db       *store.DB
	keys     *keyring.Keyring
	subs     *submission.Service
	d        *delivery.Service
	q        *jobs.Queue
	dorsten  tenant.Tenant
	gladbeck tenant.Tenant
	service  catalog.Service
	other    catalog.Service
	seq      atomic.Int64
}

// setup builds the submission service with delivery.Enqueue as its hook
// and a River queue working delivery jobs; start says whether the queue
// works jobs (false: insert only).
func setup(t testing.TB, db *store.DB, opts delivery.Options, start bool) *fixture {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	if _, err := seed.All(ctx, db); err != nil {
		t.Fatal(err)
	}
	dir := tenant.NewDirectory(db)
	cat := catalog.New(db, dir)
	keys, err := keyring.New(db, bytes.Repeat([]byte{7}, keyring.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, keys: keys}
	f.subs = submission.New(db, keys, audit.New(db))
	opts.Keys = keys
	opts.Submissions = f.subs
	opts.Audit = audit.New(db)
	opts.Describe = delivery.CatalogNames(dir, cat)
	if opts.Backoff == (delivery.Backoff{}) {
		opts.Backoff = tinyBackoff
	}
	if f.d, err = delivery.New(db, opts); err != nil {
		t.Fatal(err)
	}
	f.subs.AddHook(f.d.Enqueue)
	jo := jobs.Options{PollInterval: 50 * time.Millisecond, MaxWorkers: 10}
	if start {
		jo.Workers = river.NewWorkers()
		f.d.AddWorkers(jo.Workers)
	}
	if f.q, err = jobs.New(db, jo); err != nil {
		t.Fatal(err)
	}
	f.d.SetQueue(f.q)
	if start {
		if err := f.q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			stopCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			f.q.Stop(stopCtx)
		})
	}
	if f.dorsten, err = dir.BySlug(ctx, "dorsten"); err != nil {
		t.Fatal(err)
	}
	if f.gladbeck, err = dir.BySlug(ctx, "gladbeck"); err != nil {
		t.Fatal(err)
	}
	if f.service, err = cat.BySlug(ctx, "hundeanmeldung"); err != nil {
		t.Fatal(err)
	}
	if f.other, err = cat.BySlug(ctx, "sperrmuell-anmelden"); err != nil {
		t.Fatal(err)
	}
	return f
}

// file is an upload for submit.
type file struct{ name, contentType, content string }

// submit files an application of svc for ten with the given files.
func (f *fixture) submit(t testing.TB, ten tenant.Tenant, svc catalog.Service, files ...file) submission.Submission {
	t.Helper()
	ctx := context.Background()
	in := submission.Input{TenantID: ten.ID, TenantCode: ten.Code, ServiceID: svc.ID, FormID: svc.Slug, FormVersion: "1",
		Values:         map[string]any{"F01": "Erika Mustermann", "F02": "Dackel „Waldi“", "F03": float64(f.seq.Add(1))},
		IdempotencyKey: fmt.Sprintf("key-%d", f.seq.Add(1)), ContactEmail: "erika@example.org"}
	if len(files) > 0 {
		d, _, err := f.subs.CreateDraft(ctx, submission.NewDraft{TenantID: ten.ID, ServiceID: svc.ID, FormID: svc.Slug, FormVersion: "1"})
		if err != nil {
			t.Fatal(err)
		}
		for _, fl := range files {
			if _, err := f.subs.PutAttachment(ctx, submission.NewAttachment{TenantID: ten.ID, DraftID: d.ID, FieldPath: "F10",
				Filename: fl.name, ContentType: fl.contentType, MaxSize: 50 << 20}, strings.NewReader(fl.content)); err != nil {
				t.Fatal(err)
			}
		}
		in.DraftID = d.ID
	}
	res, err := f.subs.Submit(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	return res.Submission
}

func (f *fixture) webhook(t testing.TB, ten tenant.Tenant, serviceID, url, secret string) delivery.Target {
	t.Helper()
	tg, err := f.d.SetTarget(context.Background(), delivery.TargetInput{TenantID: ten.ID, ServiceID: serviceID,
		Kind: delivery.KindWebhook, URL: url, Secret: secret, Label: "Fachverfahren", Actor: "staff:test"})
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// states counts the tenant's deliveries by state.
func (f *fixture) states(t testing.TB, tenantID string) map[delivery.State]int {
	t.Helper()
	out := map[delivery.State]int{}
	cursor := ""
	for {
		ds, next, err := f.d.List(context.Background(), tenantID, "", delivery.MaxPageSize, cursor)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			out[d.State]++
		}
		if next == "" {
			return out
		}
		cursor = next
	}
}

func (f *fixture) count(t testing.TB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// fakePDF stands in for the receipt renderer.
func fakePDF(_ context.Context, sub submission.Submission) ([]byte, error) {
	return []byte("%PDF-1.4\n% Antragsbestätigung " + sub.TrackingNumber + "\n%%EOF\n"), nil
}

func decodePayload(t testing.TB, body []byte) delivery.WebhookPayload {
	t.Helper()
	var p delivery.WebhookPayload
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// work runs one delivery job in the test's goroutine, without River.
func (f *fixture) work(ctx context.Context, deliveryID string) error {
	job := &river.Job[delivery.DeliverArgs]{JobRow: &rivertype.JobRow{ID: 1, Attempt: 1},
		Args: delivery.DeliverArgs{DeliveryID: deliveryID, TenantID: f.dorsten.ID}}
	return f.d.Worker().Work(ctx, job)
}
