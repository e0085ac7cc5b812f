package store_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		n, err := db.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("second Migrate applied %d migrations, want 0", n)
		}
		v, err := db.SchemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v != store.LatestVersion() || v == 0 {
			t.Fatalf("schema version %d, want %d", v, store.LatestVersion())
		}
	})
}

func TestInTxCommitsAndRollsBack(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		insert := func(ctx context.Context, slug string) error {
			_, err := db.Exec(ctx, `INSERT INTO operators (id, slug, name, short_name, created_at) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)`,
				store.NewID(), slug, "Rechenzentrum "+slug, slug)
			return err
		}
		boom := errors.New("boom")
		err := db.InTx(ctx, func(ctx context.Context) error {
			if err := insert(ctx, "kept-out"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx returned %v, want boom", err)
		}
		err = db.InTx(ctx, func(ctx context.Context) error {
			if err := insert(ctx, "outer"); err != nil {
				return err
			}
			// A nested InTx joins the outer transaction.
			return db.InTx(ctx, func(ctx context.Context) error { return insert(ctx, "inner") })
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := operatorSlugs(t, db); got != "inner outer" {
			t.Fatalf("operators = %q, want inner outer", got)
		}
	})
}

// operatorSlugs lists the operators' slugs, sorted, separated by spaces.
func operatorSlugs(t *testing.T, db *store.DB) string {
	t.Helper()
	rows, err := db.Query(context.Background(), "SELECT slug FROM operators ORDER BY slug")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(got, " ")
}

func TestSQLiteIsDurable(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	for pragma, want := range map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1"} {
		var got string
		if err := db.QueryRow(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
		}
	}
	// Readers are read-only: a write outside a transaction must go through Exec.
	if _, err := db.Query(ctx, "DELETE FROM operators"); err == nil {
		t.Error("reader connection accepted a write")
	}
}

func TestBackupMakesConsistentCopy(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	if _, err := db.Exec(ctx, `INSERT INTO operators (id, slug, name, short_name, created_at) VALUES (?, 'krzn', 'KRZN', 'KRZN', CURRENT_TIMESTAMP)`, store.NewID()); err != nil {
		t.Fatal(err)
	}
	// Attachment files beside the database go along; temporary ones
	// (uploads in progress) do not.
	files := map[string]string{"t1/a1": "erste Datei", "t1/a2": "zweite", "t2/b1": "dritte", "t2/.tmp-b2-1": "halb"}
	for name, content := range files {
		p := filepath.Join(db.FilesDir(), name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	dest := filepath.Join(t.TempDir(), "sicherung")
	n, err := db.Backup(ctx, dest)
	if err != nil || n != 3 {
		t.Fatalf("backup copied %d files (err %v), want 3", n, err)
	}
	if _, err := db.Backup(ctx, dest); err == nil {
		t.Error("backup overwrote an existing folder")
	}
	for name, content := range files {
		got, err := os.ReadFile(filepath.Join(dest, store.FilesFolder, name))
		switch {
		case strings.Contains(name, ".tmp-"):
			if err == nil {
				t.Errorf("backup holds the temporary file %s", name)
			}
		case err != nil || string(got) != content:
			t.Errorf("backup of %s: %q, %v", name, got, err)
		}
	}
	c, err := store.OpenFile(ctx, filepath.Join(dest, store.SQLiteFile))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.FilesDir() != filepath.Join(dest, store.FilesFolder) {
		t.Errorf("the copy looks for its files in %s", c.FilesDir())
	}
	if err := c.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	var count int
	if err := c.QueryRow(ctx, "SELECT COUNT(*) FROM operators WHERE slug = 'krzn'").Scan(&count); err != nil || count != 1 {
		t.Fatalf("copy has %d operators (err %v), want 1", count, err)
	}
}

// TestBackupKeepsHoles: a pack whose deleted content was punched out keeps
// its holes in the backup, and its content.
func TestBackupKeepsHoles(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	pack := filepath.Join(db.FilesDir(), "t1", "packs", "p1")
	if err := os.MkdirAll(filepath.Dir(pack), 0o700); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(pack)
	if err != nil {
		t.Fatal(err)
	}
	// Content at the start and at 1 MiB, holes between and after: 4 MiB.
	head, mid := bytes.Repeat([]byte("Antrag "), 1000), bytes.Repeat([]byte("Bescheid "), 1000)
	_, err = f.WriteAt(head, 0)
	if err == nil {
		_, err = f.WriteAt(mid, 1<<20)
	}
	if err == nil {
		err = f.Truncate(4 << 20)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "sicherung")
	if n, err := db.Backup(context.Background(), dest); err != nil || n != 1 {
		t.Fatalf("backup copied %d files (err %v), want 1", n, err)
	}
	want, err := os.ReadFile(pack)
	if err != nil {
		t.Fatal(err)
	}
	copied := filepath.Join(dest, store.FilesFolder, "t1", "packs", "p1")
	got, err := os.ReadFile(copied)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("copy of the pack: %d bytes (want %d), same content %v, %v", len(got), len(want), bytes.Equal(got, want), err)
	}
	if runtime.GOOS != "linux" {
		return
	}
	info, err := os.Stat(copied)
	if err != nil {
		t.Fatal(err)
	}
	if st, ok := info.Sys().(*syscall.Stat_t); ok && st.Blocks*512 >= 1<<20 {
		t.Errorf("the copy takes %d bytes on disk for 15 KB of content: holes filled", st.Blocks*512)
	}
}

func TestBackupWithoutFiles(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	dest := filepath.Join(t.TempDir(), "sicherung")
	if n, err := db.Backup(context.Background(), dest); err != nil || n != 0 {
		t.Fatalf("backup of a database without files: %d, %v", n, err)
	}
	if _, err := os.Stat(filepath.Join(dest, store.SQLiteFile)); err != nil {
		t.Fatal(err)
	}
}

func TestRebind(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"SELECT 1":                          "SELECT 1",
		"SELECT a FROM t WHERE b = ?":       "SELECT a FROM t WHERE b = $1",
		"UPDATE t SET a = ?, b = ? WHERE c": "UPDATE t SET a = $1, b = $2 WHERE c",
		"SELECT '?' FROM t WHERE a = ?":     "SELECT '?' FROM t WHERE a = $1",
	}
	for in, want := range tests {
		if got := store.RebindDollar(in); got != want {
			t.Errorf("rebind(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNewIDIsRandomAndLong(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	prev := ""
	for range 1000 {
		id := store.NewID()
		if len(id) != 36 || seen[id] || strings.Trim(id, "0123456789abcdefghijklmnopqrstuv") != "" {
			t.Fatalf("bad or repeated id %q", id)
		}
		// The time prefix orders IDs of different milliseconds.
		if prev != "" && id[:9] < prev[:9] {
			t.Fatalf("id %q sorts before the earlier %q", id, prev)
		}
		seen[id], prev = true, id
	}
	// The 128 random bits differ even within one millisecond.
	a, b := store.NewID(), store.NewID()
	if a[10:] == b[10:] {
		t.Fatalf("two ids share their random part: %q %q", a, b)
	}
}

// TestOptimize gives SQLite statistics for the tables that have rows and
// is a no-op on PostgreSQL.
func TestOptimize(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.Optimize(ctx); err != nil {
			t.Fatal(err)
		}
		if db.Dialect() != store.SQLite {
			return
		}
		var n int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM sqlite_stat1").Scan(&n); err != nil || n == 0 {
			t.Fatalf("sqlite_stat1 has %d rows (%v)", n, err)
		}
	})
}

func TestFilesDir(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if db.Dialect() == store.SQLite {
			if want := filepath.Join(filepath.Dir(db.Path()), store.FilesFolder); db.FilesDir() != want {
				t.Errorf("FilesDir %q, want %q", db.FilesDir(), want)
			}
			return
		}
		if db.FilesDir() != "" {
			t.Errorf("PostgreSQL has a files folder %q without one configured", db.FilesDir())
		}
		if _, err := db.Backup(context.Background(), t.TempDir()+"/x"); !errors.Is(err, store.ErrBackupUnsupported) {
			t.Errorf("backup on PostgreSQL: %v", err)
		}
	})
}

