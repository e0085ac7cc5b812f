package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// ErrBroken reports a chain that does not verify.
var ErrBroken = errors.New("audit: chain broken")

// Verify seals the tenant's pending events, then recomputes the chain and
// compares it with the stored hashes and the head; it returns the number
// of events checked.
func (l *Log) Verify(ctx context.Context, tenantID string) (int64, error) {
	if _, err := l.Seal(ctx, tenantID); err != nil {
		return 0, err
	}
	rows, err := l.db.Query(ctx, `SELECT seq, id, at, actor, action, object, details, prev_hash, hash
		FROM audit_events WHERE tenant_id = ? ORDER BY seq`, tenantID)
	if err != nil {
		return 0, fmt.Errorf("audit: verify: %w", err)
	}
	defer rows.Close()
	prev, n := genesis, int64(0)
	for rows.Next() {
		e := Event{TenantID: tenantID}
		var details, storedPrev string
		if err := rows.Scan(&e.Seq, &e.ID, &e.At, &e.Actor, &e.Action, &e.Object, &details, &storedPrev, &e.Hash); err != nil {
			return n, fmt.Errorf("audit: verify: %w", err)
		}
		n++
		if e.Seq != n || storedPrev != prev || chainHash(prev, e, details) != e.Hash {
			return n, fmt.Errorf("%w at event %d of tenant %s", ErrBroken, e.Seq, tenantID)
		}
		prev = e.Hash
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	var headSeq int64
	var headHash string
	err = l.db.QueryRow(ctx, `SELECT seq, hash FROM audit_heads WHERE tenant_id = ?`, tenantID).Scan(&headSeq, &headHash)
	if errors.Is(err, sql.ErrNoRows) && n == 0 {
		return 0, nil
	}
	if err != nil {
		return n, fmt.Errorf("audit: verify head: %w", err)
	}
	if headSeq != n || headHash != prev {
		return n, fmt.Errorf("%w: events after %d are missing", ErrBroken, n)
	}
	return n, nil
}

// List returns the tenant's newest events, newest first. It seals pending
// events first, so an action taken a moment ago is listed with its place
// in the chain.
func (l *Log) List(ctx context.Context, tenantID string, limit int) ([]Event, error) {
	if _, err := l.Seal(ctx, tenantID); err != nil {
		return nil, err
	}
	rows, err := l.db.Query(ctx, `SELECT seq, id, at, actor, action, object, details, hash
		FROM audit_events WHERE tenant_id = ? ORDER BY seq DESC LIMIT ?`, tenantID, limit)
	if err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e := Event{TenantID: tenantID}
		var details string
		if err := rows.Scan(&e.Seq, &e.ID, &e.At, &e.Actor, &e.Action, &e.Object, &details, &e.Hash); err != nil {
			return nil, fmt.Errorf("audit: list: %w", err)
		}
		json.Unmarshal([]byte(details), &e.Details)
		out = append(out, e)
	}
	return out, rows.Err()
}
