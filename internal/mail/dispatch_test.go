package mail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func smtpConfig(srv *testServer) Config {
	return Config{Host: srv.Host, Port: srv.Port, TLS: TLSNone, From: "noreply@dorsten.example", Timeout: 5 * time.Second}
}

func TestDispatcherRetriesUntilServerRecovers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newClock()
		o := newOutbox(t, db, c.Now)
		srv := startServer(t, serverOptions{})
		s, err := NewSMTPSender(smtpConfig(srv))
		if err != nil {
			t.Fatal(err)
		}
		d := NewDispatcher(o, s, DispatcherOptions{Logger: quiet})
		id := mustEnqueue(t, ctx, o, sample("a"))

		srv.rejectRcpt.Store(true)
		if sent, failed, err := d.DeliverPending(ctx, 10); sent != 0 || failed != 1 || err != nil {
			t.Fatalf("while rejecting: sent %d, failed %d, err %v", sent, failed, err)
		}
		m := mustGet(t, o, "a", id)
		if m.State != StateFailed || m.Attempts != 1 || !strings.Contains(m.LastError, "Relaying denied") || m.GivenUp() {
			t.Fatalf("after rejection: %+v", m)
		}
		if wait := m.NextAttemptAt.Sub(c.Now()); wait < DefaultBaseDelay || wait > DefaultBaseDelay*11/10 {
			t.Errorf("first retry after %v, want about %v", wait, DefaultBaseDelay)
		}
		// Not due yet: nothing happens.
		if sent, failed, err := d.DeliverPending(ctx, 10); sent+failed != 0 || err != nil {
			t.Fatalf("before retry time: sent %d, failed %d, err %v", sent, failed, err)
		}

		srv.rejectRcpt.Store(false)
		c.Advance(2 * DefaultBaseDelay)
		if sent, failed, err := d.DeliverPending(ctx, 10); sent != 1 || failed != 0 || err != nil {
			t.Fatalf("after recovery: sent %d, failed %d, err %v", sent, failed, err)
		}
		m = mustGet(t, o, "a", id)
		if m.State != StateSent || m.Attempts != 2 || m.LastError != "" || !m.SentAt.Equal(c.Now()) || !m.NextAttemptAt.IsZero() {
			t.Errorf("after recovery: %+v", m)
		}
		got := srv.Received()
		if len(got) != 1 {
			t.Fatalf("server got %d mails, want 1", len(got))
		}
		p := parseMail(t, got[0].Data)
		if p.Subject != sample("a").Subject || got[0].To[0] != "buerger@example.org" ||
			!strings.Contains(p.Text, "https://portal.example/status/abc") {
			t.Errorf("received %q to %v: %q", p.Subject, got[0].To, p.Text)
		}
		// Sent mails stay sent.
		c.Advance(24 * time.Hour)
		if sent, failed, _ := d.DeliverPending(ctx, 10); sent+failed != 0 {
			t.Errorf("sent mail delivered again")
		}
	})
}

// flakySender fails while err is set and records what it sent.
type flakySender struct {
	mu   sync.Mutex
	err  error
	sent []Message
}

func (f *flakySender) Send(_ context.Context, m Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	f.sent = append(f.sent, m)
	return nil
}

func TestDispatcherGivesUpAndRetryRequeues(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newClock()
		o := newOutbox(t, db, c.Now)
		f := &flakySender{err: errors.New("connection refused")}
		d := NewDispatcher(o, f, DispatcherOptions{MaxAttempts: 3, BaseDelay: time.Minute, MaxDelay: 3 * time.Minute, Logger: quiet})
		id := mustEnqueue(t, ctx, o, sample("a"))

		var waits []time.Duration
		for range 5 {
			before := c.Now()
			d.DeliverPending(ctx, 10)
			m := mustGet(t, o, "a", id)
			if !m.NextAttemptAt.IsZero() {
				waits = append(waits, m.NextAttemptAt.Sub(before))
			}
			c.Advance(time.Hour)
		}
		m := mustGet(t, o, "a", id)
		if m.Attempts != 3 || !m.GivenUp() || m.LastError != "connection refused" {
			t.Fatalf("after giving up: %+v", m)
		}
		// Exponential: about 1m, then 2m; jitter at most 10 %.
		if len(waits) != 2 || waits[0] < time.Minute || waits[0] > 66*time.Second || waits[1] < 2*time.Minute || waits[1] > 132*time.Second {
			t.Errorf("waits = %v", waits)
		}

		if err := o.Retry(ctx, "b", id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("retry by other tenant: %v", err)
		}
		if err := o.Retry(ctx, "a", id); err != nil {
			t.Fatalf("retry: %v", err)
		}
		f.mu.Lock()
		f.err = nil
		f.mu.Unlock()
		if sent, _, _ := d.DeliverPending(ctx, 10); sent != 1 {
			t.Fatalf("after retry: sent %d", sent)
		}
		if err := o.Retry(ctx, "a", id); !errors.Is(err, ErrNotRetryable) {
			t.Errorf("retry of a sent mail: %v", err)
		}
	})
}

func TestKeepMode(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newClock()
		o := newOutbox(t, db, c.Now)
		cfg, err := FromEnv(func(string) string { return "" })
		if err != nil || !cfg.Keep() {
			t.Fatalf("empty environment: %+v, %v", cfg, err)
		}
		s, err := NewSender(cfg)
		if err != nil {
			t.Fatal(err)
		}
		d := NewDispatcher(o, s, DispatcherOptions{Logger: quiet})
		m := sample("a")
		m.Kind, m.Secret = KindPasswordReset, true
		id := mustEnqueue(t, ctx, o, m)
		if sent, failed, err := d.DeliverPending(ctx, 10); sent != 1 || failed != 0 || err != nil {
			t.Fatalf("sent %d, failed %d, err %v", sent, failed, err)
		}
		got := mustGet(t, o, "a", id)
		// The demo shows kept mails, link included, to administrators.
		if got.State != StateKept || got.Text != m.Text || got.SentAt.IsZero() || got.Attempts != 1 {
			t.Errorf("kept mail: %+v", got)
		}
		c.Advance(24 * time.Hour)
		if sent, failed, _ := d.DeliverPending(ctx, 10); sent+failed != 0 {
			t.Error("kept mail handled again")
		}
	})
}

