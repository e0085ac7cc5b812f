package bench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
)

const (
	rawPGName     = "raw PostgreSQL single-row INSERT (database/sql, 8 connections)"
	pgbenchName   = "pgbench single-row INSERT (-c 8 -j 2)"
	pgWorkers     = 8
	pgbenchScript = "INSERT INTO bench_insert (tenant, payload) VALUES ('dorsten', 'Antrag eingegangen');\n"
)

// checkPostgresLoopback accepts only a PostgreSQL on this machine: a
// loopback host or a Unix socket.
func checkPostgresLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return fmt.Errorf("bench: -postgres must be a postgres:// URL")
	}
	hosts := strings.Split(u.Hostname(), ",")
	if h := u.Query().Get("host"); h != "" {
		hosts = append(hosts, strings.Split(h, ",")...)
	}
	for _, h := range hosts {
		if h != "" && !strings.HasPrefix(h, "/") && !isLoopbackHost(h) {
			return fmt.Errorf("bench: PostgreSQL at %s is not on this machine; only loopback addresses or a Unix socket may be used", h)
		}
	}
	return nil
}

// pgScratch is a schema of its own on the given server, dropped at the end.
type pgScratch struct {
	admin  *sql.DB
	base   string
	schema string
}

func newPGScratch(ctx context.Context, base string) (*pgScratch, error) {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return nil, err
	}
	s := &pgScratch{admin: admin, base: base, schema: "spbench_" + strings.ToLower(store.NewID())}
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+s.schema); err != nil {
		admin.Close()
		return nil, fmt.Errorf("bench: PostgreSQL: %w", err)
	}
	return s, nil
}

