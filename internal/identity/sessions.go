package identity

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
)

// Timeouts bound sessions (ASVS v5.0.0-7.3.1 idle, 7.3.2 absolute). See the
// package documentation for why these defaults.
type Timeouts struct {
	StaffIdle       time.Duration
	StaffAbsolute   time.Duration
	CitizenIdle     time.Duration
	CitizenAbsolute time.Duration
	// Pending bounds a login that waits for its second factor.
	Pending time.Duration
}

// DefaultTimeouts are the documented defaults.
var DefaultTimeouts = Timeouts{
	StaffIdle:       30 * time.Minute,
	StaffAbsolute:   12 * time.Hour,
	CitizenIdle:     60 * time.Minute,
	CitizenAbsolute: 12 * time.Hour,
	Pending:         10 * time.Minute,
}

func (t Timeouts) forKind(k Kind, mfaPassed bool, needsMFA bool) (idle, absolute time.Duration) {
	if needsMFA && !mfaPassed {
		return t.Pending, t.Pending
	}
	if k == Staff {
		return t.StaffIdle, t.StaffAbsolute
	}
	return t.CitizenIdle, t.CitizenAbsolute
}

// touchInterval limits how often last_seen is written: once a minute is
// precise enough for idle timeouts and spares the single SQLite writer.
const touchInterval = time.Minute

// AuthMethod names how a session was established.
type AuthMethod string

// The ways to log in.
const (
	MethodPassword AuthMethod = "password"
	MethodOIDC     AuthMethod = "oidc"
)

// Session is a server-side login session. The token that the cookie
// carries is never stored; ID is a separate handle for listing and
// revoking that is useless as a credential.
type Session struct {
	ID         string
	AccountID  string
	Kind       Kind
	MFAPassed  bool
	TrustLevel TrustLevel
	AuthMethod AuthMethod
	// UserAgent is a summary such as "Firefox unter Windows".
	UserAgent     string
	CreatedAt     time.Time
	LastSeenAt    time.Time
	IdleExpiresAt time.Time
	ExpiresAt     time.Time

	tokenHash []byte
}

// Pending reports whether the session still waits for its second factor.
func (s Session) Pending() bool { return !s.MFAPassed }

// sessionStore keeps sessions in the database so that every instance sees
// every session.
type sessionStore struct {
	db       *store.DB
	keys     *keyring
	timeouts Timeouts
	now      func() time.Time
}

// newToken returns a random 256-bit token (ASVS v5.0.0-7.2.3) and its hash.
func newToken() (string, []byte) {
	b := make([]byte, 32)
	rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	return tok, hashToken(tok)
}

