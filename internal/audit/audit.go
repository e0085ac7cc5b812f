// Package audit keeps the append-only record of security-relevant actions.
// Each tenant's events form a hash chain (every event's hash covers the
// previous one), so deleting or altering an event breaks verification.
package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
)

// Event is one audited action.
type Event struct {
	ID       string
	TenantID string
	Seq      int64
	At       time.Time
	// Actor names who acted: "account:ID", "citizen:anonymous", "system".
	Actor string
	// Action is a stable verb such as "submission.created".
	Action string
	// Object names what was acted on, e.g. "submission:ID".
	Object  string
	Details map[string]string
	Hash    string
}

// Log writes and verifies audit events.
type Log struct{ db *store.DB }

// New returns the audit log on db.
func New(db *store.DB) *Log { return &Log{db: db} }

// genesis is the previous hash of each chain's first event.
const genesis = "0000000000000000000000000000000000000000000000000000000000000000"

func chainHash(prev string, e Event, details string) string {
	h := sha256.New()
	for _, part := range []string{prev, e.TenantID, strconv.FormatInt(e.Seq, 10), e.ID,
		e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Action, e.Object, details} {
		h.Write([]byte(strconv.Itoa(len(part))))
		h.Write([]byte{':'})
		h.Write([]byte(part))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Record appends an event to the tenant's chain, inside the context's
// transaction if there is one, so the event commits with the action.
func (l *Log) Record(ctx context.Context, tenantID, actor, action, object string, details map[string]string) error {
	return l.db.InTx(ctx, func(ctx context.Context) error {
		if details == nil {
			details = map[string]string{}
		}
		d, _ := json.Marshal(details)
		// Claim the head first, in one statement that creates it if need
		// be: the update locks the row on PostgreSQL, so concurrent writers
		// of one tenant queue instead of forking the chain.
		var seq int64
		var prev string
		if err := l.db.QueryRow(ctx, `INSERT INTO audit_heads (tenant_id, seq, hash) VALUES (?, 0, ?)
			ON CONFLICT (tenant_id) DO UPDATE SET seq = audit_heads.seq RETURNING seq, hash`, tenantID, genesis).Scan(&seq, &prev); err != nil {
			return fmt.Errorf("audit: head: %w", err)
		}
		e := Event{ID: store.NewID(), TenantID: tenantID, Seq: seq + 1, At: time.Now().UTC().Truncate(time.Microsecond),
			Actor: actor, Action: action, Object: object}
		e.Hash = chainHash(prev, e, string(d))
		args := []any{e.TenantID, e.Seq, e.ID, e.At, e.Actor, e.Action, e.Object, string(d), prev, e.Hash, e.Seq, e.Hash, tenantID}
		if l.db.Dialect() == store.Postgres {
			// One round trip for both writes: every other writer of the
			// tenant waits for the head until this transaction commits.
			if _, err := l.db.Exec(ctx, `WITH appended AS (`+appendEvent+`) `+advanceHead, args...); err != nil {
				return fmt.Errorf("audit: append: %w", err)
			}
			return nil
		}
		if _, err := l.db.Exec(ctx, appendEvent, args[:10]...); err != nil {
			return fmt.Errorf("audit: append: %w", err)
		}
		if _, err := l.db.Exec(ctx, advanceHead, args[10:]...); err != nil {
			return fmt.Errorf("audit: advance head: %w", err)
		}
		return nil
	})
}

const (
	appendEvent = `INSERT INTO audit_events (tenant_id, seq, id, at, actor, action, object, details, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	advanceHead = `UPDATE audit_heads SET seq = ?, hash = ? WHERE tenant_id = ?`
)

// ErrBroken reports a chain that does not verify.
var ErrBroken = errors.New("audit: chain broken")

// Verify recomputes the tenant's chain and compares it with the stored
// hashes and the head; it returns the number of events checked.
func (l *Log) Verify(ctx context.Context, tenantID string) (int64, error) {
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

// List returns the tenant's newest events, newest first.
func (l *Log) List(ctx context.Context, tenantID string, limit int) ([]Event, error) {
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
