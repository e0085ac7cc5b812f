package store_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

// TestDeferredWrites: writes queued in a transaction reach the server in
// the order the code issued them, before any later statement and before
// the commit; one that fails fails the transaction, naming its statement,
// and nothing of the transaction stays. On SQLite they run at once.
func TestDeferredWrites(t *testing.T) {
	t.Parallel()
	const insert = `INSERT INTO operators (id, slug, name, short_name, created_at) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)`
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		slugs := func() string { return operatorSlugs(t, db) }
		err := db.InTx(ctx, func(ctx context.Context) error {
			for _, slug := range []string{"a", "b"} {
				if err := db.Defer(ctx, insert, store.NewID(), slug, "Rechenzentrum "+slug, slug); err != nil {
					return err
				}
			}
			// A read sees the queued writes.
			var n int
			if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM operators`).Scan(&n); err != nil || n != 2 {
				t.Errorf("inside the transaction: %d operators (%v), want 2", n, err)
			}
			// Queued after a statement, sent at the commit.
			return db.Defer(ctx, insert, store.NewID(), "c", "Rechenzentrum c", "c")
		})
		if err != nil || slugs() != "a b c" {
			t.Fatalf("after the commit: %q, %v; want a b c", slugs(), err)
		}

		// A duplicate slug fails: on PostgreSQL only when it is sent, at the
		// commit here; the transaction's other write is gone with it.
		var queued error
		err = db.InTx(ctx, func(ctx context.Context) error {
			if err := db.Defer(ctx, insert, store.NewID(), "d", "Rechenzentrum d", "d"); err != nil {
				return err
			}
			queued = db.Defer(ctx, insert, store.NewID(), "a", "noch einmal a", "a2")
			return queued
		})
		if err == nil || !strings.Contains(err.Error(), "operators") {
			t.Fatalf("duplicate: %v, want the statement's error", err)
		}
		if (db.Dialect() == store.Postgres) != (queued == nil) {
			t.Errorf("%s: the duplicate's Defer returned %v", db.Dialect(), queued)
		}
		if got := slugs(); got != "a b c" {
			t.Errorf("after the failed transaction: %q, want a b c", got)
		}

		// A failed queued write fails the next statement too, and InTx
		// reports the write's error, not only the statement's.
		err = db.InTx(ctx, func(ctx context.Context) error {
			if err := db.Defer(ctx, insert, store.NewID(), "b", "noch einmal b", "b2"); err != nil {
				return err
			}
			var n int
			return db.QueryRow(ctx, `SELECT COUNT(*) FROM operators`).Scan(&n)
		})
		if err == nil || !strings.Contains(err.Error(), "operators") {
			t.Fatalf("a query after a failed write: %v", err)
		}
		if errors.Is(err, sql.ErrNoRows) {
			t.Errorf("unexpected: %v", err)
		}
		// Outside a transaction a deferred write runs at once.
		if err := db.Defer(ctx, insert, store.NewID(), "c", "noch einmal c", "c2"); err == nil {
			t.Error("a duplicate outside a transaction: no error")
		}
		if got := slugs(); got != "a b c" {
			t.Errorf("at the end: %q, want a b c", got)
		}
	})
}
