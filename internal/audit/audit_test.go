package audit_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/audit"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

func TestChainVerifiesAndDetectsTampering(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l := audit.New(db)
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- l.Record(ctx, "t1", "account:a", "submission.created", "submission:x", map[string]string{"i": string(rune('a' + i))})
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := l.Record(ctx, "t2", "system", "other.tenant", "", nil); err != nil {
			t.Fatal(err)
		}
		n, err := l.Verify(ctx, "t1")
		if err != nil || n != 20 {
			t.Fatalf("Verify = %d, %v; want 20 events", n, err)
		}
		if evs, err := l.List(ctx, "t1", 5); err != nil || len(evs) != 5 || evs[0].Seq != 20 {
			t.Fatalf("List: %d events, %v", len(evs), err)
		}
		// A rolled-back action leaves no event.
		boom := errors.New("boom")
		db.InTx(ctx, func(ctx context.Context) error {
			l.Record(ctx, "t1", "system", "rolled.back", "", nil)
			return boom
		})
		if n, err := l.Verify(ctx, "t1"); err != nil || n != 20 {
			t.Fatalf("after rollback: %d, %v", n, err)
		}
		// Altering an event breaks the chain.
		if _, err := db.Exec(ctx, `UPDATE audit_events SET actor = 'account:evil' WHERE tenant_id = 't1' AND seq = 7`); err != nil {
			t.Fatal(err)
		}
		if _, err := l.Verify(ctx, "t1"); !errors.Is(err, audit.ErrBroken) {
			t.Fatalf("altered event: %v, want ErrBroken", err)
		}
		// Deleting the newest event is caught by the head.
		if n, err := l.Verify(ctx, "t2"); err != nil || n != 1 {
			t.Fatalf("Verify t2 = %d, %v; want 1", n, err)
		}
		if _, err := db.Exec(ctx, `DELETE FROM audit_events WHERE tenant_id = 't2'`); err != nil {
			t.Fatal(err)
		}
		if _, err := l.Verify(ctx, "t2"); !errors.Is(err, audit.ErrBroken) {
			t.Fatalf("deleted event: %v, want ErrBroken", err)
		}
	})
}

// TestSealing covers the way from recording to the chain: an event waits
// until it is sealed, concurrent sealers never fork or repeat the chain,
// and the running sealer picks events up without being asked.
func TestSealing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l := audit.New(db)
		count := func(table string) int {
			t.Helper()
			var n int
			if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM `+table+` WHERE tenant_id = 's1'`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if err := l.Record(ctx, "s1", "system", "first", "", nil); err != nil {
			t.Fatal(err)
		}
		if p, e := count("audit_pending"), count("audit_events"); p != 1 || e != 0 {
			t.Fatalf("after Record: %d pending, %d chained; want 1, 0", p, e)
		}
		// Writers and sealers at once: every event is chained exactly once.
		var wg sync.WaitGroup
		errs := make(chan error, 200)
		for i := range 120 {
			wg.Go(func() {
				errs <- l.Record(ctx, "s1", "account:a", "case.changed", "case:x", map[string]string{"n": strconv.Itoa(i)})
			})
			if i%30 == 0 {
				wg.Go(func() {
					_, err := l.Seal(ctx, "s1")
					errs <- err
				})
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n, err := l.Verify(ctx, "s1"); err != nil || n != 121 {
			t.Fatalf("Verify = %d, %v; want 121", n, err)
		}
		if p := count("audit_pending"); p != 0 {
			t.Fatalf("%d events still pending after Verify", p)
		}
		// Reading a tenant with nothing pending writes nothing.
		if evs, err := l.List(ctx, "quiet", 5); err != nil || len(evs) != 0 {
			t.Fatalf("List of a tenant without events = %v, %v", evs, err)
		}
		var heads int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_heads WHERE tenant_id = 'quiet'`).Scan(&heads); err != nil || heads != 0 {
			t.Fatalf("List created %d chain heads, %v; want none", heads, err)
		}
		// The running sealer chains a new event on its own.
		runCtx, stop := context.WithCancel(ctx)
		defer stop()
		go l.Run(runCtx, 10*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err := l.Record(ctx, "s1", "system", "later", "", nil); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for count("audit_events") != 122 {
			if time.Now().After(deadline) {
				t.Fatal("the running sealer did not chain the event")
			}
			time.Sleep(5 * time.Millisecond)
		}
		if p := count("audit_pending"); p != 0 {
			t.Fatalf("%d events pending after the sealer ran", p)
		}
	})
}

// TestSealBatches seals more events than one sealing transaction takes.
func TestSealBatches(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l := audit.New(db)
		err := db.InTx(ctx, func(ctx context.Context) error {
			for i := range 1234 {
				if err := l.Record(ctx, "b1", "system", "bulk", "", map[string]string{"i": strconv.Itoa(i)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := l.SealAll(ctx); err != nil || n != 1234 {
			t.Fatalf("SealAll = %d, %v; want 1234", n, err)
		}
		if n, err := l.Verify(ctx, "b1"); err != nil || n != 1234 {
			t.Fatalf("Verify = %d, %v; want 1234", n, err)
		}
		evs, err := l.List(ctx, "b1", 1)
		if err != nil || len(evs) != 1 || evs[0].Seq != 1234 || evs[0].Details["i"] != "1233" {
			t.Fatalf("List = %+v, %v; want the last event as number 1234", evs, err)
		}
	})
}
