package web

import (
	"context"
	"maps"
	"slices"
	"sort"
	"time"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/web/ui"
)

// SnapshotMaturity writes down every municipality's and Kreis' maturity
// figures for the day of now. The Reifegrad follows the live
// configuration, so this is the only way the dashboard can show progress
// over time. Running it again the same day replaces that day's figures.
// It returns the number of tenants recorded.
func (u *UseCases) SnapshotMaturity(ctx context.Context, now time.Time) (int, error) {
	rep, err := u.Maturity(ctx)
	if err != nil {
		return 0, err
	}
	day := catalog.Day(now)
	for _, row := range rep.Rows {
		s := catalog.Tally(row.Tenant.ID, day, slices.Collect(maps.Values(row.Levels)))
		s.TakenAt = now
		if err := u.Catalog.RecordSnapshot(ctx, s); err != nil {
			return 0, err
		}
	}
	return len(rep.Rows), nil
}

// MaturityHistory returns the snapshots of one tenant, or with tenantID ""
// of every municipality and Kreis, from day since (YYYY-MM-DD, "" for all)
// on. Each tenant's figures are read with its own id.
func (u *UseCases) MaturityHistory(ctx context.Context, tenantID, since string) ([]ui.MaturityTrend, error) {
	tenants, err := u.Tenants.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []ui.MaturityTrend
	for _, t := range tenants {
		if t.IsRegion() || (tenantID != "" && t.ID != tenantID) {
			continue
		}
		points, err := u.Catalog.MaturityHistory(ctx, t.ID, since)
		if err != nil {
			return nil, err
		}
		out = append(out, ui.MaturityTrend{Tenant: t, Points: points})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Tenant.ShortName < out[j].Tenant.ShortName })
	return out, nil
}
