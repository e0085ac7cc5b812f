package mail

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
)

// testClock is a settable clock shared by an outbox and its test.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *testClock {
	return &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// addTenant inserts a minimal tenant (and its operator) so that outbox rows
// satisfy their foreign key.
func addTenant(t testing.TB, db *store.DB, id string) {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	if _, err := db.Exec(ctx, `INSERT INTO operators (id, slug, name, short_name, created_at)
		VALUES ('op', 'op', 'Rechenzentrum', 'RZ', ?) ON CONFLICT (id) DO NOTHING`, now); err != nil {
		t.Fatalf("operator: %v", err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO tenants (id, slug, name, short_name, kind, code, operator_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, 'kreisangehoerige_gemeinde', ?, 'op', ?, ?)`, id, id, "Stadt "+id, id, id, now, now); err != nil {
		t.Fatalf("tenant %s: %v", id, err)
	}
}

// sample is a valid receipt mail for tenant.
func sample(tenant string) Message {
	return Message{
		TenantID: tenant,
		Kind:     KindReceipt,
		To:       "buerger@example.org",
		ToName:   "Jürgen Weiß",
		FromName: "Stadt Dorsten – Bürgerbüro",
		ReplyTo:  "buergerbuero@dorsten.example",
		Subject:  "Ihr Antrag „Hundeanmeldung“ ist eingegangen – Größe: ÄÖÜ äöü ß",
		Text:     "Guten Tag,\n\nIhr Antrag ist eingegangen. Den Stand sehen Sie hier:\nhttps://portal.example/status/abc\n\nMit freundlichen Grüßen\nIhre Stadtverwaltung",
	}
}

// newOutbox returns an outbox on db with the clock (nil: real time) and
// tenants a and b.
func newOutbox(t testing.TB, db *store.DB, now func() time.Time) *Outbox {
	t.Helper()
	addTenant(t, db, "a")
	addTenant(t, db, "b")
	return NewOutbox(db, now)
}

func mustEnqueue(t testing.TB, ctx context.Context, o *Outbox, m Message) string {
	t.Helper()
	id, err := o.Enqueue(ctx, m)
	if err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	return id
}

func mustGet(t testing.TB, o *Outbox, tenant, id string) Message {
	t.Helper()
	m, err := o.Get(context.Background(), tenant, id)
	if err != nil {
		t.Fatalf("get %s: %v", id, err)
	}
	return m
}
