package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
)

// Purpose separates kinds of one-time tokens so that a token issued for
// one use never works for another.
type Purpose string

// The purposes this package issues. Other packages choose their own
// (e.g. "draft-resume").
const (
	PurposeVerifyEmail   Purpose = "verify-email"
	PurposePasswordReset Purpose = "password-reset"
)

// Token lifetimes.
const (
	VerifyEmailTTL   = 24 * time.Hour
	PasswordResetTTL = time.Hour
)

// Tokens issues random 256-bit tokens for links sent by e-mail (verify an
// address, reset a password, resume a saved application). Only their
// SHA-256 hashes are stored, so a database dump yields no usable link.
type Tokens struct {
	db  *store.DB
	now func() time.Time
}

// NewTokens returns a Tokens on db; now may be nil for time.Now.
func NewTokens(db *store.DB, now func() time.Time) *Tokens {
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	return &Tokens{db: db, now: now}
}

// Issue creates a token for subject and purpose that expires after ttl.
// Earlier tokens of the same subject and purpose stop working, so only the
// newest link in the mailbox is valid.
func (t *Tokens) Issue(ctx context.Context, purpose Purpose, subject string, ttl time.Duration) (string, error) {
	tok, hash := newToken()
	now := t.now()
	err := t.db.InTx(ctx, func(ctx context.Context) error {
		if _, err := t.db.Exec(ctx, `DELETE FROM one_time_tokens WHERE subject = ? AND purpose = ?`, subject, purpose); err != nil {
			return err
		}
		_, err := t.db.Exec(ctx, `INSERT INTO one_time_tokens (token_hash, purpose, subject, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?)`, hash, purpose, subject, now, now.Add(ttl))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("identity: issue token: %w", err)
	}
	return tok, nil
}

// Consume returns the subject of a valid token and deletes it, so it works
// exactly once even when two requests race. Unknown, used and expired
// tokens all give ErrInvalidToken.
func (t *Tokens) Consume(ctx context.Context, purpose Purpose, token string) (string, error) {
	var subject string
	err := t.db.InTx(ctx, func(ctx context.Context) error {
		var err error
		subject, err = t.lookup(ctx, purpose, token)
		if err != nil {
			return err
		}
		res, err := t.db.Exec(ctx, `DELETE FROM one_time_tokens WHERE token_hash = ?`, hashToken(token))
		if err != nil {
			return fmt.Errorf("identity: consume token: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrInvalidToken
		}
		return nil
	})
	return subject, err
}

// Lookup returns the subject of a valid token without using it up, for
// links that may be opened several times (resume a draft) until the issuing
// package calls Revoke.
func (t *Tokens) Lookup(ctx context.Context, purpose Purpose, token string) (string, error) {
	return t.lookup(ctx, purpose, token)
}

func (t *Tokens) lookup(ctx context.Context, purpose Purpose, token string) (string, error) {
	if token == "" {
		return "", ErrInvalidToken
	}
	var subject string
	var expires time.Time
	err := t.db.QueryRow(ctx, `SELECT subject, expires_at FROM one_time_tokens WHERE token_hash = ? AND purpose = ?`,
		hashToken(token), purpose).Scan(&subject, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrInvalidToken
	}
	if err != nil {
		return "", fmt.Errorf("identity: token: %w", err)
	}
	if !t.now().Before(expires) {
		return "", ErrInvalidToken
	}
	return subject, nil
}

// Revoke deletes all tokens of subject and purpose.
func (t *Tokens) Revoke(ctx context.Context, purpose Purpose, subject string) error {
	if _, err := t.db.Exec(ctx, `DELETE FROM one_time_tokens WHERE subject = ? AND purpose = ?`, subject, purpose); err != nil {
		return fmt.Errorf("identity: revoke tokens: %w", err)
	}
	return nil
}

// revokeSubject deletes every token of subject, whatever its purpose.
func (t *Tokens) revokeSubject(ctx context.Context, subject string) error {
	if _, err := t.db.Exec(ctx, `DELETE FROM one_time_tokens WHERE subject = ?`, subject); err != nil {
		return fmt.Errorf("identity: revoke tokens: %w", err)
	}
	return nil
}

// DeleteExpired removes expired tokens; run it from a periodic job.
func (t *Tokens) DeleteExpired(ctx context.Context) (int64, error) {
	res, err := t.db.Exec(ctx, `DELETE FROM one_time_tokens WHERE expires_at <= ?`, t.now())
	if err != nil {
		return 0, fmt.Errorf("identity: delete expired tokens: %w", err)
	}
	return res.RowsAffected()
}