// TestFilesDirOptions: a files folder is PostgreSQL's choice, is checked
// at start, and is kept as an absolute path (the process may change its
// working folder; every instance names the same folder). Not parallel:
// it changes the working folder.
func TestFilesDirOptions(t *testing.T) {
	ctx := context.Background()
	if _, err := store.Open(ctx, store.Options{DataDir: t.TempDir(), FilesDir: t.TempDir()}); err == nil {
		t.Error("SQLite took a files folder of its own")
	}
	if os.Getenv(storetest.EnvDatabaseURL) == "" {
		return
	}
	url := storetest.Schema(t)
	blocked := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocked, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if db, err := store.Open(ctx, store.Options{URL: url, FilesDir: filepath.Join(blocked, "anhaenge")}); !errors.Is(err, store.ErrFilesDir) {
		if db != nil {
			db.Close()
		}
		t.Errorf("a files folder below a file: %v, want ErrFilesDir", err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	db, err := store.Open(ctx, store.Options{URL: url, FilesDir: "anhaenge"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if want := filepath.Join(dir, "anhaenge"); db.FilesDir() != want {
		t.Errorf("FilesDir %q, want %q", db.FilesDir(), want)
	}
}

// TestStrings: one text column in the query's order; no rows give an
// empty list, not nil, so that JSON shows [] rather than null.
func TestStrings(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, slug := range []string{"b", "a", "c"} {
			if _, err := db.Exec(ctx, `INSERT INTO operators (id, slug, name, short_name, created_at) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)`,
				store.NewID(), slug, "Rechenzentrum "+slug, slug); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			query string
			want  []string
		}{
			{`SELECT slug FROM operators WHERE slug IN ('a', 'b', 'c') ORDER BY slug DESC`, []string{"c", "b", "a"}},
			{`SELECT slug FROM operators WHERE slug = 'gibt-es-nicht'`, []string{}},
		}
		for _, tt := range tests {
			got, err := db.Strings(ctx, tt.query)
			if err != nil || got == nil || !slices.Equal(got, tt.want) {
				t.Errorf("%s: %#v, %v; want %#v", tt.query, got, err, tt.want)
			}
		}
	})
}
