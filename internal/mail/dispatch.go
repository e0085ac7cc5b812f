package mail

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
)

// Dispatcher defaults.
const (
	DefaultMaxAttempts = 8
	DefaultBaseDelay   = time.Minute
	DefaultMaxDelay    = 6 * time.Hour
	DefaultLease       = 10 * time.Minute
)

// DispatcherOptions tune retries; zero values take the defaults.
type DispatcherOptions struct {
	// MaxAttempts is how often a mail is tried before it stays failed.
	MaxAttempts int
	// BaseDelay is the wait after the first failure; it doubles with every
	// further failure up to MaxDelay (with up to 10 % jitter, so mails that
	// failed together do not retry together).
	BaseDelay, MaxDelay time.Duration
	// Lease is how long a claimed mail is reserved for this dispatcher. A
	// send is cut off at half the lease, so another instance takes over a
	// mail only when the claiming instance died.
	Lease time.Duration
	// Logger receives failures; nil means slog.Default().
	Logger *slog.Logger
}

// Dispatcher sends due mails from the outbox. Any number of dispatchers,
// in one process or many sharing a database, may run at once: each mail is
// claimed by exactly one of them with a conditional UPDATE.
type Dispatcher struct {
	outbox *Outbox
	sender Sender
	opts   DispatcherOptions
	wake   chan struct{}
}

// NewDispatcher returns a dispatcher sending o's mails through s.
func NewDispatcher(o *Outbox, s Sender, opts DispatcherOptions) *Dispatcher {
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = DefaultMaxAttempts
	}
	if opts.BaseDelay <= 0 {
		opts.BaseDelay = DefaultBaseDelay
	}
	if opts.MaxDelay <= 0 {
		opts.MaxDelay = DefaultMaxDelay
	}
	if opts.Lease <= 0 {
		opts.Lease = DefaultLease
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Dispatcher{outbox: o, sender: s, opts: opts, wake: make(chan struct{}, 1)}
}

// due selects mails that may be claimed: pending or failed ones whose time
// has come, and sending ones whose claim lapsed.
const due = `((state IN ('pending', 'failed') AND next_attempt_at <= ?) OR (state = 'sending' AND claimed_until < ?))`

// DeliverPending sends up to limit due mails, one after the other, and
// reports how many were sent (kept mails count as sent) and how many
// attempts failed. Failed attempts are not errors: they are recorded and
// retried later. err reports database trouble. limit <= 0 means 100.
func (d *Dispatcher) DeliverPending(ctx context.Context, limit int) (sent, failed int, err error) {
	if limit <= 0 {
		limit = 100
	}
	now := d.outbox.clock()
	rows, err := d.outbox.db.Query(ctx, "SELECT id FROM mail_outbox WHERE "+due+" ORDER BY next_attempt_at, id LIMIT ?", now, now, limit)
	if err != nil {
		return 0, 0, fmt.Errorf("mail: due mails: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, 0, fmt.Errorf("mail: due mails: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, fmt.Errorf("mail: due mails: %w", err)
	}
	// Claim one mail at a time, right before sending it, so that a claim
	// never waits behind other sends and its lease covers only its own send.
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return sent, failed, err
		}
		ok, err := d.deliver(ctx, id)
		if err != nil {
			return sent, failed, err
		}
		switch ok {
		case outcomeSent:
			sent++
		case outcomeFailed:
			failed++
		}
	}
	return sent, failed, nil
}

type outcome int

const (
	outcomeSkipped outcome = iota // another dispatcher had it
	outcomeSent
	outcomeFailed
)

func (d *Dispatcher) deliver(ctx context.Context, id string) (outcome, error) {
	m, token, err := d.claim(ctx, id)
	if errors.Is(err, errNotClaimed) {
		return outcomeSkipped, nil
	}
	if err != nil {
		return outcomeSkipped, err
	}
	sendCtx, cancel := context.WithTimeout(ctx, d.opts.Lease/2)
	sendErr := d.sender.Send(sendCtx, m)
	cancel()
	// The outcome is recorded even when ctx was cancelled meanwhile
	// (shutdown): a sent mail marked sent is not sent again.
	recCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	switch {
	case sendErr == nil:
		return outcomeSent, d.finish(recCtx, id, token, StateSent)
	case errors.Is(sendErr, ErrKept):
		return outcomeSent, d.finish(recCtx, id, token, StateKept)
	default:
		d.opts.Logger.Warn("mail: delivery failed", "id", id, "tenant", m.TenantID, "attempt", m.Attempts, "err", sendErr)
		return outcomeFailed, d.fail(recCtx, m, token, sendErr)
	}
}

