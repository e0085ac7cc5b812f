package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

func TestSummary(t *testing.T) {
	t.Parallel()
	s := &Sample{}
	start := time.Unix(1000, 0)
	for i := 1; i <= 100; i++ {
		s.Add(start.Add(time.Duration(i)*10*time.Millisecond), time.Duration(i)*time.Millisecond, i%10 != 0, 200)
	}
	st := s.Summary(0)
	tests := []struct {
		name      string
		got, want any
	}{
		{"requests", st.Requests, 100},
		{"ok", st.OK, 90},
		{"p50", time.Duration(st.P50), 50 * time.Millisecond},
		{"p99", time.Duration(st.P99), 99 * time.Millisecond},
		{"max", time.Duration(st.Max), 100 * time.Millisecond},
		{"error rate", st.ErrorRate, 0.1},
		{"codes", st.Codes[200], 100},
		// From the first start (10 ms) to the last end (1000 ms + 100 ms).
		{"window", time.Duration(st.Window), 1090 * time.Millisecond},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	if w := s.Summary(2 * time.Second); time.Duration(w.Window) != 2*time.Second || w.Throughput != 45 {
		t.Errorf("with a 2 s window: %v, %v/s; want 2s, 45/s", time.Duration(w.Window), w.Throughput)
	}
	// Two slices of one second each, an hour apart: the window is their sum.
	merged := &Sample{}
	for k := range 2 {
		part := &Sample{}
		at := start.Add(time.Duration(k) * time.Hour)
		part.Add(at, time.Millisecond, true, 200)
		part.Add(at.Add(500*time.Millisecond), 3*time.Millisecond, false, 503)
		merged.Merge(part, time.Second)
	}
	if m := merged.Summary(0); m.Requests != 4 || m.OK != 2 || time.Duration(m.Window) != 2*time.Second || m.Throughput != 1 || m.Codes[503] != 2 {
		t.Errorf("merged: %+v", m)
	}
	if empty := (&Sample{}).Summary(time.Second); empty.Requests != 0 || empty.P99 != 0 {
		t.Errorf("empty sample: %+v", empty)
	}
}

func TestLoopbackOnly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url string
		ok  bool
	}{
		{"http://127.0.0.1:8080/x", true},
		{"http://127.0.0.2:1/", true},
		{"http://localhost:8080/", true},
		{"http://[::1]:8080/", true},
		{"http://10.0.0.1/", false},
		{"http://example.org/", false},
		{"http://0.0.0.0:80/", false},
	}
	for _, tc := range tests {
		if err := checkLoopback(tc.url); (err == nil) != tc.ok {
			t.Errorf("checkLoopback(%s) = %v, want ok=%v", tc.url, err, tc.ok)
		}
	}
	pg := []struct {
		url string
		ok  bool
	}{
		{"postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", true},
		{"postgres:///postgres?host=/var/run/postgresql", true},
		{"postgresql://u@localhost/db", true},
		{"postgres://u@db.example.org/db", false},
		{"postgres://u@127.0.0.1/db?host=10.1.1.1", false},
		{"mysql://127.0.0.1/db", false},
	}
	for _, tc := range pg {
		if err := checkPostgresLoopback(tc.url); (err == nil) != tc.ok {
			t.Errorf("checkPostgresLoopback(%s) = %v, want ok=%v", tc.url, err, tc.ok)
		}
	}
	if _, err := (Load{Rate: 1, Duration: time.Millisecond, Targets: []Target{{URL: "http://192.0.2.1/"}}}).Run(context.Background()); err == nil {
		t.Error("a load against a non-loopback address was not refused")
	}
}

func TestHelpers(t *testing.T) {
	t.Parallel()
	if got := placeholders(2, 3); got != "(?, ?, ?), (?, ?, ?)" {
		t.Errorf("placeholders = %q", got)
	}
	if got := libpqURL("postgres://u:p@127.0.0.1:5432/postgres?sslmode=disable&search_path=x&pool_max_conns=3", "scratch"); got != "postgres://u:p@127.0.0.1:5432/scratch?sslmode=disable" {
		t.Errorf("libpqURL = %q", got)
	}
	if got := codesText(map[int]int{503: 2, 200: 5}); got != "200×5 503×2" {
		t.Errorf("codesText = %q", got)
	}
	c := Defaults()
	c.Only = []string{"pages", "nonsense"}
	if err := c.Validate(); err == nil {
		t.Error("an unknown section was accepted")
	}
}

// TestRunTiny runs every measurement with a few requests each, on SQLite
// and, when SERVICEPORTAL_TEST_DATABASE_URL is set, PostgreSQL too, so the
// benchmark cannot rot unnoticed.
func TestRunTiny(t *testing.T) {
	t.Parallel()
	c := Tiny()
	c.Dir = t.TempDir()
	c.Postgres = os.Getenv(storetest.EnvDatabaseURL)
	var progress bytes.Buffer
	rep, err := Run(context.Background(), c, &progress)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, progress.String())
	}
	t.Log(progress.String())
	sections := map[string]bool{}
	for _, r := range rep.Rows {
		sections[r.Section] = true
		if r.Requests == 0 && r.Throughput == 0 {
			t.Errorf("%s: nothing measured", r.Name)
		}
	}
	want := []string{"pages", "saturation", "search", "logins", "writes", "inbox SQLite"}
	if c.Postgres != "" {
		want = append(want, "inbox PostgreSQL")
	}
	for _, s := range want {
		if !sections[s] {
			t.Errorf("no %q lines in the report", s)
		}
	}
	names := []string{servicePageName, loginsName}
	for _, fl := range flows {
		names = append(names, subsName("SQLite", c, fl))
	}
	for _, name := range names {
		if r := rep.find(name); r == nil || len(r.Ratios) == 0 {
			t.Errorf("%s: no ratio to its ceiling", name)
		}
	}
	if len(rep.Plans) == 0 || len(rep.Searches) == 0 {
		t.Errorf("plans %d, search queries %d", len(rep.Plans), len(rep.Searches))
	}
	var table bytes.Buffer
	rep.PrintTable(&table)
	for _, s := range []string{"Machine:", "×tput", "ceiling: " + fortunesName, "Query plan"} {
		if !strings.Contains(table.String(), s) {
			t.Errorf("table lacks %q:\n%s", s, table.String())
		}
	}
	path := filepath.Join(t.TempDir(), "bench.json")
	if err := rep.WriteJSON(path); err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	b, _ := os.ReadFile(path)
	if err := json.Unmarshal(b, &back); err != nil || back["rows"] == nil || back["machine"] == nil {
		t.Fatalf("JSON: %v\n%s", err, b)
	}
}
