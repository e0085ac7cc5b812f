package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"time"
)

// SQLite copies the write-ahead log back into the database file
// (checkpoint) on the connection whose commit crosses wal_autocheckpoint
// pages, with an fsync of the database file, so every few dozen
// applications one citizen's submit waited for that copy. A separate
// connection runs passive checkpoints in the background instead; passive
// checkpoints never block the writer or the readers. The writer keeps a
// high wal_autocheckpoint as a backstop for when the background cannot
// keep up. Durability is unchanged: each commit is in the fsynced WAL.
const (
	checkpointEvery    = 250 * time.Millisecond
	writerAutoPages    = 8000 // about 32 MB of log before the writer checkpoints itself
	checkpointBusyWait = "1000"
)

// startCheckpointer opens the checkpoint connection and starts its loop.
func (db *DB) startCheckpointer(path string) error {
	q := url.Values{}
	q.Set("_busy_timeout", checkpointBusyWait)
	q.Set("_synchronous", "FULL")
	conn, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return fmt.Errorf("store: open %s for checkpoints: %w", path, err)
	}
	conn.SetMaxOpenConns(1)
	conn.SetMaxIdleConns(1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	db.stopCheckpoints = func() error {
		cancel()
		<-done
		return conn.Close()
	}
	go func() {
		defer close(done)
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				// A busy or failed passive checkpoint is harmless: the
				// next tick or the writer's backstop catches up.
				conn.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
			}
		}
	}()
	return nil
}
