package payment_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/payment"
	"github.com/serviceportal/serviceportal/internal/seed"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

// clock is a movable clock for expiry; it ticks a millisecond per reading
// so that events keep their order, as a real clock does.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Millisecond)
	return c.t
}
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a payment service for Recklinghausen with one provider, and the
// portal's notification endpoint on a real HTTP server.
type env struct {
	t      *testing.T
	ctx    context.Context
	svc    *payment.Service
	db     *store.DB
	tenant tenant.Tenant
	portal *httptest.Server
	clock  *clock
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	ctx := context.Background()
	dir := tenant.NewDirectory(db)
	if _, err := seed.Run(ctx, dir); err != nil {
		t.Fatal(err)
	}
	rec, err := dir.BySlug(ctx, "recklinghausen")
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, ctx: ctx, svc: payment.New(db), db: db, tenant: rec, clock: &clock{t: time.Now().UTC()}}
	e.svc.SetClock(e.clock.now)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /recklinghausen/zahlung/benachrichtigung/{provider}", func(w http.ResponseWriter, r *http.Request) {
		n, err := payment.ReadNotification(r)
		if err == nil {
			_, err = e.svc.HandleNotification(r.Context(), rec.ID, r.PathValue("provider"), n)
		}
		switch {
		case err == nil:
			w.Write([]byte("OK"))
		case errors.Is(err, store.ErrNotFound):
			http.NotFound(w, r)
		case errors.Is(err, payment.ErrRejected):
			http.Error(w, "rejected", http.StatusBadRequest)
		default:
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
		}
	})
	e.portal = httptest.NewServer(mux)
	t.Cleanup(e.portal.Close)
	return e
}

func (e *env) start(draft string, cents int64) (payment.Payment, string) {
	e.t.Helper()
	p, redirect, err := e.svc.Start(e.ctx, payment.StartInput{TenantID: e.tenant.ID, TenantCode: e.tenant.Code, DraftID: draft,
		ServiceID: "bewohnerparkausweis", AmountCents: cents, Purpose: "Bewohnerparkausweis für Zone B",
		PortalBase: "/recklinghausen", Payer: payment.Payer{FirstName: "Erika", Name: "Mustermann", Street: "Kaiserwall", HouseNumber: "7", PostalCode: "45657", City: "Recklinghausen"},
		URLs: func(id string) (string, string) {
			return e.portal.URL + "/recklinghausen/zahlung/rueckkehr/" + id,
				e.portal.URL + "/recklinghausen/zahlung/benachrichtigung/" + e.providerName() + "?ref=" + id
		}})
	if err != nil {
		e.t.Fatal(err)
	}
	return p, redirect
}

func (e *env) providerName() string {
	p, _ := e.svc.ProviderFor(e.tenant.ID)
	return p.Name()
}

