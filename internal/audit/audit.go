// Package audit keeps the append-only record of security-relevant actions.
// Each tenant's events form a hash chain (every event's hash covers the
// previous one), so deleting or altering an event breaks verification.
//
// An action records its event in its own transaction; the sealer chains
// recorded events shortly after they commit (Run, Seal). Sealing after
// commit keeps one tenant's actions from queueing on the chain head, at
// the price of a short window (one sealing interval; serve seals every
// 250 ms) in which a committed event is recorded but not yet covered by
// the chain.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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

// Record writes an event for the tenant's chain, inside the context's
// transaction if there is one, so the event commits or rolls back with the
// action. The event waits in audit_pending until the sealer gives it its
// place in the chain (see Seal): claiming the chain head here would make
// every action of the tenant wait for the one before it to commit.
func (l *Log) Record(ctx context.Context, tenantID, actor, action, object string, details map[string]string) error {
	if details == nil {
		details = map[string]string{}
	}
	d, _ := json.Marshal(details)
	at := time.Now().UTC().Truncate(time.Microsecond)
	if err := l.db.Defer(ctx, `INSERT INTO audit_pending (id, tenant_id, at, actor, action, object, details)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, store.NewID(), tenantID, at, actor, action, object, string(d)); err != nil {
		return fmt.Errorf("audit: record: %w", err)
	}
	return nil
}
