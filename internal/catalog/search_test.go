package catalog_test

import (
	"bufio"
	"context"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

type relevanceCase struct{ query, want string }

func relevanceSet(t testing.TB) []relevanceCase {
	t.Helper()
	f, err := os.Open("testdata/relevance.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []relevanceCase
	sc := bufio.NewScanner(f)
	for first := true; sc.Scan(); first = false {
		q, want, ok := strings.Cut(sc.Text(), "\t")
		if first || !ok || strings.TrimSpace(q) == "" {
			continue
		}
		cases = append(cases, relevanceCase{strings.TrimSpace(q), strings.TrimSpace(want)})
	}
	return cases
}

func newIndex(t testing.TB, db *store.DB) *catalog.Index {
	t.Helper()
	cat, _ := seeded(t, db)
	syn, err := catalog.DefaultSynonyms()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := catalog.NewIndex(context.Background(), cat, syn)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// TestSearchRelevance runs the citizens' queries of testdata/relevance.tsv
// and fails when fewer than 90 % find the expected service in the top 3.
func TestSearchRelevance(t *testing.T) {
	t.Parallel()
	ix := newIndex(t, storetest.Open(t, store.SQLite))
	cases := relevanceSet(t)
	if len(cases) < 60 {
		t.Fatalf("relevance set has %d queries, want at least 60", len(cases))
	}
	found := 0
	for _, c := range cases {
		hits, err := ix.Search(context.Background(), c.query, "", 3)
		if err != nil {
			t.Fatal(err)
		}
		ok := false
		var got []string
		for _, h := range hits {
			got = append(got, h.Service.Slug)
			ok = ok || h.Service.Slug == c.want
		}
		if ok {
			found++
		} else {
			t.Logf("miss: %q → %v, want %s", c.query, got, c.want)
		}
	}
	share := float64(found) / float64(len(cases))
	t.Logf("relevance: %d of %d queries (%.1f %%) find the expected service in the top 3", found, len(cases), 100*share)
	if share < 0.9 {
		t.Errorf("relevance %.1f %% is below 90 %%", 100*share)
	}
}

func TestSearchRanksOwnServicesFirstAndFoldsSpelling(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ix := newIndex(t, db)
		ctx := context.Background()
		for _, q := range []string{"Fuehrerschein", "Führerschein", "fuhrerschein"} {
			hits, err := ix.Search(ctx, q, "", 3)
			if err != nil || len(hits) == 0 || !strings.Contains(hits[0].Service.Slug, "fuehrerschein") {
				t.Errorf("%q: %v (%v)", q, slugs(hits), err)
			}
		}
		hits, err := ix.Search(ctx, "xyzzy qwrtz", "", 5)
		if err != nil || len(hits) != 0 {
			t.Errorf("nonsense query found %v (%v)", slugs(hits), err)
		}
		if len(ix.Suggestions("", 5)) == 0 {
			t.Error("no suggestions for an empty result")
		}
	})
}

func slugs(hits []catalog.Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Service.Slug)
	}
	return out
}

// BenchmarkSearch runs the relevance queries against the index and reports
// p50 and p99 per query (target: p99 under 10 ms on two cores).
func BenchmarkSearch(b *testing.B) {
	ix := newIndex(b, storetest.Open(b, store.SQLite))
	cases := relevanceSet(b)
	ctx := context.Background()
	durations := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		c := cases[i%len(cases)]
		start := time.Now()
		if _, err := ix.Search(ctx, c.query, "", 10); err != nil {
			b.Fatal(err)
		}
		durations = append(durations, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
	b.ReportMetric(float64(durations[len(durations)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(durations[len(durations)*99/100].Microseconds()), "p99-µs")
}
