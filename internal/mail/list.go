package mail

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Cursor marks a position in the newest-first outbox listing. It is opaque
// and safe to put into a URL; the empty cursor starts at the newest mail.
type Cursor string

// ErrBadCursor is returned for a cursor that List did not produce.
var ErrBadCursor = errors.New("mail: invalid cursor")

// Page sizes for List.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

func makeCursor(m Message) Cursor {
	return Cursor(strconv.FormatInt(m.CreatedAt.UnixMicro(), 10) + "." + m.ID)
}

func (c Cursor) parse() (time.Time, string, error) {
	micros, id, ok := strings.Cut(string(c), ".")
	us, err := strconv.ParseInt(micros, 10, 64)
	if !ok || err != nil || id == "" {
		return time.Time{}, "", fmt.Errorf("%w: %q", ErrBadCursor, string(c))
	}
	return time.UnixMicro(us).UTC(), id, nil
}

// List returns up to limit mails, newest first, starting after the cursor
// before, and the cursor of the next page ("" when there is none).
// tenantIDs limits the list to those tenants; nil means all tenants (for
// region administrators), while an empty non-nil slice matches nothing, so a
// caller that computed "no tenants allowed" never sees everyone's mail.
func (o *Outbox) List(ctx context.Context, tenantIDs []string, limit int, before Cursor) ([]Message, Cursor, error) {
	if tenantIDs != nil && len(tenantIDs) == 0 {
		return nil, "", nil
	}
	if limit <= 0 {
		limit = DefaultPageSize
	}
	limit = min(limit, MaxPageSize)
	var where []string
	var args []any
	if tenantIDs != nil {
		where = append(where, "tenant_id IN (?"+strings.Repeat(", ?", len(tenantIDs)-1)+")")
		for _, t := range tenantIDs {
			args = append(args, t)
		}
	}
	if before != "" {
		at, id, err := before.parse()
		if err != nil {
			return nil, "", err
		}
		where = append(where, "(created_at < ? OR (created_at = ? AND id < ?))")
		args = append(args, at, at, id)
	}
	q := "SELECT " + messageColumns
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY created_at DESC, id DESC LIMIT ?"
	args = append(args, limit+1)
	rows, err := o.db.Query(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("mail: list: %w", err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, "", fmt.Errorf("mail: list: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("mail: list: %w", err)
	}
	var next Cursor
	if len(out) > limit {
		out = out[:limit]
		next = makeCursor(out[limit-1])
	}
	return out, next, nil
}
