package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one embedded schema step, named NNNN_owner.sql. Steps are
// written in PostgreSQL's SQL and adapted for SQLite by ddl. A step that
// differs between the databases is a pair, NNNN_owner.sqlite.sql and
// NNNN_owner.postgres.sql, of one version: each database applies its own.
type migration struct {
	version int
	name    string
	sql     string
}

// migrationLockID keys PostgreSQL's advisory lock so that instances starting
// together migrate one after the other.
const migrationLockID = 0x5e7c1ce

// dialectSuffixes name the steps that only one database applies.
var dialectSuffixes = map[Dialect]string{SQLite: ".sqlite.sql", Postgres: ".postgres.sql"}

func loadMigrations(d Dialect) ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		name := e.Name()
		skip := false
		for other, suffix := range dialectSuffixes {
			if strings.HasSuffix(name, suffix) {
				skip = other != d
				name = strings.TrimSuffix(name, suffix) + ".sql"
			}
		}
		if skip {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("store: migration %s: name must start with a number and _", name)
		}
		body, err := migrationFiles.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: strings.TrimSuffix(name, ".sql"), sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("store: two migrations with version %d", ms[i].version)
		}
	}
	return ms, nil
}

// LatestVersion is the schema version this build expects.
func LatestVersion() int {
	ms, err := loadMigrations(SQLite)
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// Migrate applies every pending migration, each in its own transaction, and
// returns how many it applied. A database newer than this build is refused,
// because running old code on a newer schema can corrupt data.
func (db *DB) Migrate(ctx context.Context) (int, error) {
	ms, err := loadMigrations(db.dialect)
	if err != nil {
		return 0, err
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: migrate: %w", err)
	}
	defer conn.Close()
	if db.dialect == Postgres {
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockID); err != nil {
			return 0, fmt.Errorf("store: migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLockID)
	}
	if _, err := conn.ExecContext(ctx, db.ddl(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at TIMESTAMPTZ NOT NULL)`)); err != nil {
		return 0, fmt.Errorf("store: migration table: %w", err)
	}
	current, err := currentVersion(ctx, conn)
	if err != nil {
		return 0, err
	}
	if len(ms) > 0 && current > ms[len(ms)-1].version {
		return 0, fmt.Errorf("store: database schema version %d is newer than this program (%d); use a newer release", current, ms[len(ms)-1].version)
	}
	applied := 0
	for _, m := range ms {
		if m.version <= current {
			continue
		}
		if err := db.apply(ctx, conn, m); err != nil {
			return applied, err
		}
		applied++
	}
	return applied, nil
}

func (db *DB) apply(ctx context.Context, conn *sql.Conn, m migration) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: migration %s: %w", m.name, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, db.ddl(m.sql)); err != nil {
		return fmt.Errorf("store: migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, db.Rebind("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"),
		m.version, m.name, time.Now().UTC()); err != nil {
		return fmt.Errorf("store: migration %s: record: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: migration %s: commit: %w", m.name, err)
	}
	return nil
}

func currentVersion(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int, error) {
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, "SELECT MAX(version) FROM schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	return int(v.Int64), nil
}

// SchemaVersion returns the version of the newest applied migration; 0 for an
// empty database.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var exists int
	q := "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
	if db.dialect == Postgres {
		q = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
	}
	if err := db.read.QueryRowContext(ctx, q).Scan(&exists); err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	if exists == 0 {
		return 0, nil
	}
	return currentVersion(ctx, db.read)
}
