package submission

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// After is a position in a tenant's applications ordered by submission
// time and ID: the list continues with what comes after it. The zero value
// starts at the beginning.
type After struct {
	SubmittedAt time.Time
	ID          string
}

// Since lists a tenant's submissions after pos, oldest first, at most
// limit of them. services limits the list to those service IDs; nil means
// all of the tenant's services, and an empty non-nil slice lists nothing.
// Back-end systems page through new applications with it.
func (s *Service) Since(ctx context.Context, tenantID string, services []string, pos After, limit int) ([]Summary, error) {
	if services != nil && len(services) == 0 {
		return nil, nil
	}
	q := `SELECT id, tenant_id, service_id, tracking_number, status, submitted_at FROM submissions WHERE tenant_id = ?`
	args := []any{tenantID}
	if !pos.SubmittedAt.IsZero() {
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
	q += ` ORDER BY submitted_at, id LIMIT ?`
	args = append(args, limit)
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("submission: since: %w", err)
	}
	return scanSummaries(rows)
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