func (e *env) load(id string) payment.Payment {
	e.t.Helper()
	p, err := e.svc.Payment(e.ctx, e.tenant.ID, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) events(id string) []payment.Event {
	e.t.Helper()
	evs, err := e.svc.Events(e.ctx, e.tenant.ID, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return evs
}

// provider drives one protocol from the provider's side.
type provider struct {
	name string
	// setup registers the adapter and returns the driver.
	setup func(t *testing.T, e *env) driver
}

type driver interface {
	// pay and fail are the citizen's choice on the pay page.
	pay(p payment.Payment)
	fail(p payment.Payment)
	// failedStatus is what a failure or cancellation becomes.
	failedStatus() payment.Status
	// notify sends the provider's notification and returns the HTTP status.
	notify(p payment.Payment) int
	// tamper sends (or makes the status check report) the wrong amount.
	tamper(p payment.Payment) int
}

var providers = []provider{
	{"pmpayment", func(t *testing.T, e *env) driver {
		s := newPmServer(t)
		e.svc.Register("", payment.NewPmPayment(s.config()))
		return pmDriver{t, s}
	}},
	{"epaybl", func(t *testing.T, e *env) driver {
		s := newEPayBLServer(t)
		a, err := payment.NewEPayBL(s.config())
		if err != nil {
			t.Fatal(err)
		}
		e.svc.Register("", a)
		return ebDriver{t, e, s}
	}},
	{"test", func(t *testing.T, e *env) driver {
		e.svc.Register("", payment.NewTestProvider(e.db, []byte("test-provider-key")))
		return testDriver{t, e}
	}},
}

type pmDriver struct {
	t *testing.T
	s *pmServer
}

func (d pmDriver) pay(p payment.Payment)        { d.s.finish(p.ProviderRef, 1) }
func (d pmDriver) fail(p payment.Payment)       { d.s.finish(p.ProviderRef, 0) }
func (d pmDriver) failedStatus() payment.Status { return payment.StatusFailed }
func (d pmDriver) notify(p payment.Payment) int {
	u, f := d.s.notification(p.ProviderRef)
	return post(d.t, u, f)
}
func (d pmDriver) tamper(p payment.Payment) int {
	u, f := d.s.notification(p.ProviderRef)
	f.Set("amount", "1") // signed before: the hash no longer matches
	if code := post(d.t, u, f); code != http.StatusBadRequest {
		return code
	}
	f.Del("hash") // pmPayment may send no hash at all: the amount still counts
	return post(d.t, u, f)
}

type ebDriver struct {
	t *testing.T
	e *env
	s *ePayBLServer
}

func (d ebDriver) pay(p payment.Payment)        { d.s.set(p.ProviderRef, "PAYED") }
func (d ebDriver) fail(p payment.Payment)       { d.s.set(p.ProviderRef, "CANCELED") }
func (d ebDriver) failedStatus() payment.Status { return payment.StatusCanceled }
func (d ebDriver) notify(p payment.Payment) int {
	u := d.e.portal.URL + "/recklinghausen/zahlung/benachrichtigung/epaybl?ref=" + p.ID
	resp, err := http.Post(u, "application/json", strings.NewReader(`{"transactionId":"`+p.ProviderRef+`"}`))
	if err != nil {
		d.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
func (d ebDriver) tamper(p payment.Payment) int {
	d.s.report(p.ProviderRef, "0.01")
	defer d.s.report(p.ProviderRef, "30.70")
	return d.notify(p)
}

type testDriver struct {
	t *testing.T
	e *env
}

func (d testDriver) complete(p payment.Payment, pay, notify bool) {
	d.t.Helper()
	if _, err := d.e.svc.CompleteTest(d.e.ctx, d.e.tenant.ID, p.ProviderRef, pay, notify); err != nil {
		d.t.Fatal(err)
	}
}
func (d testDriver) pay(p payment.Payment)        { d.complete(p, true, false) }
func (d testDriver) fail(p payment.Payment)       { d.complete(p, false, false) }
func (d testDriver) failedStatus() payment.Status { return payment.StatusCanceled }
func (d testDriver) notify(p payment.Payment) int {
	tx, err := d.e.svc.Test().Transaction(d.e.ctx, d.e.tenant.ID, p.ProviderRef)
	if err != nil {
		d.t.Fatal(err)
	}
	if _, err := d.e.svc.CompleteTest(d.e.ctx, d.e.tenant.ID, p.ProviderRef, tx.Status == payment.StatusPayed, true); err != nil {
		return http.StatusBadRequest
	}
	return http.StatusOK
}
func (d testDriver) tamper(p payment.Payment) int {
	u := d.e.portal.URL + "/recklinghausen/zahlung/benachrichtigung/test?ref=" + p.ID
	f := url.Values{"txid": {p.ProviderRef}, "status": {"PAYED"}, "amount": {"1"}, "currency": {"EUR"}, "sig": {strings.Repeat("0", 64)}}
	return post(d.t, u, f)
}

var kassenzeichenRe = regexp.MustCompile(`^REC-20\d\d-Z\d{6}$`)

// TestProtocols runs every provider through the flows the portal relies
// on, each on fresh databases of both kinds.
func TestProtocols(t *testing.T) {
	t.Parallel()
	for _, prov := range providers {
		for _, flow := range flows {
			t.Run(prov.name+"/"+flow.name, func(t *testing.T) {
				t.Parallel()
				storetest.Each(t, func(t *testing.T, db *store.DB) {
					e := newEnv(t, db)
					flow.run(t, e, prov.setup(t, e))
				})
			})
		}
	}
}

var flows = []struct {
	name string
	run  func(t *testing.T, e *env, d driver)
}{
	{"valid payment", func(t *testing.T, e *env, d driver) {
		p, redirect := e.start("draft-valid", 3070)
		if p.Status != payment.StatusInitial || !kassenzeichenRe.MatchString(p.Kassenzeichen) || p.ProviderRef == "" {
			t.Fatalf("started %+v", p)
		}
		if !strings.Contains(redirect, "/paypage/") && !strings.HasPrefix(redirect, "/recklinghausen/testzahlung/") {
			t.Fatalf("redirect %q", redirect)
		}
		d.pay(p)
		if code := d.notify(p); code != http.StatusOK {
			t.Fatalf("notification answered %d", code)
		}
		got := e.load(p.ID)
		if got.Status != payment.StatusPayed || got.PaidAt == nil || got.Method == "" {
			t.Fatalf("after notification: %+v", got)
		}
		ps, _ := e.svc.ForDraft(e.ctx, e.tenant.ID, "draft-valid")
		if paid, ok := payment.Paid(ps); !ok || paid.ID != p.ID {
			t.Fatalf("ForDraft: %+v", ps)
		}
		// Paying again for the same draft is refused: it is paid.
		if _, _, err := e.svc.Start(e.ctx, payment.StartInput{TenantID: e.tenant.ID, TenantCode: "REC", DraftID: "draft-valid",
			AmountCents: 3070, URLs: func(string) (string, string) { return "", "" }}); !errors.Is(err, payment.ErrAlreadyPaid) {
			t.Fatalf("second start: %v", err)
		}
	}},
	{"tampered amount refused", func(t *testing.T, e *env, d driver) {
		p, _ := e.start("draft-tamper", 3070)
		d.pay(p)
		if code := d.tamper(p); code != http.StatusBadRequest {
			t.Fatalf("tampered notification answered %d", code)
		}
		if got := e.load(p.ID); got.Status != payment.StatusInitial {
			t.Fatalf("tampered notification changed the payment: %+v", got)
		}
		if evs := e.events(p.ID); evs[len(evs)-1].Kind != "rejected" {
			t.Fatalf("no rejection logged: %+v", evs)
		}
		if code := d.notify(p); code != http.StatusOK || e.load(p.ID).Status != payment.StatusPayed {
			t.Fatalf("genuine notification after the tampered one: %d", code)
		}
	}},
	{"replayed notification ignored", func(t *testing.T, e *env, d driver) {
		p, _ := e.start("draft-replay", 3070)
		d.pay(p)
		d.notify(p)
		first, events := e.load(p.ID), len(e.events(p.ID))
		e.clock.add(time.Minute)
		for range 3 {
			if code := d.notify(p); code != http.StatusOK {
				t.Fatalf("replay answered %d", code)
			}
		}
		again := e.load(p.ID)
		if again.Status != payment.StatusPayed || !again.UpdatedAt.Equal(first.UpdatedAt) || !again.PaidAt.Equal(*first.PaidAt) || len(e.events(p.ID)) != events {
			t.Fatalf("replay changed the payment: %+v → %+v", first, again)
		}
	}},
	{"lost notification recovered by status check", func(t *testing.T, e *env, d driver) {
		p, _ := e.start("draft-lost", 3070)
		got, err := e.svc.Reconcile(e.ctx, e.tenant.ID, p.ID)
		if err != nil || got.Status != payment.StatusInitial {
			t.Fatalf("before paying: %+v %v", got, err)
		}
		d.pay(p) // … and the notification never arrives
		got, err = e.svc.Reconcile(e.ctx, e.tenant.ID, p.ID)
		if err != nil || got.Status != payment.StatusPayed {
			t.Fatalf("status check: %+v %v", got, err)
		}
		if code := d.notify(p); code != http.StatusOK || len(e.events(p.ID)) != 2 {
			t.Fatalf("late notification: %d, events %+v", code, e.events(p.ID))
		}
	}},
	{"cancel", func(t *testing.T, e *env, d driver) {
		p, _ := e.start("draft-cancel", 3070)
		d.fail(p)
		d.notify(p)
		if got := e.load(p.ID); got.Status != d.failedStatus() {
			t.Fatalf("after cancelling: %+v", got)
		}
		// A new attempt gets a new payment and Kassenzeichen.
		q, _ := e.start("draft-cancel", 3070)
		if q.ID == p.ID || q.Kassenzeichen == p.Kassenzeichen || q.Status != payment.StatusInitial {
			t.Fatalf("second attempt %+v after %+v", q, p)
		}
	}},
	{"expiry", func(t *testing.T, e *env, d driver) {
		abandoned, _ := e.start("draft-abandoned", 3070)
		paidLate, _ := e.start("draft-paid-silently", 3070)
		d.pay(paidLate) // paid, notification lost: must not expire
		e.clock.add(3 * time.Hour)
		fresh, _ := e.start("draft-fresh", 3070)
		n, err := e.svc.Expire(e.ctx, 2*time.Hour)
		if err != nil || n != 1 {
			t.Fatalf("expired %d, %v", n, err)
		}
		for id, want := range map[string]payment.Status{abandoned.ID: payment.StatusExpired, paidLate.ID: payment.StatusPayed, fresh.ID: payment.StatusInitial} {
			if got := e.load(id); got.Status != want {
				t.Errorf("%s: %s, want %s", got.DraftID, got.Status, want)
			}
		}
		// The citizen pays the abandoned one after all: the money counts.
		d.pay(abandoned)
		if code := d.notify(abandoned); code != http.StatusOK || e.load(abandoned.ID).Status != payment.StatusPayed {
			t.Fatalf("late payment after expiry: %d %+v", code, e.load(abandoned.ID))
		}
	}},
	{"clicking twice reuses the open payment", func(t *testing.T, e *env, d driver) {
		p, r1 := e.start("draft-twice", 3070)
		q, r2 := e.start("draft-twice", 3070)
		if q.ID != p.ID || r1 != r2 {
			t.Fatalf("second click started %s (%s), first %s (%s)", q.ID, r2, p.ID, r1)
		}
		e.clock.add(payment.ReuseWindow + time.Minute)
		q, _ = e.start("draft-twice", 3070)
		if q.ID == p.ID || e.load(p.ID).Status != payment.StatusCanceled {
			t.Fatalf("stale open payment not replaced: %+v", e.load(p.ID))
		}
	}},
}
