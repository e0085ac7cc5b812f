// Package filestore keeps write-once files on the local disk in a folder
// per tenant: a file per ID (Store), or many small contents appended to
// packs (Packs, pack.go). It exists for SQLite mode: there the database has
// one writer, and file content written through it would queue behind every
// other write and be written twice (log, then checkpoint). Files are
// written beside the writer, in parallel, and made durable before the
// database row that points to them commits.
//
// A file is written under a temporary name, synced, renamed to its ID and
// its folder synced; it is never changed afterwards. Readers therefore see
// a file whole or not at all, and a crash leaves at worst a temporary or
// unreferenced file, which Sweep removes.
package filestore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ErrBadName refuses a tenant or file ID that could name anything but a
// file of this store (a path separator, "..", a leading dot, odd bytes).
var ErrBadName = errors.New("filestore: invalid ID")

// tempPrefix starts the names of files still being written; valid IDs
// never start with a dot, so the two cannot collide.
const tempPrefix = ".tmp-"

// Store is a folder of write-once files, <dir>/<tenant>/<id>.
type Store struct {
	dir string
}

// New returns the store in dir; folders are created when first needed.
func New(dir string) *Store { return &Store{dir: dir} }

// Dir is the store's folder.
func (s *Store) Dir() string { return s.dir }

// validID admits the IDs the portal makes (store.NewID, lower-case base32)
// and the simple ones tests and seeds use; nothing that a path could be
// built from.
func validID(id string) bool {
	if id == "" || len(id) > 64 || id[0] == '-' {
		return false
	}
	for _, c := range id {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
		if !ok {
			return false
		}
	}
	return true
}

// path returns the file's path after checking both IDs.
func (s *Store) path(tenantID, id string) (string, error) {
	if !validID(tenantID) || !validID(id) {
		return "", fmt.Errorf("%w: %q/%q", ErrBadName, tenantID, id)
	}
	return filepath.Join(s.dir, tenantID, id), nil
}

// Writer is a file being written. Nobody sees it until Commit.
type Writer struct {
	f     *os.File
	final string
	done  bool
}

// Create starts the file id of a tenant.
func (s *Store) Create(tenantID, id string) (*Writer, error) {
	final, err := s.path(tenantID, id)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(final)
	f, err := os.CreateTemp(dir, tempPrefix+id+"-*")
	if errors.Is(err, fs.ErrNotExist) {
		// The tenant's first file: its folder is made once, not looked
		// for before every file.
		if err := s.mkdir(dir); err != nil {
			return nil, err
		}
		f, err = os.CreateTemp(dir, tempPrefix+id+"-*")
	}
	if err != nil {
		return nil, fmt.Errorf("filestore: create: %w", err)
	}
	return &Writer{f: f, final: final}, nil
}

// mkdir creates a tenant's folder (and the store's) on first use, and
// syncs their parents so the new folders survive a crash too.
func (s *Store) mkdir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("filestore: create folder: %w", err)
	}
	if err := syncDir(filepath.Dir(s.dir)); err != nil {
		return err
	}
	if err := syncDir(s.dir); err != nil {
		return err
	}
	return nil
}

// Write appends to the file.
func (w *Writer) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil {
		err = fmt.Errorf("filestore: write: %w", err)
	}
	return n, err
}

// Commit makes the file durable under its name: sync, rename, sync the
// folder. Only after Commit may a database row point to the file.
func (w *Writer) Commit() error {
	if w.done {
		return errors.New("filestore: file already finished")
	}
	w.done = true
	tmp := w.f.Name()
	err := w.f.Sync()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, w.final)
	}
	if err == nil {
		err = syncDir(filepath.Dir(w.final))
	}
	if err != nil {
		os.Remove(tmp)
		os.Remove(w.final)
		return fmt.Errorf("filestore: commit: %w", err)
	}
	return nil
}

// Abort throws the unfinished file away; after Commit it does nothing.
func (w *Writer) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.f.Close()
	os.Remove(w.f.Name())
}

// Open opens a committed file; an error matching fs.ErrNotExist means
// there is none.
func (s *Store) Open(tenantID, id string) (*os.File, error) {
	p, err := s.path(tenantID, id)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p) // #nosec G304 -- the path is built from checked IDs
	if err != nil {
		return nil, fmt.Errorf("filestore: open: %w", err)
	}
	return f, nil
}

// Remove deletes a file; one that is not there is no error.
func (s *Store) Remove(tenantID, id string) error {
	p, err := s.path(tenantID, id)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("filestore: remove: %w", err)
	}
	return nil
}

// Exists reports which of a tenant's IDs still have their database row.
type Exists func(ctx context.Context, tenantID string, ids []string) (map[string]bool, error)

// sweepBatch is how many IDs Sweep asks about at once.
const sweepBatch = 500

// Sweep removes files that no row points to and temporary files of
// uploads that never finished, if they were last written more than
// olderThan ago. The grace period protects uploads in progress and files
// whose row is about to be committed; it also catches files whose row was
// deleted but whose removal a crash (or an enclosing transaction) left
// undone. It returns how many files it removed.
func (s *Store) Sweep(ctx context.Context, olderThan time.Duration, exists Exists) (int, error) {
	return s.eachTenant(ctx, "sweep", func(tenantID string) (int, error) {
		return s.sweepTenant(ctx, tenantID, time.Now().Add(-olderThan), exists)
	})
}

// eachTenant runs fn for every tenant's folder, until ctx ends, and sums
// what it counts; one tenant's error does not stop the others.
func (s *Store) eachTenant(ctx context.Context, what string, fn func(tenantID string) (int, error)) (int, error) {
	tenants, err := os.ReadDir(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("filestore: %s: %w", what, err)
	}
	sum := 0
	var errs []error
	for _, t := range tenants {
		if !t.IsDir() || !validID(t.Name()) {
			continue
		}
		n, err := fn(t.Name())
		sum += n
		if err != nil {
			errs = append(errs, err)
		}
		if ctx.Err() != nil {
			errs = append(errs, ctx.Err())
			break
		}
	}
	return sum, errors.Join(errs...)
}

func (s *Store) sweepTenant(ctx context.Context, tenantID string, cutoff time.Time, exists Exists) (int, error) {
	dir := filepath.Join(s.dir, tenantID)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("filestore: sweep: %w", err)
	}
	removed := 0
	var old []string
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() || !info.ModTime().Before(cutoff) {
			continue // vanished meanwhile, not ours, or still fresh
		}
		switch name := e.Name(); {
		case strings.HasPrefix(name, tempPrefix):
			if os.Remove(filepath.Join(dir, name)) == nil {
				removed++
			}
		case validID(name):
			old = append(old, name)
		}
	}
	for len(old) > 0 {
		batch := old[:min(sweepBatch, len(old))]
		old = old[len(batch):]
		keep, err := exists(ctx, tenantID, batch)
		if err != nil {
			return removed, fmt.Errorf("filestore: sweep: %w", err)
		}
		for _, id := range batch {
			if !keep[id] && os.Remove(filepath.Join(dir, id)) == nil {
				removed++
			}
		}
	}
	return removed, nil
}

// syncDir makes a folder's entries (a new or renamed file) durable.
func syncDir(dir string) error {
	d, err := os.Open(dir) // #nosec G304 -- one of the store's own folders
	if err != nil {
		return fmt.Errorf("filestore: sync folder: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("filestore: sync folder: %w", err)
	}
	return nil
}
