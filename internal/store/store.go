// Package store opens the portal's database (embedded SQLite or PostgreSQL),
// runs the embedded migrations and carries transactions in the context, so
// that use-case packages can compose their writes into one atomic step.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// Dialect names the SQL database behind a DB.
type Dialect int

const (
	// SQLite is the embedded default: one file in the data folder.
	SQLite Dialect = iota + 1
	// Postgres is the multi-node mode: several portal instances share one server.
	Postgres
)

// String returns the dialect's name as operators know it.
func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "sqlite"
	case Postgres:
		return "postgres"
	}
	return "unknown"
}

// ErrNotFound is returned by store functions when no row matches; callers
// test it with errors.Is instead of checking for nil results.
var ErrNotFound = errors.New("not found")

// DB is the portal's database. On SQLite it keeps one writer connection
// (SQLite allows one writer at a time; a single connection turns lock
// contention into an orderly queue) and a pool of read-only readers. On
// PostgreSQL both roles share one pool.
type DB struct {
	dialect Dialect
	write   *sql.DB
	read    *sql.DB
	path    string
	// filesDir is the shared folder of attachment content on PostgreSQL;
	// empty keeps content in the database.
	filesDir string
	// stopCheckpoints ends the background checkpoints (SQLite only).
	stopCheckpoints func() error
	// group batches SQLite transactions into shared commits.
	group group
	// writeStmts and readStmts keep SQLite statements prepared (nil on
	// PostgreSQL, whose driver caches statements itself).
	writeStmts, readStmts *stmtCache
}

// ErrFilesDir says that Options.FilesDir cannot be used.
var ErrFilesDir = errors.New("store: files folder unusable")

// Options say which database to open.
type Options struct {
	// URL selects PostgreSQL when it is a postgres:// or postgresql:// URL.
	URL string
	// DataDir holds the SQLite file when URL is empty.
	DataDir string
	// FilesDir, on PostgreSQL only, keeps attachment content in this
	// folder instead of the database, as SQLite mode keeps it beside its
	// file. Every portal instance must see the same folder (a network
	// file system with working locks, such as NFSv4), and it is backed
	// up with the database. Empty keeps content in the database.
	FilesDir string
}

// SQLiteFile is the database's file name inside the data folder.
const SQLiteFile = "serviceportal.db"

// Open connects to the database described by opts and checks that it answers.
// It does not run migrations; call Migrate for that.
func Open(ctx context.Context, opts Options) (*DB, error) {
	if opts.URL != "" {
		db, err := openPostgres(ctx, opts.URL)
		if err != nil || opts.FilesDir == "" {
			return db, err
		}
		if db.filesDir, err = filepath.Abs(opts.FilesDir); err == nil {
			err = checkWritable(db.filesDir)
		}
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("%w: %w", ErrFilesDir, err)
		}
		return db, nil
	}
	if opts.FilesDir != "" {
		return nil, errors.New("store: a files folder is for PostgreSQL; SQLite keeps its files beside the database")
	}
	return openSQLite(ctx, opts.DataDir)
}

// checkWritable creates dir if need be and checks that files can be
// created in it, so a wrong folder fails at start, not at the first upload.
func checkWritable(dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("store: folder %s cannot be created: %w", dir, err)
	}
	probe, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return fmt.Errorf("store: folder %s is not writable: %w", dir, err)
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
}

func openSQLite(ctx context.Context, dir string) (*DB, error) {
	if dir == "" {
		return nil, errors.New("store: no data folder given")
	}
	if err := checkWritable(dir); err != nil {
		return nil, err
	}
	return OpenFile(ctx, filepath.Join(dir, SQLiteFile))
}

