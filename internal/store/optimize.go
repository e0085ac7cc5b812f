package store

import (
	"context"
	"fmt"
)

// Optimize keeps the query planner's statistics fresh. SQLite has none
// until someone asks: without them it once chose the full inbox index for
// the overdue filter at a million cases. "PRAGMA optimize" analyses only
// the tables whose statistics are missing or stale, and the analysis limit
// bounds the work on a large database, so this is cheap to run at start
// and every hour. PostgreSQL's autovacuum keeps its own statistics.
func (db *DB) Optimize(ctx context.Context) error {
	if db.dialect != SQLite {
		return nil
	}
	if _, err := db.write.ExecContext(ctx, "PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002"); err != nil {
		return fmt.Errorf("store: optimize: %w", err)
	}
	return nil
}
