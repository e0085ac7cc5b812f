package app

import (
	"bytes"
	"context"
	"log/slog"
	"testing"

	"github.com/riverqueue/river"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/seed"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/web"
)

// TestMaturitySnapshotJob runs the daily job twice on one day (start-up
// and schedule): every municipality and Kreis gets exactly one point, the
// region none.
func TestMaturitySnapshotJob(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := seed.All(ctx, db); err != nil {
			t.Fatal(err)
		}
		uc, err := web.NewUseCases(ctx, db, bytes.Repeat([]byte{5}, 32))
		if err != nil {
			t.Fatal(err)
		}
		w := &maturitySnapshotWorker{uc: uc, log: slog.New(slog.DiscardHandler)}
		for range 2 {
			if err := w.Work(ctx, &river.Job[maturitySnapshotArgs]{}); err != nil {
				t.Fatal(err)
			}
		}
		tenants, _ := uc.Tenants.List(ctx)
		for _, tn := range tenants {
			hist, err := uc.Catalog.MaturityHistory(ctx, tn.ID, "")
			want := 1
			if tn.IsRegion() {
				want = 0
			}
			if err != nil || len(hist) != want {
				t.Fatalf("%s: %d points, want %d (%v)", tn.ShortName, len(hist), want, err)
			}
			if want == 1 && (hist[0].Services == 0 || hist[0].Day != catalog.Day(hist[0].TakenAt)) {
				t.Errorf("%s: %+v", tn.ShortName, hist[0])
			}
		}
	})
}
