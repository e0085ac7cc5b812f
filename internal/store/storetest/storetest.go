// Package storetest gives tests a fresh, migrated database: always SQLite,
// and PostgreSQL too when SERVICEPORTAL_TEST_DATABASE_URL is set. Each test
// gets its own SQLite file or PostgreSQL schema, so tests run in parallel.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/serviceportal/serviceportal/internal/store"
)

// EnvDatabaseURL names the variable that points the tests at PostgreSQL.
const EnvDatabaseURL = "SERVICEPORTAL_TEST_DATABASE_URL"

// Each runs fn once per available database as a parallel subtest named after
// the dialect.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, d := range Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			t.Parallel()
			fn(t, Open(t, d))
		})
	}
}

// EachStorage is Each for tests of attachment content: with PostgreSQL it
// runs fn a third time, on PostgreSQL with a files folder
// (store.Options.FilesDir), where content is kept as beside SQLite.
func EachStorage(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	Each(t, fn)
	if os.Getenv(EnvDatabaseURL) == "" {
		return
	}
	t.Run("postgres-files", func(t *testing.T) {
		t.Parallel()
		fn(t, open(t, store.Options{URL: Schema(t), FilesDir: t.TempDir()}))
	})
}

// Dialects lists the databases this test run covers.
func Dialects() []store.Dialect {
	ds := []store.Dialect{store.SQLite}
	if os.Getenv(EnvDatabaseURL) != "" {
		ds = append(ds, store.Postgres)
	}
	return ds
}

// Open returns a migrated, empty database of the given dialect, removed when
// the test ends.
func Open(t testing.TB, d store.Dialect) *store.DB {
	t.Helper()
	db, _ := OpenWithURL(t, d)
	return db
}

// OpenWithURL is Open that also returns the URL a second process would use
// to reach the same database (empty for SQLite, whose folder is db.Path's).
func OpenWithURL(t testing.TB, d store.Dialect) (*store.DB, string) {
	t.Helper()
	var opts store.Options
	switch d {
	case store.SQLite:
		opts.DataDir = t.TempDir()
	case store.Postgres:
		opts.URL = Schema(t)
	}
	return open(t, opts), opts.URL
}

func open(t testing.TB, opts store.Options) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatalf("open %+v: %v", opts, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", db.Dialect(), err)
	}
	return db
}

var (
	adminOnce sync.Once
	admin     *sql.DB
	adminErr  error
)

// Schema creates an empty PostgreSQL schema for this test, drops it when the
// test ends, and returns a database URL whose search_path points at it.
func Schema(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvDatabaseURL)
	if base == "" {
		t.Skip(EnvDatabaseURL + " is not set")
	}
	adminOnce.Do(func() {
		admin, adminErr = sql.Open("pgx", base)
		if adminErr == nil {
			adminErr = admin.Ping()
		}
	})
	if adminErr != nil {
		t.Fatalf("PostgreSQL at %s: %v", EnvDatabaseURL, adminErr)
	}
	schema := "sptest_" + strings.ToLower(store.NewID())
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvDatabaseURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return fmt.Sprint(u)
}
