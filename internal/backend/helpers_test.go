package backend

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/audit"
	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/keyring"
	"github.com/serviceportal/serviceportal/internal/seed"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

// fixture is the demo region with the back-end service on a test clock.
type fixture struct {
	db                *store.DB
	svc               *Service
	subs              *submission.Service
	audit             *audit.Log
	dorsten, gladbeck tenant.Tenant
	dog, bulky        catalog.Service
	dorstenAdmin      identity.Principal
	gladbeckAdmin     identity.Principal
	clock             *testClock
	seq               atomic.Int64
}

// testClock moves only when told, so token expiry is tested without
// waiting an hour.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func setup(t testing.TB, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	if _, err := seed.All(ctx, db); err != nil {
		t.Fatal(err)
	}
	dir := tenant.NewDirectory(db)
	cat := catalog.New(db, dir)
	keys, err := keyring.New(db, bytes.Repeat([]byte{5}, keyring.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, audit: audit.New(db), clock: &testClock{now: time.Now()}}
	f.subs = submission.New(db, keys, f.audit)
	if f.svc, err = New(db, Options{Keys: keys, Submissions: f.subs, Catalog: cat, Audit: f.audit,
		Authorizer: identity.NewAuthorizer(db), Now: f.clock.Now, BaseURL: "https://portal.test"}); err != nil {
		t.Fatal(err)
	}
	for slug, dst := range map[string]*tenant.Tenant{"dorsten": &f.dorsten, "gladbeck": &f.gladbeck} {
		if *dst, err = dir.BySlug(ctx, slug); err != nil {
			t.Fatal(err)
		}
	}
	for slug, dst := range map[string]*catalog.Service{"hundeanmeldung": &f.dog, "sperrmuell-anmelden": &f.bulky} {
		if *dst, err = cat.BySlug(ctx, slug); err != nil {
			t.Fatal(err)
		}
	}
	f.dorstenAdmin = admin("dorsten-admin", f.dorsten.ID)
	f.gladbeckAdmin = admin("gladbeck-admin", f.gladbeck.ID)
	return f
}

func admin(id, tenantID string) identity.Principal {
	return identity.Principal{AccountID: id, Kind: identity.Staff, MFAPassed: true,
		Grants: []identity.RoleGrant{{Role: identity.TenantAdmin, TenantID: tenantID}}}
}

// submit files an application of the tenant for the service.
func (f *fixture) submit(t testing.TB, ten tenant.Tenant, svc catalog.Service) submission.Submission {
	t.Helper()
	res, err := f.subs.Submit(context.Background(), submission.Input{TenantID: ten.ID, TenantCode: ten.Code, ServiceID: svc.ID,
		FormID: svc.Slug, FormVersion: "1", Values: map[string]any{"name": "Erika Mustermann"},
		IdempotencyKey: fmt.Sprint("k-", f.seq.Add(1))})
	if err != nil {
		t.Fatal(err)
	}
	return res.Submission
}

// client registers a client of Dorsten for the services (nil: all).
func (f *fixture) client(t testing.TB, services []string, webhook string) (Client, Credentials) {
	t.Helper()
	in := ClientInput{TenantID: f.dorsten.ID, Name: "Fachverfahren", AllServices: services == nil, Services: services, WebhookURL: webhook}
	c, cred, err := f.svc.CreateClient(context.Background(), f.dorstenAdmin, in)
	if err != nil {
		t.Fatal(err)
	}
	return c, cred
}
