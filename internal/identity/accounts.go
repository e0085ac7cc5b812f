package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/serviceportal/serviceportal/internal/store"
)

// accountRow is an account as stored, secrets included.
type accountRow struct {
	Account
	passwordHash  string
	totpSealed    []byte
	totpConfirmed bool
	totpLastStep  int64
}

const accountColumns = `id, kind, COALESCE(email, ''), name, password_hash, email_verified_at,
	mfa_required, totp_secret, totp_confirmed_at, totp_last_step, trust_level, disabled_at,
	created_at, last_login_at FROM accounts`

func scanAccount(row interface{ Scan(...any) error }) (accountRow, error) {
	var a accountRow
	var verified, totpConfirmed, disabled, lastLogin sql.NullTime
	err := row.Scan(&a.ID, &a.Kind, &a.Email, &a.Name, &a.passwordHash, &verified,
		&a.MFARequired, &a.totpSealed, &totpConfirmed, &a.totpLastStep, &a.TrustLevel, &disabled,
		&a.CreatedAt, &lastLogin)
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("identity: account: %w", store.ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("identity: account: %w", err)
	}
	a.EmailVerifiedAt = verified.Time
	a.totpConfirmed = totpConfirmed.Valid
	a.TOTPEnabled = totpConfirmed.Valid
	a.Disabled = disabled.Valid
	a.LastLoginAt = lastLogin.Time
	a.HasPassword = a.passwordHash != ""
	a.CreatedAt = a.CreatedAt.UTC()
	return a, nil
}

func (s *Service) accountByID(ctx context.Context, id string) (accountRow, error) {
	return scanAccount(s.db.QueryRow(ctx, `SELECT `+accountColumns+` WHERE id = ?`, id))
}

func (s *Service) accountByEmail(ctx context.Context, kind Kind, email string) (accountRow, error) {
	return scanAccount(s.db.QueryRow(ctx, `SELECT `+accountColumns+` WHERE kind = ? AND email = ?`, kind, NormalizeEmail(email)))
}

// Account returns the account with the given ID, or store.ErrNotFound.
func (s *Service) Account(ctx context.Context, id string) (Account, error) {
	a, err := s.accountByID(ctx, id)
	return a.Account, err
}

// AccountByEmail returns the account of kind with the address, or
// store.ErrNotFound. It is for administrators and the CLI; login flows
// must not reveal whether an address exists.
func (s *Service) AccountByEmail(ctx context.Context, kind Kind, email string) (Account, error) {
	a, err := s.accountByEmail(ctx, kind, email)
	return a.Account, err
}

// newAccount describes an account to insert.
type newAccount struct {
	kind         Kind
	email        string // normalised; empty stores NULL
	name         string
	passwordHash string
	verified     bool
	mfaRequired  bool
}

func (s *Service) insertAccount(ctx context.Context, n newAccount) (string, error) {
	id := store.NewID()
	now := s.now()
	var email, verifiedAt any
	if n.email != "" {
		email = n.email
	}
	if n.verified {
		verifiedAt = now
	}
	_, err := s.db.Exec(ctx, `INSERT INTO accounts (id, kind, email, name, password_hash, email_verified_at,
		mfa_required, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, n.kind, email, n.name, n.passwordHash, verifiedAt, n.mfaRequired, now, now)
	if isUniqueViolation(err) {
		return "", ErrEmailTaken
	}
	if err != nil {
		return "", fmt.Errorf("identity: create account: %w", err)
	}
	return id, nil
}

// isUniqueViolation recognises a unique-constraint error on both databases.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}

func (s *Service) setPasswordHash(ctx context.Context, accountID, hash string) error {
	_, err := s.db.Exec(ctx, `UPDATE accounts SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, s.now(), accountID)
	if err != nil {
		return fmt.Errorf("identity: set password: %w", err)
	}
	return nil
}

func (s *Service) markLogin(ctx context.Context, accountID string, level TrustLevel) error {
	now := s.now()
	_, err := s.db.Exec(ctx, `UPDATE accounts SET last_login_at = ?, trust_level = ?, updated_at = ? WHERE id = ?`,
		now, level, now, accountID)
	if err != nil {
		return fmt.Errorf("identity: record login: %w", err)
	}
	return nil
}

// SetDisabled disables or re-enables an account. Disabling ends all its
// sessions at once (ASVS v5.0.0-7.4.2). Staff accounts need ManageStaff on
// every tenant the account has roles in; citizens can only be disabled by
// region admins.
func (s *Service) SetDisabled(ctx context.Context, p Principal, accountID string, disabled bool) error {
	if err := s.authorizeAccountAdmin(ctx, p, accountID); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		var at any
		if disabled {
			at = s.now()
		}
		res, err := s.db.Exec(ctx, `UPDATE accounts SET disabled_at = ?, updated_at = ? WHERE id = ?`, at, s.now(), accountID)
		if err != nil {
			return fmt.Errorf("identity: disable account: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("identity: disable account: %w", store.ErrNotFound)
		}
		if disabled {
			return s.sessions.revokeAll(ctx, accountID, "")
		}
		return nil
	})
}
