package bench

import (
	"bufio"
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// QueryTiming is one relevance query's in-process search time.
type QueryTiming struct {
	Query string `json:"query"`
	Hits  int    `json:"hits"`
	P50   Millis `json:"p50_ms"`
	P99   Millis `json:"p99_ms"`
	Max   Millis `json:"max_ms"`
}

const searchPageName = "search page /dorsten/suche?q=… (relevance queries in turn)"

// runSearch times every relevance query against the portal's search index
// in process, then loads the search page with the queries in turn at the
// page rate and compares it with the fortunes page.
func runSearch(ctx context.Context, r *Report, c Config, p *portal, queriesFile string) error {
	queries, err := relevanceQueries(queriesFile)
	if err != nil {
		return err
	}
	all := &Sample{}
	for _, q := range queries {
		s := &Sample{}
		hits := 0
		for range c.SearchReps {
			t := time.Now()
			hs, err := p.uc.Search.Search(ctx, q, p.dorsten.ID, 15)
			d := time.Since(t)
			if err != nil {
				return fmt.Errorf("bench: search %q: %w", q, err)
			}
			hits = len(hs)
			s.Add(t, d, true, 0)
			all.Add(t, d, true, 0)
		}
		st := s.Summary(0)
		r.Searches = append(r.Searches, QueryTiming{Query: q, Hits: hits, P50: st.P50, P99: st.P99, Max: st.Max})
	}
	r.add(Row{Section: "search", Name: fmt.Sprintf("catalogue search in process (Index.Search, %d queries × %d)", len(queries), c.SearchReps),
		Load: "closed 1", Stats: all.Summary(0), Note: "worst query p99 " + r.slowestQueries(1)})

	var targets []Target
	for _, q := range queries {
		targets = append(targets, Target{URL: p.base + "/dorsten/suche?q=" + url.QueryEscape(q)})
	}
	if err := expectPage(ctx, targets[0].URL, queries[0]); err != nil {
		return err
	}
	s, err := Load{Rate: c.Rate, Duration: c.SearchDuration, Targets: targets}.Run(ctx)
	if err != nil {
		return err
	}
	i := r.add(Row{Section: "search", Name: searchPageName, Load: fmt.Sprintf("open %s/s", formatFloat(c.Rate, 0)), Stats: s.Summary(c.SearchDuration)})
	r.compare(i, fortunesName, true, true)
	return nil
}

// slowestQueries names the n queries with the highest p99.
func (r *Report) slowestQueries(n int) string {
	qs := slices.Clone(r.Searches)
	slices.SortFunc(qs, func(a, b QueryTiming) int { return int(b.P99 - a.P99) })
	var parts []string
	for _, q := range qs[:min(n, len(qs))] {
		parts = append(parts, fmt.Sprintf("%s ms (%q)", q.P99, q.Query))
	}
	return strings.Join(parts, ", ")
}

// relevanceQueries reads the citizens' queries of the catalogue's relevance
// set (internal/catalog/testdata/relevance.tsv: query, tab, expected slug).
// Without a file named, it is found next to this source file or below the
// working directory's module root.
func relevanceQueries(path string) ([]string, error) {
	if path == "" {
		path = findRelevanceFile()
	}
	if path == "" {
		return nil, fmt.Errorf("bench: internal/catalog/testdata/relevance.tsv not found; run from the repository or give -search-queries")
	}
	f, err := os.Open(path) // #nosec G304 -- the benchmark's own -search-queries flag
	if err != nil {
		return nil, fmt.Errorf("bench: search queries: %w", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for first := true; sc.Scan(); first = false {
		q, _, _ := strings.Cut(sc.Text(), "\t")
		if q = strings.TrimSpace(q); first || q == "" {
			continue
		}
		out = append(out, q)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("bench: %s holds no queries", path)
	}
	return out, sc.Err()
}

func findRelevanceFile() string {
	const rel = "internal/catalog/testdata/relevance.tsv"
	var candidates []string
	if _, src, _, ok := runtime.Caller(0); ok {
		candidates = append(candidates, filepath.Join(filepath.Dir(src), "..", "catalog", "testdata", "relevance.tsv"))
	}
	if wd, err := os.Getwd(); err == nil {
		for dir := wd; ; dir = filepath.Dir(dir) {
			candidates = append(candidates, filepath.Join(dir, rel))
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	for _, c := range candidates {
		if _, err := os.Stat(c); err == nil {
			return c
		}
	}
	return ""
}
