package bench

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/serviceportal/serviceportal/internal/casework"
	"github.com/serviceportal/serviceportal/internal/store"
)

// inboxVariant is one filtered inbox a caseworker opens, with the SQL the
// inbox runs for it (for the query plan).
type inboxVariant struct {
	name   string
	filter func(t *inboxTenant) casework.Filter
	where  string
	args   func(t *inboxTenant) []any
}

var inboxVariants = []inboxVariant{
	{"state = in_pruefung", func(*inboxTenant) casework.Filter { return casework.Filter{State: "in_pruefung"} },
		"tenant_id = ? AND state = ?", func(t *inboxTenant) []any { return []any{t.t.ID, "in_pruefung"} }},
	{"one service", func(t *inboxTenant) casework.Filter { return casework.Filter{ServiceID: t.services[0]} },
		"tenant_id = ? AND service_id = ?", func(t *inboxTenant) []any { return []any{t.t.ID, t.services[0]} }},
	{"unassigned", func(*inboxTenant) casework.Filter { return casework.Filter{Unassigned: true} },
		"tenant_id = ? AND assignee_id IS NULL", func(t *inboxTenant) []any { return []any{t.t.ID} }},
	{"overdue", func(*inboxTenant) casework.Filter { return casework.Filter{Overdue: true} },
		"tenant_id = ? AND closed_at IS NULL AND deadline_at < ?", func(t *inboxTenant) []any { return []any{t.t.ID, time.Now().UTC()} }},
}

// inboxTimeout cancels an inbox query this long after it was due.
const inboxTimeout = 10 * time.Second

// runInbox generates the rows, then loads the bare indexed SELECT and each
// filtered inbox at InboxRate, and records the query plans.
func runInbox(ctx context.Context, r *Report, c Config, p *portal, dbName string, say func(string, ...any)) error {
	ts, err := p.inboxTenants(ctx)
	if err != nil {
		return err
	}
	t0 := time.Now()
	if err := generateInbox(ctx, p.db, ts, c.InboxRows, 1, func(done int) { say("inbox: %d of %d rows", done, c.InboxRows) }); err != nil {
		return err
	}
	if p.db.Dialect() == store.Postgres {
		// Autovacuum would analyse a table that grew this much within a
		// minute; do it now so the plans are the ones production gets.
		if _, err := p.db.Exec(ctx, `ANALYZE cases`); err != nil {
			return err
		}
	}
	r.note("inbox (%s): %d submissions with cases generated in %.1f s (%.0f rows/s)", dbName, c.InboxRows,
		time.Since(t0).Seconds(), float64(c.InboxRows)/time.Since(t0).Seconds())
	section := "inbox " + dbName
	load := fmt.Sprintf("open %s/s", formatFloat(c.InboxRate, 0))
	tenantFor := func(i int) *inboxTenant { return pickTenant(ts, float64((i*7919)%1000)/1000) }

	ceiling := fmt.Sprintf("bare indexed SELECT, 50 rows (%s, %d rows)", dbName, c.InboxRows)
	s := Pace(ctx, c.InboxRate, c.InboxDuration, inboxTimeout, func(ctx context.Context, i int) error {
		return bareInbox(ctx, p.db, tenantFor(i).t.ID)
	})
	r.add(Row{Section: section, Name: ceiling, Ceiling: true, Load: load, Stats: s.Summary(c.InboxDuration)})
	if err := r.plan(ctx, p.db, dbName, `SELECT id, tracking_number, state, received_at FROM cases WHERE tenant_id = ?
		ORDER BY received_at DESC, id DESC LIMIT 50`, ts[0].t.ID); err != nil {
		return err
	}
	for _, v := range inboxVariants {
		s := Pace(ctx, c.InboxRate, c.InboxDuration, inboxTimeout, func(ctx context.Context, i int) error {
			t := tenantFor(i)
			pg, err := p.uc.Cases.Inbox(ctx, t.t.ID, v.filter(t))
			if err == nil && len(pg.Cases) == 0 && v.name != "overdue" {
				err = fmt.Errorf("inbox %s of %s is empty", v.name, t.t.Slug)
			}
			return err
		})
		st := s.Summary(c.InboxDuration)
		i := r.add(Row{Section: section, Name: fmt.Sprintf("filtered inbox, 50 rows: %s", v.name), Load: load, Stats: st})
		r.compare(i, ceiling, false, true)
		table := "cases"
		if v.name == "overdue" && p.db.Dialect() == store.SQLite {
			table = "cases INDEXED BY cases_open" // as casework.Filter.table
		}
		q := `SELECT * FROM ` + table + ` WHERE ` + v.where + ` ORDER BY received_at DESC, id DESC LIMIT 51`
		if err := r.plan(ctx, p.db, dbName, q, v.args(&ts[0])...); err != nil {
			return err
		}
	}
	return nil
}

// bareInbox is the ceiling: the tenant's newest 50 cases by the inbox
// index, a few columns, nothing else.
func bareInbox(ctx context.Context, db *store.DB, tenantID string) error {
	rows, err := db.Query(ctx, `SELECT id, tracking_number, state, received_at FROM cases WHERE tenant_id = ?
		ORDER BY received_at DESC, id DESC LIMIT 50`, tenantID)
	if err != nil {
		return err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id, track, state string
		var at time.Time
		if err := rows.Scan(&id, &track, &state, &at); err != nil {
			return err
		}
		n++
	}
	if n == 0 {
		return fmt.Errorf("no cases for tenant %s", tenantID)
	}
	return rows.Err()
}

// plan records how the database runs q: EXPLAIN QUERY PLAN on SQLite,
// EXPLAIN on PostgreSQL.
func (r *Report) plan(ctx context.Context, db *store.DB, dbName, q string, args ...any) error {
	q = strings.Join(strings.Fields(q), " ")
	explain := "EXPLAIN "
	if db.Dialect() == store.SQLite {
		explain = "EXPLAIN QUERY PLAN "
	}
	rows, err := db.Query(ctx, explain+q, args...)
	if err != nil {
		return fmt.Errorf("bench: explain: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	pl := Plan{Database: dbName, Query: q}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		// The last column is the readable text on both databases.
		pl.Lines = append(pl.Lines, fmt.Sprint(asText(vals[len(vals)-1])))
	}
	r.Plans = append(r.Plans, pl)
	return rows.Err()
}

func asText(v any) any {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return v
}
