package delivery

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Page sizes for List.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// ErrBadCursor is returned for a cursor that List did not produce.
var ErrBadCursor = errors.New("delivery: invalid cursor")

// ErrBadState is returned by List for a filter that is not a State.
var ErrBadState = errors.New("delivery: unknown state")

func makeCursor(d Delivery) string {
	return strconv.FormatInt(d.CreatedAt.UnixMicro(), 10) + "." + d.ID
}

func parseCursor(c string) (time.Time, string, error) {
	micros, id, ok := strings.Cut(c, ".")
	us, err := strconv.ParseInt(micros, 10, 64)
	if !ok || err != nil || id == "" {
		return time.Time{}, "", fmt.Errorf("%w: %q", ErrBadCursor, c)
	}
	return time.UnixMicro(us).UTC(), id, nil
}

// List returns up to limit deliveries of the tenant, newest first, after
// cursor ("" starts at the newest), and the cursor of the next page ("" at
// the end). state "" lists all states; StateDead lists the dead letters.
// The cursor is opaque and safe in a URL. limit <= 0 means DefaultPageSize.
func (s *Service) List(ctx context.Context, tenantID string, state State, limit int, cursor string) ([]Delivery, string, error) {
	if limit <= 0 {
		limit = DefaultPageSize
	}
	limit = min(limit, MaxPageSize)
	where := []string{"tenant_id = ?"}
	args := []any{tenantID}
	if state != "" {
		if !state.Valid() {
			return nil, "", fmt.Errorf("%w: %q", ErrBadState, state)
		}
		where = append(where, "state = ?")
		args = append(args, string(state))
	}
	if cursor != "" {
		at, id, err := parseCursor(cursor)
		if err != nil {
			return nil, "", err
		}
		where = append(where, "(created_at < ? OR (created_at = ? AND id < ?))")
		args = append(args, at, at, id)
	}
	args = append(args, limit+1)
	out, err := s.deliveries(ctx, strings.Join(where, " AND ")+" ORDER BY created_at DESC, id DESC LIMIT ?", args...)
	if err != nil {
		return nil, "", err
	}
	var next string
	if len(out) > limit {
		out = out[:limit]
		next = makeCursor(out[limit-1])
	}
	return out, next, nil
}