func TestSecretBodyErasedAfterSending(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := newOutbox(t, db, newClock().Now)
		f := &flakySender{}
		d := NewDispatcher(o, f, DispatcherOptions{Logger: quiet})
		secret := sample("a")
		secret.Secret = true
		sid := mustEnqueue(t, ctx, o, secret)
		pid := mustEnqueue(t, ctx, o, sample("a"))
		d.DeliverPending(ctx, 10)
		if len(f.sent) != 2 || f.sent[0].Text == "" || f.sent[1].Text == "" {
			t.Fatalf("sender got %+v", f.sent)
		}
		if m := mustGet(t, o, "a", sid); m.State != StateSent || m.Text != "" {
			t.Errorf("secret mail after sending: %+v", m)
		}
		if m := mustGet(t, o, "a", pid); m.Text == "" {
			t.Error("ordinary mail body erased")
		}
	})
}

func TestDispatcherTakesOverLapsedClaim(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newClock()
		o := newOutbox(t, db, c.Now)
		f := &flakySender{}
		d := NewDispatcher(o, f, DispatcherOptions{Lease: time.Minute, Logger: quiet})
		id := mustEnqueue(t, ctx, o, sample("a"))
		// Another instance claimed the mail and died.
		m, token, err := d.claim(ctx, id)
		if err != nil || m.State != StateSending {
			t.Fatalf("claim: %+v, %v", m, err)
		}
		if sent, _, _ := d.DeliverPending(ctx, 10); sent != 0 {
			t.Fatal("claimed mail sent by a second dispatcher")
		}
		c.Advance(2 * time.Minute)
		if sent, _, _ := d.DeliverPending(ctx, 10); sent != 1 {
			t.Fatal("lapsed claim not taken over")
		}
		// The dead instance's late outcome does not overwrite the new one.
		if err := d.fail(ctx, m, token, errors.New("late")); err != nil {
			t.Fatal(err)
		}
		if got := mustGet(t, o, "a", id); got.State != StateSent || got.Attempts != 2 {
			t.Errorf("after late outcome: %+v", got)
		}
	})
}

// TestConcurrentDispatchersSendOnce runs two dispatchers, each on its own
// database handle as two portal instances would, against one SMTP server.
func TestConcurrentDispatchersSendOnce(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect.String(), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db1, url := storetest.OpenWithURL(t, dialect)
			db2, err := store.Open(ctx, store.Options{URL: url})
			if dialect == store.SQLite {
				db2, err = store.OpenFile(ctx, db1.Path())
			}
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db2.Close() })
			o1 := newOutbox(t, db1, time.Now)
			o2 := NewOutbox(db2, nil)
			const n = 60
			for i := range n {
				m := sample("a")
				m.Subject = fmt.Sprintf("Mail %d", i)
				mustEnqueue(t, ctx, o1, m)
			}
			srv := startServer(t, serverOptions{})
			s, err := NewSMTPSender(smtpConfig(srv))
			if err != nil {
				t.Fatal(err)
			}
			ds := []*Dispatcher{
				NewDispatcher(o1, s, DispatcherOptions{Logger: quiet}),
				NewDispatcher(o2, s, DispatcherOptions{Logger: quiet}),
				NewDispatcher(o2, s, DispatcherOptions{Logger: quiet}),
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			total := 0
			for _, d := range ds {
				wg.Go(func() {
					for range 5 {
						sent, _, err := d.DeliverPending(ctx, 7)
						if err != nil {
							t.Errorf("deliver: %v", err)
						}
						mu.Lock()
						total += sent
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			// Whatever is left (the rounds above may not cover all) goes now.
			for {
				sent, _, err := ds[0].DeliverPending(ctx, 100)
				if err != nil {
					t.Fatal(err)
				}
				if sent == 0 {
					break
				}
				total += sent
			}
			seen := map[string]int{}
			for _, r := range srv.Received() {
				seen[parseMail(t, r.Data).MessageID]++
			}
			if total != n || len(seen) != n {
				t.Errorf("dispatchers counted %d, server got %d distinct mails, want %d", total, len(seen), n)
			}
			for id, k := range seen {
				if k != 1 {
					t.Errorf("%s sent %d times", id, k)
				}
			}
			ms, _, _ := o1.List(ctx, nil, 100, "")
			for _, m := range ms {
				if m.State != StateSent || m.Attempts != 1 {
					t.Errorf("mail %s: %s after %d attempts", m.ID, m.State, m.Attempts)
				}
			}
		})
	}
}

func TestRunDeliversAndStops(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	ctx, cancel := context.WithCancel(context.Background())
	o := newOutbox(t, db, nil)
	f := &flakySender{}
	d := NewDispatcher(o, f, DispatcherOptions{Logger: quiet})
	done := make(chan struct{})
	go func() {
		d.Run(ctx, time.Hour)
		close(done)
	}()
	mustEnqueue(t, ctx, o, sample("a"))
	d.Wake()
	deadline := time.Now().Add(5 * time.Second)
	for {
		f.mu.Lock()
		n := len(f.sent)
		f.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Run did not deliver after Wake")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
}
