package identity

import (
	"context"
	"errors"
	"fmt"

	"github.com/serviceportal/serviceportal/internal/store"
)

// Registration is the result of RegisterCitizen. The web layer shows the
// same page in every case and sends one e-mail: with VerifyToken, a
// confirmation link; with AlreadyRegistered and no token, a note that an
// account exists and how to reset the password. So the page never tells a
// stranger whether an address is registered.
type Registration struct {
	AccountID         string
	Email             string
	VerifyToken       string
	AlreadyRegistered bool
}

// RegisterCitizen creates a citizen account with e-mail and password and
// issues an e-mail verification token (valid 24 hours).
func (s *Service) RegisterCitizen(ctx context.Context, email, password string) (Registration, error) {
	email, err := ValidEmail(email)
	if err != nil {
		return Registration{}, err
	}
	if err := s.cfg.Password.Check(password, email); err != nil {
		return Registration{}, err
	}
	// Hash before looking anything up, so a known address takes as long as
	// a new one; the hash also stays outside the transaction, which on
	// SQLite holds the only writer.
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return Registration{}, err
	}
	reg := Registration{Email: email}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		existing, err := s.accountByEmail(ctx, Citizen, email)
		switch {
		case err == nil:
			reg.AccountID, reg.AlreadyRegistered = existing.ID, true
			if existing.EmailVerified() {
				return nil
			}
		case errors.Is(err, store.ErrNotFound):
			reg.AccountID, err = s.insertAccount(ctx, newAccount{kind: Citizen, email: email, passwordHash: hash})
			if err != nil {
				return err
			}
		default:
			return err
		}
		reg.VerifyToken, err = s.tokens.Issue(ctx, PurposeVerifyEmail, reg.AccountID, VerifyEmailTTL)
		return err
	})
	if err != nil {
		return Registration{}, err
	}
	return reg, nil
}

// RequestEmailVerification issues a new verification token for an
// unverified account, for "Link erneut senden". It returns an empty token
// (and no error) when there is nothing to verify.
func (s *Service) RequestEmailVerification(ctx context.Context, accountID string) (string, error) {
	a, err := s.accountByID(ctx, accountID)
	if err != nil {
		return "", err
	}
	if a.EmailVerified() || a.Email == "" {
		return "", nil
	}
	return s.tokens.Issue(ctx, PurposeVerifyEmail, accountID, VerifyEmailTTL)
}

// VerifyEmail confirms the address behind a verification token and returns
// the account's ID.
func (s *Service) VerifyEmail(ctx context.Context, token string) (string, error) {
	var id string
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		var err error
		if id, err = s.tokens.Consume(ctx, PurposeVerifyEmail, token); err != nil {
			return err
		}
		_, err = s.db.Exec(ctx, `UPDATE accounts SET email_verified_at = COALESCE(email_verified_at, ?), updated_at = ? WHERE id = ?`,
			s.now(), s.now(), id)
		if err != nil {
			return fmt.Errorf("identity: verify e-mail: %w", err)
		}
		return nil
	})
	return id, err
}

// PasswordReset carries what the reset e-mail needs. All fields are empty
// when no reset is possible for the address; the web layer shows the same
// page either way and sends mail only when Token is set.
type PasswordReset struct {
	AccountID string
	Email     string
	Token     string
}

// RequestPasswordReset issues a password reset token (valid 1 hour) for the
// account of kind with the address, if there is an enabled one with a
// confirmed address. Send the mail through the outbox, not inline, so that
// response times do not tell known from unknown addresses.
func (s *Service) RequestPasswordReset(ctx context.Context, kind Kind, email string) (PasswordReset, error) {
	a, err := s.accountByEmail(ctx, kind, email)
	if errors.Is(err, store.ErrNotFound) {
		return PasswordReset{}, nil
	}
	if err != nil {
		return PasswordReset{}, err
	}
	if a.Disabled || !a.EmailVerified() {
		return PasswordReset{}, nil
	}
	tok, err := s.tokens.Issue(ctx, PurposePasswordReset, a.ID, PasswordResetTTL)
	if err != nil {
		return PasswordReset{}, err
	}
	return PasswordReset{AccountID: a.ID, Email: a.Email, Token: tok}, nil
}

// ResetPassword sets a new password with a reset token and ends all of the
// account's sessions. The token survives a refused password, so the user
// can try another one with the same link.
func (s *Service) ResetPassword(ctx context.Context, token, newPassword string) error {
	id, err := s.tokens.Lookup(ctx, PurposePasswordReset, token)
	if err != nil {
		return err
	}
	a, err := s.accountByID(ctx, id)
	if err != nil {
		return err
	}
	if err := s.cfg.Password.Check(newPassword, a.Email); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(ctx, newPassword)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.tokens.Consume(ctx, PurposePasswordReset, token); err != nil {
			return err
		}
		if err := s.setPasswordHash(ctx, id, hash); err != nil {
			return err
		}
		return s.sessions.revokeAll(ctx, id, "")
	})
}

// ChangePassword replaces the password after checking the current one, and
// ends the account's other sessions (keepSessionID stays).
func (s *Service) ChangePassword(ctx context.Context, accountID, current, newPassword, keepSessionID string) error {
	a, err := s.accountByID(ctx, accountID)
	if err != nil {
		return err
	}
	if a.HasPassword {
		ok, _, err := s.hasher.Verify(ctx, current, a.passwordHash)
		if err != nil {
			return err
		}
		if !ok {
			return ErrInvalidCredentials
		}
	}
	if err := s.cfg.Password.Check(newPassword, a.Email); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(ctx, newPassword)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.setPasswordHash(ctx, accountID, hash); err != nil {
			return err
		}
		if err := s.tokens.Revoke(ctx, PurposePasswordReset, accountID); err != nil {
			return err
		}
		return s.sessions.revokeAll(ctx, accountID, keepSessionID)
	})
}
