package catalog

import (
	"context"
	"fmt"
	"time"
	_ "time/tzdata" // Europe/Berlin must resolve on hosts without zoneinfo
)

// berlin is the region's time zone: a snapshot's day is the local
// calendar day, so figures taken just after midnight count for the new day.
var berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.FixedZone("MEZ", 3600)
	}
	return loc
}()

// Day is the calendar day of t in Europe/Berlin, as snapshots key it.
func Day(t time.Time) string { return t.In(berlin).Format(time.DateOnly) }

// Snapshot is one tenant's maturity figures on one day. The Reifegrad is
// computed from the live configuration, so the dashboard's progress over
// time can only come from figures written down on the day.
type Snapshot struct {
	TenantID string
	// Day is the calendar day in Europe/Berlin, YYYY-MM-DD.
	Day string
	// Services counts the services the portal can assess (state-portal
	// services are left out); Online those on model 1.1 level 2 or more;
	// Compliant those on level 3 or more.
	Services, Online, Compliant int
	// Levels11 and Levels20 count the services on each level of model 1.1
	// (0–4) and model 2.0 (0–7).
	Levels11 [5]int
	Levels20 [8]int
	TakenAt  time.Time
}

// SharePercent is the share of assessed services that can be applied for
// online, in percent (0 without any services).
func (s Snapshot) SharePercent() float64 {
	if s.Services == 0 {
		return 0
	}
	return 100 * float64(s.Online) / float64(s.Services)
}

// Tally sums a tenant's assessed services into a snapshot for day.
func Tally(tenantID, day string, levels []Maturity) Snapshot {
	s := Snapshot{TenantID: tenantID, Day: day}
	for _, m := range levels {
		if m.Level11 < 0 {
			continue
		}
		s.Services++
		if m.Level11 >= 2 {
			s.Online++
		}
		if m.Level11 >= 3 {
			s.Compliant++
		}
		s.Levels11[min(m.Level11, len(s.Levels11)-1)]++
		s.Levels20[min(max(m.Level20, 0), len(s.Levels20)-1)]++
	}
	return s
}

const snapshotColumns = `tenant_id, day, services, online, compliant, l11_0, l11_1, l11_2, l11_3, l11_4,
	l20_0, l20_1, l20_2, l20_3, l20_4, l20_5, l20_6, l20_7, taken_at`

// RecordSnapshot stores the tenant's figures for the day, replacing those
// stored earlier that day: the daily job and the start-up may both run,
// and the day keeps its latest figures.
func (c *Catalog) RecordSnapshot(ctx context.Context, s Snapshot) error {
	l1, l2 := s.Levels11, s.Levels20
	_, err := c.db.Exec(ctx, `INSERT INTO maturity_snapshots (`+snapshotColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, day) DO UPDATE SET services = excluded.services, online = excluded.online,
		compliant = excluded.compliant, l11_0 = excluded.l11_0, l11_1 = excluded.l11_1, l11_2 = excluded.l11_2,
		l11_3 = excluded.l11_3, l11_4 = excluded.l11_4, l20_0 = excluded.l20_0, l20_1 = excluded.l20_1,
		l20_2 = excluded.l20_2, l20_3 = excluded.l20_3, l20_4 = excluded.l20_4, l20_5 = excluded.l20_5,
		l20_6 = excluded.l20_6, l20_7 = excluded.l20_7, taken_at = excluded.taken_at`,
		s.TenantID, s.Day, s.Services, s.Online, s.Compliant, l1[0], l1[1], l1[2], l1[3], l1[4],
		l2[0], l2[1], l2[2], l2[3], l2[4], l2[5], l2[6], l2[7], s.TakenAt.UTC())
	if err != nil {
		return fmt.Errorf("catalog: record maturity snapshot: %w", err)
	}
	return nil
}

// MaturityHistory lists the tenant's snapshots from day since (YYYY-MM-DD,
// inclusive; "" for all), oldest first.
func (c *Catalog) MaturityHistory(ctx context.Context, tenantID, since string) ([]Snapshot, error) {
	rows, err := c.db.Query(ctx, `SELECT `+snapshotColumns+` FROM maturity_snapshots
		WHERE tenant_id = ? AND day >= ? ORDER BY day`, tenantID, since)
	if err != nil {
		return nil, fmt.Errorf("catalog: maturity history: %w", err)
	}
	defer rows.Close()
	var out []Snapshot
	for rows.Next() {
		var s Snapshot
		l1, l2 := &s.Levels11, &s.Levels20
		if err := rows.Scan(&s.TenantID, &s.Day, &s.Services, &s.Online, &s.Compliant, &l1[0], &l1[1], &l1[2], &l1[3], &l1[4],
			&l2[0], &l2[1], &l2[2], &l2[3], &l2[4], &l2[5], &l2[6], &l2[7], &s.TakenAt); err != nil {
			return nil, fmt.Errorf("catalog: maturity history: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
