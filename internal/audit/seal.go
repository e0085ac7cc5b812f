package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// sealBatch is how many pending events one sealing transaction chains.
// It bounds how long the chain head stays locked.
const sealBatch = 500

// insertRows is how many events one INSERT statement carries: 10
// parameters each stays far below both databases' parameter limits.
const insertRows = 100

// Seal gives the tenant's pending events their place in the hash chain,
// oldest first, and returns how many it sealed. Sealing is the only writer
// of audit_events: it locks the chain head (on SQLite the one writer does),
// so sealers in several processes take turns and never fork the chain.
func (l *Log) Seal(ctx context.Context, tenantID string) (int, error) {
	// Most calls (List, Verify) find nothing to seal: a read answers that
	// without the write transaction that claiming the head would be.
	var id string
	switch err := l.db.QueryRow(ctx, `SELECT id FROM audit_pending WHERE tenant_id = ? LIMIT 1`, tenantID).Scan(&id); {
	case errors.Is(err, sql.ErrNoRows):
		return 0, nil
	case err != nil:
		return 0, fmt.Errorf("audit: pending: %w", err)
	}
	return l.sealTenant(ctx, tenantID)
}

// sealTenant seals batch after batch until the tenant has none left.
func (l *Log) sealTenant(ctx context.Context, tenantID string) (int, error) {
	total := 0
	for {
		n, err := l.sealOnce(ctx, tenantID)
		total += n
		if err != nil || n < sealBatch {
			return total, err
		}
	}
}

func (l *Log) sealOnce(ctx context.Context, tenantID string) (int, error) {
	var n int
	err := l.db.InTx(ctx, func(ctx context.Context) error {
		// Claim the head first, in one statement that creates it if need
		// be. On PostgreSQL each later statement reads a fresh snapshot, so
		// a sealer that waited here does not see events already sealed.
		var seq int64
		var prev string
		if err := l.db.QueryRow(ctx, `INSERT INTO audit_heads (tenant_id, seq, hash) VALUES (?, 0, ?)
			ON CONFLICT (tenant_id) DO UPDATE SET seq = audit_heads.seq RETURNING seq, hash`, tenantID, genesis).Scan(&seq, &prev); err != nil {
			return fmt.Errorf("audit: head: %w", err)
		}
		evs, details, err := l.pending(ctx, tenantID)
		if err != nil || len(evs) == 0 {
			return err
		}
		prevs := make([]string, len(evs))
		for i := range evs {
			seq++
			evs[i].Seq = seq
			prevs[i] = prev
			evs[i].Hash = chainHash(prev, evs[i], details[i])
			prev = evs[i].Hash
		}
		for i := 0; i < len(evs); i += insertRows {
			j := min(i+insertRows, len(evs))
			if err := l.chain(ctx, evs[i:j], details[i:j], prevs[i:j]); err != nil {
				return err
			}
		}
		if _, err := l.db.Exec(ctx, `UPDATE audit_heads SET seq = ?, hash = ? WHERE tenant_id = ?`, seq, prev, tenantID); err != nil {
			return fmt.Errorf("audit: advance head: %w", err)
		}
		n = len(evs)
		return nil
	})
	return n, err
}

// pending reads the oldest pending events of the tenant with their details
// as stored, which the hash covers byte for byte.
func (l *Log) pending(ctx context.Context, tenantID string) ([]Event, []string, error) {
	rows, err := l.db.Query(ctx, `SELECT id, at, actor, action, object, details FROM audit_pending
		WHERE tenant_id = ? ORDER BY at, id LIMIT ?`, tenantID, sealBatch)
	if err != nil {
		return nil, nil, fmt.Errorf("audit: pending: %w", err)
	}
	defer rows.Close()
	var evs []Event
	var details []string
	for rows.Next() {
		e := Event{TenantID: tenantID}
		var d string
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Object, &d); err != nil {
			return nil, nil, fmt.Errorf("audit: pending: %w", err)
		}
		e.At = e.At.UTC()
		evs = append(evs, e)
		details = append(details, d)
	}
	return evs, details, rows.Err()
}

// chain moves a run of sealed events from audit_pending to audit_events,
// one statement for each table.
func (l *Log) chain(ctx context.Context, evs []Event, details, prevs []string) error {
	args := make([]any, 0, 10*len(evs))
	ids := make([]any, 0, len(evs)+1)
	for i, e := range evs {
		args = append(args, e.TenantID, e.Seq, e.ID, e.At, e.Actor, e.Action, e.Object, details[i], prevs[i], e.Hash)
		ids = append(ids, e.ID)
	}
	const row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	if _, err := l.db.Exec(ctx, `INSERT INTO audit_events (tenant_id, seq, id, at, actor, action, object, details, prev_hash, hash)
		VALUES `+row+strings.Repeat(", "+row, len(evs)-1), args...); err != nil {
		return fmt.Errorf("audit: append: %w", err)
	}
	ids = append(ids, evs[0].TenantID)
	if _, err := l.db.Exec(ctx, `DELETE FROM audit_pending WHERE id IN (?`+strings.Repeat(", ?", len(evs)-1)+`) AND tenant_id = ?`, ids...); err != nil {
		return fmt.Errorf("audit: clear pending: %w", err)
	}
	return nil
}

// SealAll seals the pending events of every tenant that has some.
func (l *Log) SealAll(ctx context.Context) (int, error) {
	rows, err := l.db.Query(ctx, `SELECT DISTINCT tenant_id FROM audit_pending`)
	if err != nil {
		return 0, fmt.Errorf("audit: pending tenants: %w", err)
	}
	var tenants []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("audit: pending tenants: %w", err)
		}
		tenants = append(tenants, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	total := 0
	for _, id := range tenants {
		n, err := l.sealTenant(ctx, id)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// Run seals pending events every interval until ctx ends; an event thus
// waits at most about one interval for its place in the chain. A failed
// round is logged and retried at the next tick: the events stay pending,
// nothing is lost.
func (l *Log) Run(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := l.SealAll(ctx); err != nil && ctx.Err() == nil {
				log.Warn("audit: sealing failed; the events stay pending", "err", err)
			}
		}
	}
}
