package audit_test

import (
	"context"
	"errors"
	"sync"
	"testing"

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
		if _, err := db.Exec(ctx, `DELETE FROM audit_events WHERE tenant_id = 't2'`); err != nil {
			t.Fatal(err)
		}
		if _, err := l.Verify(ctx, "t2"); !errors.Is(err, audit.ErrBroken) {
			t.Fatalf("deleted event: %v, want ErrBroken", err)
		}
	})
}
