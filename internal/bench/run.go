// Package bench measures the portal beside the ceilings it is judged
// against, in one run on one machine (performance-security.md §3): a bare
// fortunes page against the portal's pages, raw SQLite and PostgreSQL
// commits against durable submissions, the argon2id bound against logins,
// a bare indexed SELECT against the filtered inbox, plus catalogue search.
// HTTP load is open-model (constant arrival rate, vegeta); every target is
// on the loopback interface. cmd/spbench is its command line.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
)

// Run performs the sections of c in order and returns the report. Progress
// goes to progress, one line per measurement.
func Run(ctx context.Context, c Config, progress io.Writer) (rep *Report, err error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	rep = &Report{Machine: ThisMachine(), Started: time.Now(), Config: c}
	defer func() {
		if rep == nil {
			return
		}
		rep.Elapsed = Millis(time.Since(rep.Started))
		rep.LoadAtEnd = loadAverage()
		if rep.Machine.busy(rep.Machine.LoadAverage) || rep.Machine.busy(rep.LoadAtEnd) {
			rep.note("the machine was busy with other work (load average %s at start, %s at end on %d cores): "+
				"figures are lower and noisier than on an idle machine; repeat the run before trusting a single line",
				rep.Machine.LoadAverage, rep.LoadAtEnd, rep.Machine.Cores)
		}
	}()
	say := func(format string, args ...any) {
		fmt.Fprintf(progress, "[%5.1fs] "+format+"\n", append([]any{time.Since(rep.Started).Seconds()}, args...)...)
	}

	dir := c.Dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "spbench-"); err != nil {
			return rep, err
		}
		defer os.RemoveAll(dir)
	}
	say("Starting the portal on SQLite in %s (migrate, seed the demo region, build the search index) …", dir)
	p, err := startPortal(ctx, store.Options{DataDir: dir + "/portal"}, true)
	if err != nil {
		return rep, fmt.Errorf("bench: portal: %w", err)
	}
	defer func() { err = errors.Join(err, p.Close()) }()

	if c.runs("pages") || c.runs("search") {
		f, err := startFortunes(ctx, dir)
		if err != nil {
			return rep, fmt.Errorf("bench: fortunes: %w", err)
		}
		defer f.Close()
		if c.runs("pages") {
			say("pages: fortunes, service page and form step at %s/s for %s each, then saturation ramps …", formatFloat(c.Rate, 0), c.Duration)
			if err := runPages(ctx, rep, c, p, f); err != nil {
				return rep, fmt.Errorf("bench: pages: %w", err)
			}
		}
	}
	if c.runs("search") {
		say("search: relevance queries in process, then the search page at %s/s …", formatFloat(c.Rate, 0))
		if err := runSearch(ctx, rep, c, p, c.SearchQueries); err != nil {
			return rep, fmt.Errorf("bench: search: %w", err)
		}
	}
	if c.runs("logins") {
		say("logins: argon2id time, login rate, catalogue during a login flood …")
		if err := runLogins(ctx, rep, c, p); err != nil {
			return rep, fmt.Errorf("bench: logins: %w", err)
		}
	}
	if c.runs("writes") {
		say("writes: raw SQLite commits, then durable submissions for %s each …", c.WriteDuration)
		if err := runWrites(ctx, rep, c, dir, p); err != nil {
			return rep, fmt.Errorf("bench: writes: %w", err)
		}
	}
	var pg *portal
	if c.Postgres != "" && (c.runs("writes") || c.runs("inbox")) {
		say("PostgreSQL: a scratch schema with the portal on PostgreSQL …")
		var scratch *pgScratch
		if scratch, err = newPGScratch(ctx, c.Postgres); err != nil {
			return rep, err
		}
		defer func() { err = errors.Join(err, scratch.Close()) }()
		if pg, err = startPortal(ctx, store.Options{URL: scratch.URL()}, true); err != nil {
			return rep, fmt.Errorf("bench: portal on PostgreSQL: %w", err)
		}
		defer pg.Close()
		if c.runs("writes") {
			say("writes on PostgreSQL: raw INSERTs, pgbench, durable submissions …")
			if err := runPostgresWrites(ctx, rep, c, scratch, pg, dir); err != nil {
				return rep, fmt.Errorf("bench: PostgreSQL writes: %w", err)
			}
		}
	}
	if c.runs("inbox") {
		if !c.InboxSkipSQLite || pg == nil {
			say("inbox: generating %d submissions on SQLite, then the inbox queries at %s/s …", c.InboxRows, formatFloat(c.InboxRate, 0))
			if err := runInbox(ctx, rep, c, p, "SQLite", say); err != nil {
				return rep, fmt.Errorf("bench: inbox: %w", err)
			}
		}
		if pg != nil {
			say("inbox: the same on PostgreSQL …")
			if err := runInbox(ctx, rep, c, pg, "PostgreSQL", say); err != nil {
				return rep, fmt.Errorf("bench: inbox on PostgreSQL: %w", err)
			}
		}
	}
	say("done")
	return rep, nil
}