func hashToken(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

type newSession struct {
	accountID string
	kind      Kind
	mfaPassed bool
	needsMFA  bool
	trust     TrustLevel
	method    AuthMethod
	userAgent string
}

func (m *sessionStore) create(ctx context.Context, n newSession) (string, Session, error) {
	tok, hash := newToken()
	now := m.now()
	idle, abs := m.timeouts.forKind(n.kind, n.mfaPassed, n.needsMFA)
	s := Session{
		ID: store.NewID(), AccountID: n.accountID, Kind: n.kind, MFAPassed: n.mfaPassed || !n.needsMFA,
		TrustLevel: n.trust, AuthMethod: n.method, UserAgent: SummarizeUserAgent(n.userAgent),
		CreatedAt: now, LastSeenAt: now, IdleExpiresAt: now.Add(idle), ExpiresAt: now.Add(abs), tokenHash: hash,
	}
	_, err := m.db.Exec(ctx, `INSERT INTO sessions (id, token_hash, account_id, kind, mfa_passed, trust_level,
		auth_method, user_agent, created_at, last_seen_at, idle_expires_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, hash, s.AccountID, s.Kind, s.MFAPassed, s.TrustLevel, s.AuthMethod, s.UserAgent,
		s.CreatedAt, s.LastSeenAt, s.IdleExpiresAt, s.ExpiresAt)
	if err != nil {
		return "", Session{}, fmt.Errorf("identity: create session: %w", err)
	}
	return tok, s, nil
}

const sessionColumns = `id, token_hash, account_id, kind, mfa_passed, trust_level, auth_method, user_agent,
	created_at, last_seen_at, idle_expires_at, expires_at FROM sessions`

func scanSession(row interface{ Scan(...any) error }) (Session, error) {
	var s Session
	err := row.Scan(&s.ID, &s.tokenHash, &s.AccountID, &s.Kind, &s.MFAPassed, &s.TrustLevel, &s.AuthMethod,
		&s.UserAgent, &s.CreatedAt, &s.LastSeenAt, &s.IdleExpiresAt, &s.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return s, ErrNoSession
	}
	if err != nil {
		return s, fmt.Errorf("identity: session: %w", err)
	}
	return s, nil
}

// lookup finds the live session for token. Expired sessions are deleted
// and reported as ErrNoSession; last_seen is refreshed at most once a
// minute.
func (m *sessionStore) lookup(ctx context.Context, tok string) (Session, error) {
	if tok == "" {
		return Session{}, ErrNoSession
	}
	s, err := scanSession(m.db.QueryRow(ctx, `SELECT `+sessionColumns+` WHERE token_hash = ?`, hashToken(tok)))
	if err != nil {
		return s, err
	}
	now := m.now()
	if !now.Before(s.ExpiresAt) || !now.Before(s.IdleExpiresAt) {
		if _, err := m.db.Exec(ctx, `DELETE FROM sessions WHERE id = ?`, s.ID); err != nil {
			return Session{}, fmt.Errorf("identity: drop expired session: %w", err)
		}
		return Session{}, ErrNoSession
	}
	if now.Sub(s.LastSeenAt) >= touchInterval {
		idle, _ := m.timeouts.forKind(s.Kind, s.MFAPassed, true)
		s.LastSeenAt, s.IdleExpiresAt = now, now.Add(idle)
		if _, err := m.db.Exec(ctx, `UPDATE sessions SET last_seen_at = ?, idle_expires_at = ? WHERE id = ?`,
			s.LastSeenAt, s.IdleExpiresAt, s.ID); err != nil {
			return Session{}, fmt.Errorf("identity: touch session: %w", err)
		}
	}
	return s, nil
}

// rotate gives the session a new token (ASVS v5.0.0-7.2.4: new token on
// every privilege change) and sets its MFA state and trust level. When the
// second factor is passed, the timeouts restart from the full session's.
func (m *sessionStore) rotate(ctx context.Context, s Session, mfaPassed bool, trust TrustLevel) (string, Session, error) {
	tok, hash := newToken()
	now := m.now()
	if mfaPassed && !s.MFAPassed {
		idle, abs := m.timeouts.forKind(s.Kind, true, true)
		s.IdleExpiresAt, s.ExpiresAt = now.Add(idle), now.Add(abs)
	}
	s.MFAPassed, s.TrustLevel, s.LastSeenAt, s.tokenHash = mfaPassed, trust, now, hash
	res, err := m.db.Exec(ctx, `UPDATE sessions SET token_hash = ?, mfa_passed = ?, trust_level = ?, last_seen_at = ?,
		idle_expires_at = ?, expires_at = ? WHERE id = ?`,
		hash, s.MFAPassed, s.TrustLevel, s.LastSeenAt, s.IdleExpiresAt, s.ExpiresAt, s.ID)
	if err != nil {
		return "", Session{}, fmt.Errorf("identity: rotate session: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", Session{}, ErrNoSession
	}
	return tok, s, nil
}

func (m *sessionStore) deleteToken(ctx context.Context, tok string) error {
	if tok == "" {
		return nil
	}
	if _, err := m.db.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hashToken(tok)); err != nil {
		return fmt.Errorf("identity: end session: %w", err)
	}
	return nil
}

func (m *sessionStore) list(ctx context.Context, accountID string) ([]Session, error) {
	rows, err := m.db.Query(ctx, `SELECT `+sessionColumns+` WHERE account_id = ? AND mfa_passed = ?
		AND expires_at > ? AND idle_expires_at > ? ORDER BY last_seen_at DESC`, accountID, true, m.now(), m.now())
	if err != nil {
		return nil, fmt.Errorf("identity: list sessions: %w", err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		s, err := scanSession(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func (m *sessionStore) revoke(ctx context.Context, accountID, sessionID string) error {
	res, err := m.db.Exec(ctx, `DELETE FROM sessions WHERE id = ? AND account_id = ?`, sessionID, accountID)
	if err != nil {
		return fmt.Errorf("identity: revoke session: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("identity: revoke session: %w", store.ErrNotFound)
	}
	return nil
}

// revokeAll ends every session of the account except the one with ID
// except (empty: all).
func (m *sessionStore) revokeAll(ctx context.Context, accountID, except string) error {
	if _, err := m.db.Exec(ctx, `DELETE FROM sessions WHERE account_id = ? AND id <> ?`, accountID, except); err != nil {
		return fmt.Errorf("identity: revoke sessions: %w", err)
	}
	return nil
}

// csrfToken is an HMAC of the session's current token hash under the server
// key: it needs no storage, changes whenever the session is rotated, and
// cannot be forged without the key.
func (k *keyring) csrfToken(s Session) string {
	mac := hmac.New(sha256.New, k.csrf)
	mac.Write([]byte("csrf\x00"))
	mac.Write(s.tokenHash)
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

func (k *keyring) checkCSRF(s Session, token string) bool {
	if len(s.tokenHash) == 0 || token == "" {
		return false
	}
	return hmac.Equal([]byte(k.csrfToken(s)), []byte(token))
}
