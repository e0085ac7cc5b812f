package submission_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// TestPreparers: every preparer reads before the transaction (on
// PostgreSQL side by side), their writes run inside it in the order the
// preparers were added, one without writes is skipped, and a failing one
// refuses the application with nothing stored. A repeat returns the
// original and writes nothing.
func TestPreparers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		var mu sync.Mutex
		var order []string
		var failing error
		slow := func(name string, wait time.Duration) submission.Preparer {
			return func(ctx context.Context, in submission.Input) (submission.Prepared, error) {
				time.Sleep(wait) // the later preparer answers first
				if name == "b" && failing != nil {
					return nil, failing
				}
				return func(ctx context.Context, r submission.Result) error {
					mu.Lock()
					order = append(order, name+":"+r.Submission.TrackingNumber)
					mu.Unlock()
					return nil
				}, nil
			}
		}
		f.svc.AddPreparer(slow("a", 30*time.Millisecond))
		f.svc.AddPreparer(func(context.Context, submission.Input) (submission.Prepared, error) { return nil, nil })
		f.svc.AddPreparer(slow("b", 0))
		first, err := f.svc.Submit(ctx, f.input("first"))
		if err != nil {
			t.Fatal(err)
		}
		n := first.Submission.TrackingNumber
		if got := strings.Join(order, " "); got != "a:"+n+" b:"+n {
			t.Errorf("writes ran %q, want a then b with %s", got, n)
		}
		if again, err := f.svc.Submit(ctx, f.input("first")); err != nil || again.Created || len(order) != 2 {
			t.Errorf("repeat: created %v, %v, writes %v", again.Created, err, order)
		}
		failing = errors.New("Zustellziele nicht lesbar")
		if _, err := f.svc.Submit(ctx, f.input("refused")); !errors.Is(err, failing) {
			t.Fatalf("failing preparer: %v", err)
		}
		if c := count(t, db, `SELECT COUNT(*) FROM submissions WHERE idempotency_key = ?`, "refused"); c != 0 || len(order) != 2 {
			t.Errorf("refused application: %d rows, writes %v", c, order)
		}
	})
}
