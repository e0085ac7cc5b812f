package submission_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// TestSinceFollowsCommitOrder: an application that commits after a
// later-submitted one is still listed to a back-end system that already
// paged past the later one (its time is taken before its transaction, so
// this happens under load); on PostgreSQL nothing above a transaction
// still running is listed until it ends.
func TestSinceFollowsCommitOrder(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		base := time.Now().UTC().Truncate(time.Second)
		submitAt := func(at time.Time, key string, tenant func(*submission.Input)) string {
			f.svc.SetClock(func() time.Time { return at })
			in := f.input(key)
			if tenant != nil {
				tenant(&in)
			}
			res, err := f.svc.Submit(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			return res.Submission.ID
		}
		names := map[string]string{}
		list := func(tenantID string, pos submission.After, limit int) (string, submission.After) {
			t.Helper()
			page, next, err := f.svc.Since(ctx, tenantID, nil, pos, limit)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range page {
				got = append(got, names[s.ID])
			}
			return strings.Join(got, ","), next
		}
		// On PostgreSQL the list stops below the oldest transaction still
		// running, which may be another test's for a moment.
		listFor := func(want, tenantID string, pos submission.After) submission.After {
			t.Helper()
			deadline := time.Now().Add(10 * time.Second)
			for {
				got, next := list(tenantID, pos, 10)
				if got == want {
					return next
				}
				if got != "" || time.Now().After(deadline) {
					t.Fatalf("listed %q, want %q", got, want)
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
		names[submitAt(base.Add(time.Hour), "b", nil)] = "b"
		pos := listFor("b", f.dorsten.ID, submission.After{})
		// Submitted earlier, committed later: still listed after b.
		names[submitAt(base, "a", nil)] = "a"
		pos = listFor("a", f.dorsten.ID, pos)
		var got string
		if got, pos = list(f.dorsten.ID, pos, 10); got != "" {
			t.Fatalf("nothing new: %q", got)
		}
		names[submitAt(base.Add(time.Minute), "c", nil)] = "c"
		listFor("c", f.dorsten.ID, pos)
		var paged []string
		pos = submission.After{}
		for deadline := time.Now().Add(10 * time.Second); len(paged) < 3 && time.Now().Before(deadline); {
			page, next := list(f.dorsten.ID, pos, 1)
			if page == "" {
				time.Sleep(10 * time.Millisecond)
				continue
			}
			paged, pos = append(paged, page), next
		}
		if strings.Join(paged, ",") != "b,a,c" {
			t.Fatalf("paged one by one: %v, want commit order b,a,c", paged)
		}
		if db.Dialect() != store.Postgres {
			return // SQLite's one writer cannot hold a transaction open beside another commit
		}
		_, pos = list(f.gladbeck.ID, submission.After{}, 10)
		release, done := make(chan struct{}), make(chan error, 1)
		started := make(chan string, 1)
		go func() {
			done <- db.InTx(ctx, func(ctx context.Context) error {
				// Dorsten's, so that it does not hold the counter of
				// Gladbeck's tracking numbers while open.
				res, err := f.svc.Submit(ctx, f.input("d"))
				if err != nil {
					return err
				}
				started <- res.Submission.ID
				<-release
				return nil
			})
		}()
		names[<-started] = "d"
		names[submitAt(base.Add(3*time.Hour), "e", func(in *submission.Input) { in.TenantID, in.TenantCode = f.gladbeck.ID, f.gladbeck.Code })] = "e"
		got, pos = list(f.gladbeck.ID, pos, 10)
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if got != "" {
			t.Fatalf("listed %q while an older transaction was still open", got)
		}
		listFor("e", f.gladbeck.ID, pos)
	})
}
