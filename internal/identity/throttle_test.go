package identity

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

func TestThrottleBackoff(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newClock()
		th := NewThrottle(db, DefaultThrottle, c.Now)
		attempt := func(email, ip string) (bool, time.Duration) {
			t.Helper()
			ok, wait, err := th.Attempt(ctx, Citizen, email, ip)
			if err != nil {
				t.Fatal(err)
			}
			return ok, wait
		}
		// Six attempts pass at once (five free failures, then the sixth).
		for i := range 6 {
			if ok, _ := attempt("erika@example.org", "192.0.2.1"); !ok {
				t.Fatalf("attempt %d refused", i+1)
			}
		}
		ok, wait := attempt("erika@example.org", "192.0.2.1")
		if ok || wait != time.Second {
			t.Fatalf("7th at once: %v, %v; want refused, 1s", ok, wait)
		}
		// A refused attempt does not extend the wait.
		ok, wait = attempt("erika@example.org", "192.0.2.1")
		if ok || wait != time.Second {
			t.Fatalf("8th at once: %v, %v", ok, wait)
		}
		c.Advance(time.Second)
		if ok, _ := attempt("ERIKA@example.org ", "192.0.2.1"); !ok {
			t.Fatal("after waiting: refused")
		}
		// The next wait doubles.
		ok, wait = attempt("erika@example.org", "192.0.2.1")
		if ok || wait != 2*time.Second {
			t.Fatalf("after 7 failures: %v, %v; want 2s", ok, wait)
		}
		// Another address from the same network is not affected yet.
		if ok, _ := attempt("max@example.org", "192.0.2.1"); !ok {
			t.Fatal("other address refused")
		}
		// Success clears the address counter.
		c.Advance(2 * time.Second)
		if ok, _ := attempt("erika@example.org", "192.0.2.1"); !ok {
			t.Fatal("refused after waiting")
		}
		if err := th.Success(ctx, Citizen, "erika@example.org", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		if ok, _ := attempt("erika@example.org", "192.0.2.9"); !ok {
			t.Fatal("refused after success")
		}
		// The wait never exceeds the maximum, and counters decay.
		for range 40 {
			attempt("someone@example.org", "")
			c.Advance(20 * time.Minute)
		}
		ok, wait = attempt("someone@example.org", "")
		if !ok && wait > DefaultThrottle.MaxDelay {
			t.Fatalf("wait %v beyond maximum", wait)
		}
		c.Advance(DefaultThrottle.Decay)
		if ok, _ := attempt("someone@example.org", ""); !ok {
			t.Fatal("counter did not decay")
		}
		if _, err := th.DeleteExpired(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

func TestThrottleNetwork(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newClock()
		th := NewThrottle(db, DefaultThrottle, c.Now)
		// 21 different addresses from one IPv6 /64 (different hosts).
		for i := range 21 {
			ip := "2001:db8:1:2::" + string(rune('a'+i%6)) + "1"
			ok, _, err := th.Attempt(ctx, Citizen, "user"+string(rune('a'+i))+"@example.org", ip)
			if err != nil || !ok {
				t.Fatalf("attempt %d: %v, %v", i, ok, err)
			}
		}
		ok, wait, _ := th.Attempt(ctx, Citizen, "fresh@example.org", "2001:db8:1:2::ffff")
		if ok || wait <= 0 {
			t.Fatalf("22nd from the network: %v, %v; want refused", ok, wait)
		}
		// Another network is fine.
		if ok, _, _ := th.Attempt(ctx, Citizen, "fresh@example.org", "2001:db8:1:3::1"); !ok {
			t.Fatal("other network refused")
		}
		// Cancel takes an attempt back.
		for range 6 {
			th.Attempt(ctx, Staff, "x@example.org", "")
		}
		th.Cancel(ctx, Staff, "x@example.org", "")
		if ok, _, _ := th.Attempt(ctx, Staff, "x@example.org", ""); !ok {
			t.Fatal("cancelled attempt still counted")
		}
	})
}

// TestThrottleBurst sends parallel guesses: check and count are one step,
// so no more than the free attempts get through.
func TestThrottleBurst(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newClock()
		th := NewThrottle(db, DefaultThrottle, c.Now)
		var allowed atomic.Int32
		var wg sync.WaitGroup
		for range 30 {
			wg.Go(func() {
				ok, _, err := th.Attempt(ctx, Citizen, "target@example.org", "")
				if err != nil {
					t.Error(err)
				}
				if ok {
					allowed.Add(1)
				}
			})
		}
		wg.Wait()
		if n := allowed.Load(); n != 6 {
			t.Fatalf("%d parallel attempts allowed, want 6", n)
		}
	})
}

// TestThrottleRefusesWithoutTheWriter keeps a login flood off the writer:
// an attempt that must wait is refused from a read, even while another
// transaction holds the writer.
func TestThrottleRefusesWithoutTheWriter(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newClock()
		th := NewThrottle(db, DefaultThrottle, c.Now)
		for i := range 6 {
			if ok, _, err := th.Attempt(ctx, Citizen, "erika@example.org", "192.0.2.7"); err != nil || !ok {
				t.Fatalf("attempt %d: %v, %v", i+1, ok, err)
			}
		}
		held, release := make(chan struct{}), make(chan struct{})
		done := make(chan error, 1)
		go func() {
			done <- db.InTx(ctx, func(ctx context.Context) error {
				if _, err := db.Exec(ctx, `INSERT INTO login_failures (bucket, failures, last_failure_at) VALUES ('n:198.51.100.1', 1, ?)`, c.Now()); err != nil {
					return err
				}
				close(held)
				select {
				case <-release:
				case <-time.After(3 * time.Second):
				}
				return nil
			})
		}()
		<-held
		start := time.Now()
		ok, wait, err := th.Attempt(ctx, Citizen, "erika@example.org", "192.0.2.7")
		took := time.Since(start)
		close(release)
		if took > 2*time.Second {
			t.Fatalf("the refusal waited %v for the writer", took)
		}
		if err != nil || ok || wait != time.Second {
			t.Fatalf("refusal while the writer is busy: %v, %v, %v; want refused after 1s without waiting", ok, wait, err)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}