// OpenFile opens the SQLite database at path, for example a backup copy.
func OpenFile(ctx context.Context, path string) (*DB, error) {
	// WAL lets readers run beside the writer; synchronous=FULL makes every
	// commit survive power loss, which a receipt handed to a citizen promises.
	common := url.Values{}
	common.Set("_busy_timeout", "10000")
	common.Set("_foreign_keys", "1")
	common.Set("_time_format", "sqlite")
	writeQ := url.Values{}
	for k, v := range common {
		writeQ[k] = v
	}
	writeQ.Set("_journal_mode", "WAL")
	writeQ.Set("_synchronous", "FULL")
	writeQ.Set("_txlock", "immediate")
	writeQ.Add("_pragma", fmt.Sprintf("wal_autocheckpoint(%d)", writerAutoPages))
	// Group commit runs each transaction in a savepoint, and SQLite keeps
	// the pages a savepoint changes in a sub-journal that goes to a
	// temporary file beyond 64 KiB: a submission wrote about twice its
	// pages to disk, once for nothing. In memory the sub-journal costs a
	// few hundred KiB per transaction, freed at its end.
	writeQ.Add("_pragma", "temp_store(MEMORY)")
	write, err := sql.Open("sqlite", "file:"+path+"?"+writeQ.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxIdleTime(0)
	write.SetConnMaxLifetime(0)
	// The writer connects first so that the file is in WAL mode before any
	// reader opens it.
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	readQ := common
	readQ.Set("_query_only", "1")
	read, err := sql.Open("sqlite", "file:"+path+"?"+readQ.Encode())
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("store: open %s for reading: %w", path, err)
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	db := &DB{dialect: SQLite, write: write, read: read, path: path,
		writeStmts: newStmtCache(write), readStmts: newStmtCache(read)}
	if err := db.startCheckpointer(path); err != nil {
		write.Close()
		read.Close()
		return nil, err
	}
	return db, nil
}

func openPostgres(ctx context.Context, rawURL string) (*DB, error) {
	pool, err := sql.Open("pgx", rawURL)
	if err != nil {
		return nil, fmt.Errorf("store: database URL: %w", err)
	}
	// As many idle connections as open ones: under load a connection
	// closed for being the eleventh idle one is opened again a moment
	// later, and each new PostgreSQL connection costs a server process.
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(20)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: PostgreSQL not reachable: %w", err)
	}
	return &DB{dialect: Postgres, write: pool, read: pool}, nil
}

// Close releases all connections.
func (db *DB) Close() error {
	var err error
	db.writeStmts.close()
	db.readStmts.close()
	if db.stopCheckpoints != nil {
		err = db.stopCheckpoints()
	}
	err = errors.Join(err, db.write.Close())
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Dialect reports which database this is.
func (db *DB) Dialect() Dialect { return db.dialect }

// Path is the SQLite file's path; empty on PostgreSQL.
func (db *DB) Path() string { return db.path }

// Ping checks that the database answers, for readiness probes.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.read.PingContext(ctx); err != nil {
		return err
	}
	var one int
	return db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// NewID returns an identifier safe to show in URLs: 128 random bits, so it
// cannot be guessed or counted, behind the creation time in milliseconds
// (36 characters of lower-case base32hex, which sorts as the bytes do).
//
// The time comes first for the disk's sake. Rows are found through indexes
// on their ID, and a purely random ID lands on a random page of each: every
// new row dirtied pages of its own, which the one SQLite writer wrote to
// the log at each commit and again at each checkpoint. IDs made in the same
// moment share the last page instead. The cost is that an ID tells when its
// row was made, to the millisecond; no ID the portal shows is secret about
// that (links that must stay secret carry separate tokens).
func NewID() string {
	var b [22]byte
	ms := uint64(time.Now().UnixMilli())
	for i := 5; i >= 0; i-- {
		b[i] = byte(ms)
		ms >>= 8
	}
	rand.Read(b[6:])
	return idEncoding.EncodeToString(b[:])
}

var idEncoding = base32.NewEncoding("0123456789abcdefghijklmnopqrstuv").WithPadding(base32.NoPadding)
