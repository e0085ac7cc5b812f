package casework

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
)

var sqlNoRows = sql.ErrNoRows

// HistoryEntry is one step of a case's history.
type HistoryEntry struct {
	At       time.Time
	Actor    string
	Action   string
	From, To string
	Note     string
}

func (c *Cases) history(ctx context.Context, cs Case, actor, action, from, to, note string) error {
	err := c.db.Defer(ctx, `INSERT INTO case_history (id, case_id, tenant_id, at, actor, action, from_state, to_state, note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, store.NewID(), cs.ID, cs.TenantID, c.now(), actor, action, from, to, note)
	if err != nil {
		return fmt.Errorf("casework: history: %w", err)
	}
	return nil
}

// History returns a case's steps, oldest first.
func (c *Cases) History(ctx context.Context, tenantID, caseID string) ([]HistoryEntry, error) {
	rows, err := c.db.Query(ctx, `SELECT at, actor, action, from_state, to_state, note FROM case_history
		WHERE tenant_id = ? AND case_id = ? ORDER BY at, id`, tenantID, caseID)
	if err != nil {
		return nil, fmt.Errorf("casework: history: %w", err)
	}
	defer rows.Close()
	var out []HistoryEntry
	for rows.Next() {
		var h HistoryEntry
		if err := rows.Scan(&h.At, &h.Actor, &h.Action, &h.From, &h.To, &h.Note); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// Note is an internal note on a case; citizens never see notes.
type Note struct {
	At     time.Time
	Author string
	Text   string
}

// AddNote stores an internal note after checking the author may see the case.
func (c *Cases) AddNote(ctx context.Context, actorID, tenantID, caseID, text string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return fmt.Errorf("%w: note", ErrMissingInput)
	}
	cs, err := c.Get(ctx, tenantID, caseID)
	if err != nil {
		return err
	}
	if ok, err := c.CanView(ctx, actorID, cs); err != nil || !ok {
		return ErrForbidden
	}
	_, err = c.db.Exec(ctx, `INSERT INTO case_notes (id, case_id, tenant_id, at, author, text) VALUES (?, ?, ?, ?, ?, ?)`,
		store.NewID(), caseID, tenantID, c.now(), actorID, text)
	return err
}

// Notes returns a case's notes, oldest first.
func (c *Cases) Notes(ctx context.Context, tenantID, caseID string) ([]Note, error) {
	rows, err := c.db.Query(ctx, `SELECT at, author, text FROM case_notes WHERE tenant_id = ? AND case_id = ? ORDER BY at, id`, tenantID, caseID)
	if err != nil {
		return nil, fmt.Errorf("casework: notes: %w", err)
	}
	defer rows.Close()
	var out []Note
	for rows.Next() {
		var n Note
		if err := rows.Scan(&n.At, &n.Author, &n.Text); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Assign gives the case to an account (or takes it, with assignee =
// actor). Only someone who may work the case can assign it.
func (c *Cases) Assign(ctx context.Context, actorID, tenantID, caseID, assigneeID string) error {
	return c.db.InTx(ctx, func(ctx context.Context) error {
		cs, err := c.Get(ctx, tenantID, caseID)
		if err != nil {
			return err
		}
		if ok, err := c.CanView(ctx, actorID, cs); err != nil || !ok {
			return ErrForbidden
		}
		if _, err := c.db.Exec(ctx, `UPDATE cases SET assignee_id = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
			nullString(assigneeID), c.now(), tenantID, caseID); err != nil {
			return fmt.Errorf("casework: assign: %w", err)
		}
		return c.history(ctx, cs, actorID, "assign", cs.State, cs.State, assigneeID)
	})
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
