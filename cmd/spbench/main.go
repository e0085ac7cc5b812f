// Command spbench measures the portal beside its ceilings in one run on
// this machine and prints one table of ratios (see docs/benchmarks.md):
//
//	go run ./cmd/spbench                       # quick run, about 2–3 minutes
//	go run ./cmd/spbench -json bench.json      # also write the report as JSON
//	go run ./cmd/spbench -postgres 'postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable'
//	go run ./cmd/spbench -inbox-rows 1000000 -duration 30s   # the full run
//
// Every load goes to servers this command starts on 127.0.0.1 (and to a
// PostgreSQL on this machine when -postgres is given).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"

	"github.com/serviceportal/serviceportal/internal/bench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// runBench is bench.Run; tests replace it, since internal/bench runs the
// real measurements in its own tests.
var runBench = bench.Run

// run parses the flags, runs the benchmark and prints the table; it
// returns the exit code (2 for a bad command line, 1 for a failed run).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, out, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "spbench:", err)
		return 2
	}
	if out.cpuProfile != "" {
		f, err := os.Create(out.cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(stderr, "spbench:", err)
			return 2
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	jsonPath := out.json
	rep, err := runBench(ctx, c, stderr)
	if rep != nil && len(rep.Rows) > 0 {
		rep.PrintTable(stdout)
		if jsonPath != "" {
			if jerr := rep.WriteJSON(jsonPath); jerr != nil {
				err = errors.Join(err, jerr)
			}
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "spbench:", err)
		return 1
	}
	return 0
}

// outputs are the files a run writes besides the table.
type outputs struct{ json, cpuProfile string }

func parseFlags(args []string, stderr io.Writer) (bench.Config, outputs, error) {
	c := bench.Defaults()
	fs := flag.NewFlagSet("spbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: spbench [flags]\n\nMeasures the portal beside its ceilings in one run and prints the table of ratios.\nDefaults take about three minutes on two cores; docs/benchmarks.md explains every line.\n\nFlags:")
		fs.PrintDefaults()
	}
	var out outputs
	fs.StringVar(&out.json, "json", "", "also write the report as JSON to `FILE`")
	fs.StringVar(&out.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run (portal and load generator) to `FILE`")
	only := fs.String("only", "", "run only these comma-separated sections: "+strings.Join(bench.Sections, ","))
	fs.StringVar(&c.Dir, "dir", "", "folder for the scratch databases (default: a temporary folder, removed afterwards)")
	fs.Float64Var(&c.Rate, "rate", c.Rate, "arrival rate of the page measurements, requests per second")
	fs.DurationVar(&c.Duration, "duration", c.Duration, "how long each page measurement sends requests")
	fs.IntVar(&c.Slices, "slices", c.Slices, "interleave the page measurements in this many slices each")
	fs.BoolVar(&c.Ramp, "ramp", c.Ramp, "find saturation throughput with a ramp")
	fs.DurationVar(&c.RampStep, "ramp-step", c.RampStep, "duration of one ramp step")
	fs.Float64Var(&c.RampFactor, "ramp-factor", c.RampFactor, "rate multiplier from one ramp step to the next")
	fs.IntVar(&c.RampSteps, "ramp-steps", c.RampSteps, "most ramp steps")
	fs.DurationVar(&c.WriteDuration, "write-duration", c.WriteDuration, "duration of each write measurement")
	fs.IntVar(&c.WriteWorkers, "write-workers", c.WriteWorkers, "parallel submitters")
	fs.IntVar(&c.AttachmentSize, "attachment-size", c.AttachmentSize, "bytes of the file in each submission")
	fs.DurationVar(&c.LoginDuration, "login-duration", c.LoginDuration, "duration of each login measurement")
	fs.IntVar(&c.HashSamples, "hash-samples", c.HashSamples, "argon2id hashes timed for the bound")
	fs.IntVar(&c.LoginAccounts, "login-accounts", c.LoginAccounts, "citizen accounts the logins rotate through")
	fs.Float64Var(&c.CatalogRate, "catalog-rate", c.CatalogRate, "catalogue page rate with and without the login flood, per second")
	fs.IntVar(&c.InboxRows, "inbox-rows", c.InboxRows, "submissions generated for the inbox (1000000 for the full run)")
	fs.BoolVar(&c.InboxSkipSQLite, "inbox-postgres-only", false, "measure the inbox on PostgreSQL only (needs -postgres)")
	fs.Float64Var(&c.InboxRate, "inbox-rate", c.InboxRate, "inbox queries per second")
	fs.DurationVar(&c.InboxDuration, "inbox-duration", c.InboxDuration, "duration of each inbox measurement")
	fs.IntVar(&c.SearchReps, "search-reps", c.SearchReps, "times each relevance query is timed in process")
	fs.DurationVar(&c.SearchDuration, "search-duration", c.SearchDuration, "how long the search page is loaded")
	fs.StringVar(&c.SearchQueries, "search-queries", "", "relevance `FILE` (default: internal/catalog/testdata/relevance.tsv)")
	fs.StringVar(&c.Postgres, "postgres", "", "PostgreSQL `URL` on this machine; adds the PostgreSQL lines")
	fs.DurationVar(&c.PgbenchDuration, "pgbench-duration", c.PgbenchDuration, "pgbench -T (0 skips pgbench)")
	if err := fs.Parse(args); err != nil {
		return c, out, err
	}
	if fs.NArg() > 0 {
		return c, out, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *only != "" {
		c.Only = strings.Split(*only, ",")
	}
	return c, out, c.Validate()
}
