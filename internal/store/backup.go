package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrBackupUnsupported says that the database has its own backup tools.
var ErrBackupUnsupported = errors.New("store: PostgreSQL is backed up with pg_dump, not by the portal")

// FilesFolder is the folder beside the SQLite file that holds attachment
// content (internal/filestore); a backup carries it along.
const FilesFolder = "files"

// FilesDir is where attachment content is kept outside the database. On
// SQLite it is the folder FilesFolder beside the database file, so the
// data folder (or a backup folder) holds the database and its files
// together. On PostgreSQL it is Options.FilesDir: empty keeps content in
// the database, which instances share without a shared disk.
func (db *DB) FilesDir() string {
	if db.dialect != SQLite {
		return db.filesDir
	}
	return filepath.Join(filepath.Dir(db.path), FilesFolder)
}

// Backup writes a consistent copy of the SQLite database and its files to
// the folder dest while the portal keeps running: dest/serviceportal.db
// and dest/files, the layout of a data folder, so restoring is putting the
// folder in the data folder's place. dest must not exist yet. It returns
// how many files it copied.
//
// VACUUM INTO reads one snapshot, so the database copy never holds half a
// transaction. The files are copied after it: a file, or a range of a
// pack, is complete and durable before the row that points to it commits,
// and never changes afterwards, so every row of the snapshot finds its
// content, except content deleted while the backup ran (a file is
// skipped, a pack's range reads as zeros), whose row was being deleted
// anyway. Content newer than the snapshot is copied too; no row points to
// it in the copy, and the sweeper frees it after a restore. A pack's holes
// (deleted content) stay holes in the copy where the system can tell them.
func (db *DB) Backup(ctx context.Context, dest string) (int, error) {
	if db.dialect != SQLite {
		return 0, ErrBackupUnsupported
	}
	if _, err := os.Stat(dest); err == nil {
		return 0, fmt.Errorf("store: backup target %s exists already", dest)
	}
	if err := os.MkdirAll(dest, 0o700); err != nil {
		return 0, fmt.Errorf("store: backup: %w", err)
	}
	// SQLite counts VACUUM INTO as a write, so neither the read-only readers
	// nor the writer (which would stall submissions for the whole copy) fit;
	// a connection of its own reads a snapshot beside both.
	conn, err := sql.Open("sqlite", "file:"+db.path+"?_busy_timeout=10000")
	if err != nil {
		return 0, fmt.Errorf("store: backup: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", filepath.Join(dest, SQLiteFile)); err != nil {
		return 0, fmt.Errorf("store: backup to %s: %w", dest, err)
	}
	return copyFiles(ctx, db.FilesDir(), filepath.Join(dest, FilesFolder))
}

// copyFiles copies the committed files below src to dst, leaving out
// temporary ones (a leading dot) and ones that vanish while it runs.
func copyFiles(ctx context.Context, src, dst string) (int, error) {
	n := 0
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // no files yet, or a folder removed meanwhile
		}
		if err != nil {
			return err
		}
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		case strings.HasPrefix(d.Name(), ".") || !d.Type().IsRegular():
			return nil
		}
		copied, err := copyFile(path, filepath.Join(dst, rel))
		if copied {
			n++
		}
		return err
	})
	if err != nil {
		return n, fmt.Errorf("store: backup files: %w", err)
	}
	return n, nil
}

// copyFile copies one file durably; a source that is gone is skipped.
func copyFile(src, dst string) (bool, error) {
	in, err := os.Open(src) // #nosec G304 -- a file below the portal's own files folder
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) // #nosec G304 -- below the new backup folder
	if err != nil {
		return false, err
	}
	err = copyContent(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err == nil, err
}

// IntegrityCheck runs SQLite's integrity check; on PostgreSQL it only pings.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	if db.dialect != SQLite {
		return db.Ping(ctx)
	}
	var res string
	if err := db.read.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return fmt.Errorf("store: integrity check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("store: integrity check failed: %s", res)
	}
	return nil
}
