package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/bench"
)

// tinyFlags make every measurement a few requests long.
var tinyFlags = []string{"-rate", "40", "-duration", "200ms", "-ramp-step", "150ms", "-ramp-steps", "1",
	"-write-duration", "200ms", "-write-workers", "2", "-attachment-size", "10000",
	"-login-duration", "200ms", "-hash-samples", "1", "-login-accounts", "1", "-catalog-rate", "20",
	"-inbox-rows", "200", "-inbox-rate", "40", "-inbox-duration", "100ms",
	"-search-reps", "1", "-search-duration", "200ms"}

func TestFlags(t *testing.T) {
	t.Parallel()
	c, out, err := parseFlags(append([]string{"-json", "out.json", "-only", "pages,inbox"}, tinyFlags...), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if out.json != "out.json" || c.Rate != 40 || c.Duration != 200*time.Millisecond || c.InboxRows != 200 ||
		len(c.Only) != 2 || c.Only[1] != "inbox" || c.CatalogRate != 20 {
		t.Fatalf("parsed %+v, outputs %+v", c, out)
	}
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"unknown section", []string{"-only", "everything"}, 2},
		{"remote PostgreSQL", []string{"-postgres", "postgres://u@db.example.org/x"}, 2},
		{"stray argument", []string{"now"}, 2},
		{"bad rate", []string{"-rate", "0"}, 2},
		{"help", []string{"-h"}, 0},
	}
	for _, tc := range tests {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), tc.args, &out, &errOut); code != tc.code {
			t.Errorf("%s: exit %d, want %d (%s)", tc.name, code, tc.code, errOut.String())
		}
	}
}

// TestRun checks the command's plumbing: flags reach the benchmark, the
// table goes to stdout, the JSON file is written, a failed run exits 1.
// The measurements themselves are tested in internal/bench.
func TestRun(t *testing.T) {
	var got bench.Config
	runBench = func(_ context.Context, c bench.Config, _ io.Writer) (*bench.Report, error) {
		got = c
		r := &bench.Report{Machine: bench.ThisMachine(), Started: time.Now(), Config: c,
			Rows: []bench.Row{{Section: "pages", Name: "fortunes page", Ceiling: true, Load: "open 40/s", Stats: bench.Stats{Requests: 8, OK: 8, Throughput: 40}}}}
		if c.Rate == 13 {
			return r, errors.New("the portal did not start")
		}
		return r, nil
	}
	t.Cleanup(func() { runBench = bench.Run })

	path := filepath.Join(t.TempDir(), "bench.json")
	var out, errOut bytes.Buffer
	if code := run(context.Background(), append([]string{"-json", path, "-only", "pages"}, tinyFlags...), &out, &errOut); code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut.String())
	}
	if got.Rate != 40 || got.InboxRows != 200 || len(got.Only) != 1 {
		t.Errorf("the benchmark got %+v", got)
	}
	for _, want := range []string{"Machine:", "ceiling: fortunes page", "×p99"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
	var rep struct {
		Machine struct{ Cores int } `json:"machine"`
		Rows    []struct {
			Name       string  `json:"name"`
			Throughput float64 `json:"throughput_per_s"`
		} `json:"rows"`
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil || rep.Machine.Cores == 0 || len(rep.Rows) != 1 || rep.Rows[0].Throughput != 40 {
		t.Fatalf("JSON %v: %s", err, b)
	}
	out.Reset()
	errOut.Reset()
	if code := run(context.Background(), []string{"-rate", "13"}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "did not start") {
		t.Errorf("failed run: exit %d, %q", code, errOut.String())
	}
}
