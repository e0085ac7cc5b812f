package filestore_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/filestore"
)

func write(t *testing.T, s *filestore.Store, tenantID, id string, content []byte) {
	t.Helper()
	w, err := s.Create(tenantID, id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(content); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
}

func read(s *filestore.Store, tenantID, id string) ([]byte, error) {
	f, err := s.Open(tenantID, id)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

func TestWriteCommitOpenRemove(t *testing.T) {
	t.Parallel()
	s := filestore.New(filepath.Join(t.TempDir(), "files"))
	content := bytes.Repeat([]byte("Meldebescheinigung "), 20000)
	w, err := s.Create("dorsten", "abc123")
	if err != nil {
		t.Fatal(err)
	}
	w.Write(content)
	if _, err := s.Open("dorsten", "abc123"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("file visible before Commit: %v", err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	w.Abort() // after Commit: nothing
	if got, err := read(s, "dorsten", "abc123"); err != nil || !bytes.Equal(got, content) {
		t.Fatalf("read %d bytes, %v", len(got), err)
	}
	for path, want := range map[string]fs.FileMode{s.Dir(): 0o700, filepath.Join(s.Dir(), "dorsten"): 0o700,
		filepath.Join(s.Dir(), "dorsten", "abc123"): 0o600} {
		if info, err := os.Stat(path); err != nil || info.Mode().Perm() != want {
			t.Errorf("%s: mode %v (err %v), want %v", path, info.Mode().Perm(), err, want)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(s.Dir(), "dorsten"))
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries after Commit, want the file alone", len(entries))
	}
	if err := s.Remove("dorsten", "abc123"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open("dorsten", "abc123"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("removed file still opens: %v", err)
	}
	if err := s.Remove("dorsten", "abc123"); err != nil {
		t.Errorf("removing a missing file: %v", err)
	}
}

func TestAbortLeavesNothing(t *testing.T) {
	t.Parallel()
	s := filestore.New(t.TempDir())
	w, err := s.Create("t1", "f1")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("halb hochgeladen"))
	w.Abort()
	if err := w.Commit(); err == nil {
		t.Error("Commit after Abort succeeded")
	}
	entries, _ := os.ReadDir(filepath.Join(s.Dir(), "t1"))
	if len(entries) != 0 {
		t.Errorf("Abort left %d entries", len(entries))
	}
}

func TestRefusesPathsFromIDs(t *testing.T) {
	t.Parallel()
	s := filestore.New(t.TempDir())
	tests := []struct{ tenant, id string }{
		{"t1", "../t2/x"}, {"t1", ".."}, {"..", "x"}, {"t1", "a/b"}, {"t1", `a\b`}, {"t1", ".tmp-x"}, {"t1", ""},
		{"", "x"}, {"t1", "-rf"}, {"t1", "ä"}, {"t1", "x\x00y"}, {"t1", string(bytes.Repeat([]byte("a"), 65))},
		{"/etc", "passwd"},
	}
	for _, tt := range tests {
		if _, err := s.Create(tt.tenant, tt.id); !errors.Is(err, filestore.ErrBadName) {
			t.Errorf("Create(%q, %q): %v, want ErrBadName", tt.tenant, tt.id, err)
		}
		if _, err := s.Open(tt.tenant, tt.id); !errors.Is(err, filestore.ErrBadName) {
			t.Errorf("Open(%q, %q): %v, want ErrBadName", tt.tenant, tt.id, err)
		}
		if err := s.Remove(tt.tenant, tt.id); !errors.Is(err, filestore.ErrBadName) {
			t.Errorf("Remove(%q, %q): %v, want ErrBadName", tt.tenant, tt.id, err)
		}
	}
}

func TestCreateFailsClearly(t *testing.T) {
	t.Parallel()
	s := filestore.New(t.TempDir())
	// A file where the tenant's folder belongs: no write can succeed, not
	// even as root.
	if err := os.WriteFile(filepath.Join(s.Dir(), "t1"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create("t1", "f1"); err == nil {
		t.Fatal("Create succeeded without a folder to write to")
	}
}

func TestSweep(t *testing.T) {
	t.Parallel()
	s := filestore.New(t.TempDir())
	old := time.Now().Add(-2 * time.Hour)
	age := func(name string) {
		t.Helper()
		if err := os.Chtimes(filepath.Join(s.Dir(), name), old, old); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"orphan", "fresh", "kept"} {
		write(t, s, "t1", id, []byte(id))
	}
	write(t, s, "t2", "orphan2", []byte("x"))
	age("t1/orphan")
	age("t1/kept")
	age("t2/orphan2")
	stale, _ := s.Create("t1", "stale")
	stale.Write([]byte("abgebrochen"))
	busy, _ := s.Create("t1", "busy")
	busy.Write([]byte("lädt noch"))
	defer busy.Abort()
	entries, _ := os.ReadDir(filepath.Join(s.Dir(), "t1"))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp-stale") {
			age("t1/" + e.Name())
		}
	}
	rows := map[string]bool{"kept": true}
	var asked []string
	n, err := s.Sweep(context.Background(), time.Hour, func(_ context.Context, tenantID string, ids []string) (map[string]bool, error) {
		asked = append(asked, ids...)
		keep := map[string]bool{}
		for _, id := range ids {
			keep[id] = rows[id]
		}
		return keep, nil
	})
	if err != nil || n != 3 {
		t.Fatalf("swept %d files (err %v), want the two orphans and the stale upload", n, err)
	}
	for _, id := range asked {
		if id == "fresh" {
			t.Error("the sweeper asked about a fresh file; the grace period protects it without a query")
		}
	}
	tests := []struct {
		tenant, id string
		exists     bool
	}{{"t1", "orphan", false}, {"t2", "orphan2", false}, {"t1", "fresh", true}, {"t1", "kept", true}}
	for _, tt := range tests {
		_, err := read(s, tt.tenant, tt.id)
		if (err == nil) != tt.exists {
			t.Errorf("%s/%s after sweep: %v, want exists=%v", tt.tenant, tt.id, err, tt.exists)
		}
	}
	if _, err := busy.Write([]byte(" und fertig")); err != nil {
		t.Fatal(err)
	}
	if err := busy.Commit(); err != nil {
		t.Errorf("an upload in progress lost its file to the sweeper: %v", err)
	}
	// A failing lookup removes nothing.
	age("t1/fresh")
	if _, err := s.Sweep(context.Background(), time.Hour, func(context.Context, string, []string) (map[string]bool, error) {
		return nil, errors.New("database down")
	}); err == nil {
		t.Error("sweep hid a failed lookup")
	}
	if _, err := read(s, "t1", "fresh"); err != nil {
		t.Errorf("a failed lookup cost a file: %v", err)
	}
}
