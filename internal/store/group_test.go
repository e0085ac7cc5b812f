package store_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

// TestGroupCommitIsolatesMembers: many transactions at once share
// commits, yet each keeps its own outcome. A failing one, a panicking one
// and one whose goroutine exits (t.Fatal in a test) leave nothing behind
// and do not take the others with them; nothing hangs.
func TestGroupCommitIsolatesMembers(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	insert := func(ctx context.Context, slug string) error {
		_, err := db.Exec(ctx, `INSERT INTO operators (id, slug, name, short_name, created_at) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)`,
			store.NewID(), slug, "Rechenzentrum "+slug, slug)
		return err
	}
	boom := errors.New("boom")
	const n = 120
	var wg sync.WaitGroup
	errs := make([]error, n)
	panics := make([]any, n)
	for i := range n {
		wg.Go(func() {
			slug := fmt.Sprintf("op-%03d", i)
			switch i % 10 {
			case 3: // fails after writing
				errs[i] = db.InTx(ctx, func(ctx context.Context) error {
					if err := insert(ctx, slug); err != nil {
						return err
					}
					return boom
				})
			case 5: // panics after writing
				defer func() { panics[i] = recover() }()
				db.InTx(ctx, func(ctx context.Context) error {
					insert(ctx, slug)
					panic("kaputt")
				})
			case 7: // the goroutine exits after writing
				done := make(chan struct{})
				go func() {
					defer close(done)
					db.InTx(ctx, func(ctx context.Context) error {
						insert(ctx, slug)
						runtime.Goexit()
						return nil
					})
				}()
				<-done
			case 9: // a single statement outside a transaction
				errs[i] = insert(ctx, slug)
			default:
				errs[i] = db.InTx(ctx, func(ctx context.Context) error { return insert(ctx, slug) })
			}
		})
	}
	wg.Wait()
	if txs, commits := db.GroupCommits(); commits == 0 || commits >= txs {
		t.Errorf("%d transactions in %d commits: nothing was grouped", txs, commits)
	}
	for i := range n {
		var exists bool
		if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM operators WHERE slug = ?)`, fmt.Sprintf("op-%03d", i)).Scan(&exists); err != nil {
			t.Fatal(err)
		}
		switch i % 10 {
		case 3:
			if !errors.Is(errs[i], boom) || exists {
				t.Errorf("%d: err %v, stored %v", i, errs[i], exists)
			}
		case 5:
			if panics[i] != "kaputt" || exists {
				t.Errorf("%d: panic %v, stored %v", i, panics[i], exists)
			}
		case 7:
			if exists {
				t.Errorf("%d: stored after Goexit", i)
			}
		default:
			if errs[i] != nil || !exists {
				t.Errorf("%d: err %v, stored %v", i, errs[i], exists)
			}
		}
	}
}

// TestGroupCommitCancelledBeforeStart: a caller that gave up while
// queued writes nothing.
func TestGroupCommitCancelledBeforeStart(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	err := db.InTx(ctx, func(context.Context) error { ran = true; return nil })
	if !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("err %v, ran %v", err, ran)
	}
}

// TestNestedQueryOfTheSameText: a query run again inside the rows of the
// same query text, in a transaction, reads its own rows, also once the
// statement cache knows the text.
func TestNestedQueryOfTheSameText(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	for _, slug := range []string{"op0", "op1", "op2"} {
		if _, err := db.Exec(ctx, `INSERT INTO operators (id, slug, name, short_name, created_at) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)`,
			store.NewID(), slug, "Rechenzentrum "+slug, slug); err != nil {
			t.Fatal(err)
		}
	}
	const q = `SELECT slug FROM operators WHERE slug LIKE ? ORDER BY slug`
	for round := range 20 { // later rounds find the text cached
		err := db.InTx(ctx, func(ctx context.Context) error {
			rows, err := db.Query(ctx, q, "op%")
			if err != nil {
				return err
			}
			defer rows.Close()
			var got []string
			for rows.Next() {
				var s string
				if err := rows.Scan(&s); err != nil {
					return err
				}
				got = append(got, s)
				inner, err := db.Query(ctx, q, "op%")
				if err != nil {
					return err
				}
				n := 0
				for inner.Next() {
					n++
				}
				inner.Close()
				if n != 3 {
					return fmt.Errorf("inner query saw %d rows", n)
				}
				if len(got) > 3 {
					return fmt.Errorf("outer query repeats: %v", got)
				}
			}
			if len(got) != 3 {
				return fmt.Errorf("outer query saw %v", got)
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestGroupCommitLoserSeesWinner: of two transactions that insert the same
// key into one batch, the second fails on the first's row; once its InTx
// returned, that row is committed, so the loser can read the winner's
// result (as a repeated submission answers with the original receipt).
func TestGroupCommitLoserSeesWinner(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	const pairs = 60
	var wg sync.WaitGroup
	for i := range pairs * 2 {
		wg.Go(func() {
			slug := fmt.Sprintf("dup-%03d", i/2)
			err := db.InTx(ctx, func(ctx context.Context) error {
				_, err := db.Exec(ctx, `INSERT INTO operators (id, slug, name, short_name, created_at) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)`,
					store.NewID(), slug, "Rechenzentrum "+slug, slug)
				return err
			})
			var exists bool
			if qerr := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM operators WHERE slug = ?)`, slug).Scan(&exists); qerr != nil {
				t.Error(qerr)
			}
			if !exists {
				t.Errorf("%s: InTx returned %v, and no row is committed", slug, err)
			}
		})
	}
	wg.Wait()
}
