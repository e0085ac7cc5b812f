package catalog_test

import (
	"context"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

// TestMaturitySnapshotUpsert records snapshots on both databases: a second
// snapshot on the same day replaces the first (the daily job and the
// start-up may both run), other days add points, and a tenant's history
// holds only its own figures.
func TestMaturitySnapshotUpsert(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat, dir := seeded(t, db)
		dorsten, _ := dir.BySlug(ctx, "dorsten")
		marl, _ := dir.BySlug(ctx, "marl")
		at := time.Date(2026, 5, 4, 3, 0, 0, 0, time.UTC)
		steps := []struct {
			name     string
			tenant   string
			day      string
			online   int
			services int
			since    string
			// want is the history of Dorsten afterwards: online count per day.
			want []int
		}{
			{"first snapshot", dorsten.ID, "2026-05-04", 3, 10, "", []int{3}},
			{"same day again replaces", dorsten.ID, "2026-05-04", 4, 10, "", []int{4}},
			{"same day, same figures", dorsten.ID, "2026-05-04", 4, 10, "", []int{4}},
			{"next day adds a point", dorsten.ID, "2026-05-05", 6, 11, "", []int{4, 6}},
			{"another tenant stays apart", marl.ID, "2026-05-05", 9, 12, "", []int{4, 6}},
			{"since leaves out earlier days", dorsten.ID, "2026-05-06", 7, 11, "2026-05-05", []int{6, 7}},
		}
		for _, st := range steps {
			s := catalog.Snapshot{TenantID: st.tenant, Day: st.day, Services: st.services, Online: st.online, TakenAt: at}
			s.Levels11[2] = st.online
			if err := cat.RecordSnapshot(ctx, s); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			hist, err := cat.MaturityHistory(ctx, dorsten.ID, st.since)
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			var got []int
			for _, h := range hist {
				if h.TenantID != dorsten.ID {
					t.Fatalf("%s: Dorsten's history holds %s", st.name, h.TenantID)
				}
				got = append(got, h.Online)
			}
			if len(got) != len(st.want) {
				t.Fatalf("%s: history %v, want %v", st.name, got, st.want)
			}
			for i := range got {
				if got[i] != st.want[i] {
					t.Fatalf("%s: history %v, want %v", st.name, got, st.want)
				}
			}
		}
		hist, _ := cat.MaturityHistory(ctx, dorsten.ID, "")
		last := hist[len(hist)-1]
		if last.Day != "2026-05-06" || last.Levels11[2] != 7 || !last.TakenAt.Equal(at) {
			t.Fatalf("last snapshot read back as %+v", last)
		}
	})
}

// TestTally counts levels; state-portal services are left out.
func TestTally(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                        string
		levels                      [][2]int
		services, online, compliant int
		share                       float64
	}{
		{"none", nil, 0, 0, 0, 0},
		{"mixed", [][2]int{{1, 1}, {2, 2}, {3, 4}, {-1, -1}}, 3, 2, 1, 200.0 / 3},
		{"all online", [][2]int{{4, 5}, {2, 2}}, 2, 2, 1, 100},
	}
	for _, tt := range tests {
		var ms []catalog.Maturity
		for _, l := range tt.levels {
			ms = append(ms, catalog.Maturity{Level11: l[0], Level20: l[1]})
		}
		s := catalog.Tally("t", "2026-05-04", ms)
		if s.Services != tt.services || s.Online != tt.online || s.Compliant != tt.compliant || s.SharePercent() != tt.share {
			t.Errorf("%s: %+v share %.1f", tt.name, s, s.SharePercent())
		}
	}
}
