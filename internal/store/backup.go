package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
)

// ErrBackupUnsupported says that the database has its own backup tools.
var ErrBackupUnsupported = errors.New("store: PostgreSQL is backed up with pg_dump, not by the portal")

// Backup writes a consistent copy of the SQLite database to dest while the
// portal keeps running. VACUUM INTO reads one snapshot, so the copy never
// holds half a transaction. dest must not exist yet.
func (db *DB) Backup(ctx context.Context, dest string) error {
	if db.dialect != SQLite {
		return ErrBackupUnsupported
	}
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("store: backup target %s exists already", dest)
	}
	// SQLite counts VACUUM INTO as a write, so neither the read-only readers
	// nor the writer (which would stall submissions for the whole copy) fit;
	// a connection of its own reads a snapshot beside both.
	conn, err := sql.Open("sqlite", "file:"+db.path+"?_busy_timeout=10000")
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", dest); err != nil {
		return fmt.Errorf("store: backup to %s: %w", dest, err)
	}
	return nil
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
