package submission

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
)

// After is a position in a tenant's applications in the order they
// committed: the list continues with what comes after it. The zero value
// starts at the beginning; a position with only SubmittedAt starts at the
// applications submitted at or after that time.
type After struct {
	// Seq is the position in commit order (see migration 0024): SQLite's
	// rowid, or the inserting PostgreSQL transaction's ID. With ID set,
	// the list goes on after that application of transaction Seq; with
	// ID empty, after all of Seq. Zero falls back to SubmittedAt and ID.
	Seq int64
	// SubmittedAt and ID are the position of an older cursor, or a start
	// time from the client.
	SubmittedAt time.Time
	ID          string
}

// Since lists a tenant's submissions after pos in the order they
// committed, at most limit of them, and the position to continue from.
// services limits the list to those service IDs; nil means all of the
// tenant's services, and an empty non-nil slice lists nothing. Back-end
// systems page through new applications with it: a position never lets a
// later commit slip in behind it, so a system that follows it misses
// none.
func (s *Service) Since(ctx context.Context, tenantID string, services []string, pos After, limit int) ([]Summary, After, error) {
	if services != nil && len(services) == 0 {
		return nil, pos, nil
	}
	pg := s.db.Dialect() == store.Postgres
	// The horizon is read first: everything at or below it has committed
	// (or never will), and what commits later lies above it.
	horizonQ, seqCol, seqText := `SELECT COALESCE(MAX(rowid), 0) FROM submissions`, `rowid`, `CAST(rowid AS TEXT)`
	if pg {
		horizonQ, seqCol, seqText = `SELECT (pg_snapshot_xmin(pg_current_snapshot())::text::bigint) - 1`, `txid`, `txid::text`
	}
	var horizon int64
	if err := s.db.QueryRow(ctx, horizonQ).Scan(&horizon); err != nil {
		return nil, pos, fmt.Errorf("submission: since: %w", err)
	}
	seqArg, seqVal := `?`, func(n int64) any { return n }
	if pg {
		// xid8 has no binary form in the driver; it travels as text.
		seqArg, seqVal = `CAST(CAST(? AS text) AS xid8)`, func(n int64) any { return strconv.FormatInt(n, 10) }
	}
	from := `submissions`
	if !pg && pos.Seq > 0 {
		// From a cursor, the rowid range holds what is new in every
		// tenant since the cursor (see the end): a short walk. The tenant
		// indexes would read and sort all of the tenant's rows each time.
		from = `submissions NOT INDEXED`
	}
	q := `SELECT id, tenant_id, service_id, tracking_number, status, submitted_at, ` + seqText + ` FROM ` + from + `
		WHERE tenant_id = ? AND ` + seqCol + ` <= ` + seqArg
	args := []any{tenantID, seqVal(horizon)}
	switch {
	case pos.Seq > 0 && pos.ID != "" && pg:
		// One transaction can insert several applications. The first
		// bound alone is an index range; the second filters its first
		// transaction only.
		q += ` AND ` + seqCol + ` >= ` + seqArg + ` AND (` + seqCol + ` > ` + seqArg + ` OR id > ?)`
		args = append(args, seqVal(pos.Seq), seqVal(pos.Seq), pos.ID)
	case pos.Seq > 0: // a rowid is one application's
		q += ` AND ` + seqCol + ` > ` + seqArg
		args = append(args, seqVal(pos.Seq))
	case !pos.SubmittedAt.IsZero():
		// Written out rather than as a row comparison, which SQLite and
		// PostgreSQL both have but the planner uses less reliably.
		q += ` AND (submitted_at > ? OR (submitted_at = ? AND id > ?))`
		at := pos.SubmittedAt.UTC()
		args = append(args, at, at, pos.ID)
	}
	if services != nil {
		q += ` AND service_id IN (?` + strings.Repeat(`, ?`, len(services)-1) + `)`
		for _, id := range services {
			args = append(args, id)
		}
	}
	order := ` ORDER BY rowid LIMIT ?`
	if pg {
		order = ` ORDER BY txid, id LIMIT ?`
	}
	q += order
	args = append(args, limit)
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, pos, fmt.Errorf("submission: since: %w", err)
	}
	defer rows.Close()
	var out []Summary
	var last After
	for rows.Next() {
		var m Summary
		var seq string
		if err := rows.Scan(&m.ID, &m.TenantID, &m.ServiceID, &m.TrackingNumber, &m.Status, &m.SubmittedAt, &seq); err != nil {
			return nil, pos, fmt.Errorf("submission: since: %w", err)
		}
		out = append(out, m)
		last = After{SubmittedAt: m.SubmittedAt, ID: m.ID}
		if last.Seq, err = strconv.ParseInt(seq, 10, 64); err != nil {
			return nil, pos, fmt.Errorf("submission: since: position %q: %w", seq, err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, pos, fmt.Errorf("submission: since: %w", err)
	}
	if len(out) == limit {
		return out, last, nil
	}
	// Everything up to the horizon is listed: the next list starts above
	// it, however long the tenant has nothing new, instead of reading
	// other tenants' newer rows again each time.
	if horizon > 0 && horizon >= pos.Seq {
		return out, After{Seq: horizon}, nil
	}
	return out, pos, nil
}

// scanSummaries reads rows of id, tenant_id, service_id, tracking_number,
// status, submitted_at and closes them.
func scanSummaries(rows *sql.Rows) ([]Summary, error) {
	defer rows.Close()
	var out []Summary
	for rows.Next() {
		var m Summary
		if err := rows.Scan(&m.ID, &m.TenantID, &m.ServiceID, &m.TrackingNumber, &m.Status, &m.SubmittedAt); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