// URL points at the scratch schema.
func (s *pgScratch) URL() string {
	u, _ := url.Parse(s.base)
	q := u.Query()
	q.Set("search_path", s.schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func (s *pgScratch) Close() error {
	_, err := s.admin.Exec("DROP SCHEMA " + s.schema + " CASCADE")
	return errors.Join(err, s.admin.Close())
}

// runPostgresWrites adds the PostgreSQL lines: the raw INSERT ceiling
// through database/sql, pgbench's if it is installed, and the portal's
// durable submissions on PostgreSQL (pg, built on scratch), with content
// in the database and, when submissions carry a file, once more with
// content in a files folder below dir.
func runPostgresWrites(ctx context.Context, r *Report, c Config, scratch *pgScratch, pg *portal, dir string) error {
	raw, err := rawPGInserts(ctx, scratch.URL(), c.WriteDuration)
	if err != nil {
		return err
	}
	r.add(Row{Section: "writes", Name: rawPGName, Ceiling: true, Load: fmt.Sprintf("closed %d", pgWorkers), Stats: raw.Summary(0)})
	if c.PgbenchDuration > 0 {
		if row, err := runPgbench(ctx, c.Postgres, c.PgbenchDuration); err != nil {
			r.note("pgbench skipped: %s", shortErr(err.Error()))
		} else {
			r.add(row)
		}
	}
	if err := pgSubmissions(ctx, r, c, pg, pgInDB); err != nil || c.AttachmentSize == 0 {
		return err
	}
	folder, err := newPGScratch(ctx, c.Postgres)
	if err != nil {
		return err
	}
	pf, err := startPortal(ctx, store.Options{URL: folder.URL(), FilesDir: filepath.Join(dir, "pg-files")}, true)
	if err != nil {
		return errors.Join(fmt.Errorf("bench: portal on PostgreSQL with a files folder: %w", err), folder.Close())
	}
	err = pgSubmissions(ctx, r, c, pf, pgFolder)
	return errors.Join(err, pf.Close(), folder.Close())
}

const (
	pgInDB   = "PostgreSQL"
	pgFolder = "PostgreSQL, files in a folder"
)

// pgSubmissions adds the submission lines of a portal on PostgreSQL, each
// compared with the raw INSERTs, pgbench and SQLite's line of its flow.
func pgSubmissions(ctx context.Context, r *Report, c Config, pg *portal, db string) error {
	for _, fl := range flows {
		i, err := portalSubmissions(ctx, r, c, pg, fl, subsName(db, c, fl))
		if err != nil {
			return err
		}
		r.compare(i, rawPGName, true, true)
		r.compare(i, pgbenchName, true, false)
		r.compare(i, subsName("SQLite", c, fl), true, true)
	}
	return nil
}

// rawPGInserts commits single-row INSERTs from pgWorkers connections.
func rawPGInserts(ctx context.Context, dsn string, d time.Duration) (*Sample, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(pgWorkers)
	db.SetMaxIdleConns(pgWorkers)
	if _, err := db.ExecContext(ctx, pgInsertTable); err != nil {
		return nil, err
	}
	return Loop(ctx, pgWorkers, d, func(ctx context.Context, _, _ int) error {
		_, err := db.ExecContext(ctx, `INSERT INTO bench_insert (tenant, payload) VALUES ($1, $2)`, "dorsten", "Antrag eingegangen")
		return err
	}), nil
}

const pgInsertTable = `CREATE TABLE bench_insert (id BIGSERIAL PRIMARY KEY, tenant TEXT NOT NULL, payload TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL DEFAULT now())`

var (
	tpsRe     = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)
	latencyRe = regexp.MustCompile(`latency average = ([0-9.]+) ms`)
	txRe      = regexp.MustCompile(`number of transactions actually processed: ([0-9]+)`)
)

// runPgbench creates a scratch database, runs pgbench's custom-script
// mode with the single-row INSERT for d and drops the database again.
func runPgbench(ctx context.Context, base string, d time.Duration) (Row, error) {
	bin, err := exec.LookPath("pgbench")
	if err != nil {
		return Row{}, fmt.Errorf("pgbench is not installed")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return Row{}, err
	}
	defer admin.Close()
	name := "spbench_" + strings.ToLower(store.NewID())
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return Row{}, err
	}
	defer func() {
		// WITH (FORCE) needs PostgreSQL 13; older servers drop without it
		// (pgbench's connections are closed by then).
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			admin.Exec("DROP DATABASE IF EXISTS " + name)
		}
	}()
	dbURL := libpqURL(base, name)
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		return Row{}, err
	}
	_, err = db.ExecContext(ctx, pgInsertTable)
	db.Close()
	if err != nil {
		return Row{}, err
	}
	dir, err := os.MkdirTemp("", "spbench-pgbench-")
	if err != nil {
		return Row{}, err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "insert.sql")
	if err := os.WriteFile(script, []byte(pgbenchScript), 0o600); err != nil {
		return Row{}, err
	}
	secs := max(int(d.Seconds()+0.5), 1)
	cmd := exec.CommandContext(ctx, bin, "-n", "-c", "8", "-j", "2", "-T", strconv.Itoa(secs), "-f", script, dbURL) // #nosec G204 -- runs pgbench with arguments the benchmark builds itself
	out, err := cmd.CombinedOutput()
	if err != nil {
		return Row{}, fmt.Errorf("pgbench: %v: %s", err, out)
	}
	m := tpsRe.FindSubmatch(out)
	if m == nil {
		return Row{}, fmt.Errorf("pgbench printed no tps: %s", out)
	}
	tps, _ := strconv.ParseFloat(string(m[1]), 64)
	row := Row{Section: "writes", Name: pgbenchName, Ceiling: true, Load: fmt.Sprintf("closed 8, -T %d", secs),
		Stats: Stats{Throughput: tps, Window: Millis(time.Duration(secs) * time.Second)}}
	if m := txRe.FindSubmatch(out); m != nil {
		row.Requests, _ = strconv.Atoi(string(m[1]))
		row.OK = row.Requests
	}
	if m := latencyRe.FindSubmatch(out); m != nil {
		row.Note = "latency average " + string(m[1]) + " ms (pgbench reports no percentiles)"
	}
	return row, nil
}

// libpqURL is base pointed at database name, without the parameters that
// only pgx understands (libpq refuses unknown ones).
func libpqURL(base, name string) string {
	u, _ := url.Parse(base)
	u.Path = "/" + name
	q := url.Values{}
	for k, v := range u.Query() {
		switch k {
		case "sslmode", "host", "port", "user", "password", "passfile", "connect_timeout", "application_name",
			"sslcert", "sslkey", "sslrootcert", "target_session_attrs":
			q[k] = v
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}
