package mail

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
)

// Outbox stores outgoing mails in the database.
type Outbox struct {
	db  *store.DB
	now func() time.Time
}

// NewOutbox returns the outbox on db. now is the clock (nil: time.Now).
func NewOutbox(db *store.DB, now func() time.Time) *Outbox {
	if now == nil {
		now = time.Now
	}
	return &Outbox{db: db, now: now}
}

// clock returns the current time as stored: UTC, whole microseconds (what
// PostgreSQL keeps), so values read back compare equal to values written.
func (o *Outbox) clock() time.Time { return o.now().UTC().Truncate(time.Microsecond) }

// Enqueue validates msg and stores it as pending. When ctx carries a
// transaction (store.DB.InTx) the mail joins it: it exists exactly when the
// change that caused it commits. It returns the new mail's id.
func (o *Outbox) Enqueue(ctx context.Context, msg Message) (string, error) {
	if err := msg.Validate(); err != nil {
		return "", err
	}
	id := store.NewID()
	now := o.clock()
	err := o.db.Defer(ctx, `INSERT INTO mail_outbox (id, tenant_id, kind, to_address, to_name, from_name,
		reply_to, subject, text_body, html, secret, state, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, msg.TenantID, string(msg.Kind), msg.To, msg.ToName, msg.FromName,
		msg.ReplyTo, msg.Subject, msg.Text, msg.HTML, msg.Secret, string(StatePending), now, now)
	if err != nil {
		return "", fmt.Errorf("mail: enqueue: %w", err)
	}
	return id, nil
}

const messageColumns = `id, tenant_id, kind, to_address, to_name, from_name, reply_to, subject,
	text_body, html, secret, state, attempts, last_error, next_attempt_at, claimed_until,
	created_at, sent_at FROM mail_outbox`

func scanMessage(row interface{ Scan(...any) error }) (Message, error) {
	var m Message
	var next, claimed, sent sql.NullTime
	err := row.Scan(&m.ID, &m.TenantID, &m.Kind, &m.To, &m.ToName, &m.FromName, &m.ReplyTo, &m.Subject,
		&m.Text, &m.HTML, &m.Secret, &m.State, &m.Attempts, &m.LastError, &next, &claimed,
		&m.CreatedAt, &sent)
	if err != nil {
		return m, err
	}
	m.CreatedAt = m.CreatedAt.UTC()
	if next.Valid {
		m.NextAttemptAt = next.Time.UTC()
	}
	if claimed.Valid {
		m.ClaimedUntil = claimed.Time.UTC()
	}
	if sent.Valid {
		m.SentAt = sent.Time.UTC()
	}
	return m, nil
}

// Get returns one mail of the tenant. A mail of another tenant is reported
// as missing (store.ErrNotFound), never shown.
func (o *Outbox) Get(ctx context.Context, tenantID, id string) (Message, error) {
	m, err := scanMessage(o.db.QueryRow(ctx, "SELECT "+messageColumns+" WHERE id = ? AND tenant_id = ?", id, tenantID))
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("mail: %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return m, fmt.Errorf("mail: get %s: %w", id, err)
	}
	return m, nil
}

// ErrNotRetryable is returned by Retry for a mail that is not in the failed
// state.
var ErrNotRetryable = errors.New("mail: only failed mails can be retried")

// Retry puts a failed mail back in the queue with a fresh series of
// attempts, for an administrator who fixed the cause (a wrong address, a
// mail server that was down for days).
func (o *Outbox) Retry(ctx context.Context, tenantID, id string) error {
	res, err := o.db.Exec(ctx, `UPDATE mail_outbox SET state = ?, attempts = 0, next_attempt_at = ?
		WHERE id = ? AND tenant_id = ? AND state = ?`,
		string(StatePending), o.clock(), id, tenantID, string(StateFailed))
	if err != nil {
		return fmt.Errorf("mail: retry %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	if _, err := o.Get(ctx, tenantID, id); err != nil {
		return err
	}
	return fmt.Errorf("mail: retry %s: %w", id, ErrNotRetryable)
}

// DeleteFinishedBefore removes mails created before t that need no more
// work (sent, kept, or failed with no attempt planned), for retention. It
// returns how many it removed.
func (o *Outbox) DeleteFinishedBefore(ctx context.Context, t time.Time) (int64, error) {
	res, err := o.db.Exec(ctx, `DELETE FROM mail_outbox WHERE created_at < ?
		AND (state IN (?, ?) OR (state = ? AND next_attempt_at IS NULL))`,
		t.UTC(), string(StateSent), string(StateKept), string(StateFailed))
	if err != nil {
		return 0, fmt.Errorf("mail: delete old mails: %w", err)
	}
	return res.RowsAffected()
}