var errNotClaimed = errors.New("mail: claimed elsewhere")

// claim reserves the mail for this dispatcher and counts the attempt. It
// counts before sending so that a mail that crashes the process cannot be
// retried forever.
func (d *Dispatcher) claim(ctx context.Context, id string) (Message, string, error) {
	now := d.outbox.clock()
	token := store.NewID()
	res, err := d.outbox.db.Exec(ctx, `UPDATE mail_outbox SET state = 'sending', claim_token = ?, claimed_until = ?,
		attempts = attempts + 1 WHERE id = ? AND `+due, token, now.Add(d.opts.Lease), id, now, now)
	if err != nil {
		return Message{}, "", fmt.Errorf("mail: claim %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return Message{}, "", errNotClaimed
	}
	m, err := scanMessage(d.outbox.db.QueryRow(ctx, "SELECT "+messageColumns+" WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, "", errNotClaimed
	}
	if err != nil {
		return m, "", fmt.Errorf("mail: claimed %s: %w", id, err)
	}
	return m, token, nil
}

// finish records a sent or kept mail. A secret body is erased once sent;
// a kept one stays readable, since reading it is the demo's way to follow
// the link.
func (d *Dispatcher) finish(ctx context.Context, id, token string, st State) error {
	body := "text_body"
	if st == StateSent {
		body = "CASE WHEN secret THEN '' ELSE text_body END"
	}
	res, err := d.outbox.db.Exec(ctx, `UPDATE mail_outbox SET state = ?, sent_at = ?, last_error = '',
		next_attempt_at = NULL, claimed_until = NULL, claim_token = '', text_body = `+body+`
		WHERE id = ? AND claim_token = ?`, string(st), d.outbox.clock(), id, token)
	if err != nil {
		return fmt.Errorf("mail: record %s as %s: %w", id, st, err)
	}
	d.checkClaim(res, id)
	return nil
}

// fail records a failed attempt and plans the next one, or gives up after
// MaxAttempts.
func (d *Dispatcher) fail(ctx context.Context, m Message, token string, sendErr error) error {
	var next any // NULL: no further attempt
	if m.Attempts < d.opts.MaxAttempts {
		next = d.outbox.clock().Add(d.backoff(m.Attempts))
	}
	msg := sendErr.Error()
	if len(msg) > 1000 {
		msg = msg[:1000]
	}
	res, err := d.outbox.db.Exec(ctx, `UPDATE mail_outbox SET state = 'failed', last_error = ?, next_attempt_at = ?,
		claimed_until = NULL, claim_token = '' WHERE id = ? AND claim_token = ?`, msg, next, m.ID, token)
	if err != nil {
		return fmt.Errorf("mail: record failure of %s: %w", m.ID, err)
	}
	d.checkClaim(res, m.ID)
	return nil
}

func (d *Dispatcher) checkClaim(res sql.Result, id string) {
	if n, _ := res.RowsAffected(); n != 1 {
		// The lease lapsed mid-send and another dispatcher took the mail;
		// its outcome wins. Lease should exceed the send timeout.
		d.opts.Logger.Warn("mail: claim lapsed before the outcome was recorded", "id", id, "lease", d.opts.Lease)
	}
}

// backoff is the wait after the given number of failed attempts.
func (d *Dispatcher) backoff(attempts int) time.Duration {
	delay := d.opts.BaseDelay
	for i := 1; i < attempts && delay < d.opts.MaxDelay; i++ {
		delay *= 2
	}
	delay = min(delay, d.opts.MaxDelay)
	return delay + time.Duration(rand.Int64N(int64(delay)/10+1)) // #nosec G404 -- jitter for retry delays; nothing secret depends on it
}
