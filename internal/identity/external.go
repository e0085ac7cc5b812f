package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/serviceportal/serviceportal/internal/store"
)

// ExternalLogin is an identity confirmed by an OpenID Provider (BundID
// through an OIDC front, a data centre's Keycloak). The oidc package fills
// it from a verified ID token.
type ExternalLogin struct {
	Kind    Kind
	Issuer  string
	Subject string
	// Email and EmailVerified come from the provider's claims.
	Email         string
	EmailVerified bool
	Name          string
	// Trust is the level the provider asserted for this login.
	Trust TrustLevel
	// MFADone says the provider performed a multi-factor login and is
	// trusted to say so; staff then skip the local TOTP step.
	MFADone bool
	// LinkTo is the ID of the logged-in account that links this identity
	// to itself ("BundID verbinden"); empty for a normal login.
	LinkTo        string
	UserAgent     string
	PreviousToken string
}

// LoginExternal logs in with a provider identity. An identity already
// linked logs into its account. Otherwise a citizen identity creates a new
// citizen account; if another citizen account already uses the address,
// ErrEmailTaken asks the user to log in with the password and link the
// identity from there, because taking over an account on the strength of
// an e-mail claim would let anyone who controls a provider account with
// that address in. A staff identity never creates an account: it links to
// the staff account with the same verified address, created by an admin.
func (s *Service) LoginExternal(ctx context.Context, in ExternalLogin) (LoginResult, error) {
	if !in.Kind.Valid() || in.Issuer == "" || in.Subject == "" {
		return LoginResult{}, fmt.Errorf("identity: external login needs kind, issuer and subject")
	}
	var a accountRow
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		var err error
		a, err = s.resolveExternal(ctx, in)
		return err
	})
	if err != nil {
		return LoginResult{}, err
	}
	if a.Disabled {
		return LoginResult{}, ErrAccountDisabled
	}
	needsMFA := a.Kind == Staff && !in.MFADone
	trust := in.Trust
	if trust == TrustNone {
		trust = TrustBasis
	}
	return s.startSession(ctx, a, trust, MethodOIDC, needsMFA, in.UserAgent, in.PreviousToken)
}

func (s *Service) resolveExternal(ctx context.Context, in ExternalLogin) (accountRow, error) {
	var linked string
	err := s.db.QueryRow(ctx, `SELECT account_id FROM account_links WHERE issuer = ? AND subject = ?`, in.Issuer, in.Subject).Scan(&linked)
	switch {
	case err == nil:
		a, err := s.accountByID(ctx, linked)
		if err == nil && a.Kind != in.Kind {
			return a, ErrInvalidCredentials
		}
		return a, err
	case !errors.Is(err, sql.ErrNoRows):
		return accountRow{}, fmt.Errorf("identity: account link: %w", err)
	}
	email := ""
	if in.EmailVerified {
		email = NormalizeEmail(in.Email)
	}
	var id string
	switch {
	case in.LinkTo != "":
		id = in.LinkTo
	case in.Kind == Citizen:
		if id, err = s.insertAccount(ctx, newAccount{kind: Citizen, email: email, name: in.Name, verified: email != ""}); err != nil {
			return accountRow{}, err
		}
	default:
		if email == "" {
			return accountRow{}, ErrInvalidCredentials
		}
		a, err := s.accountByEmail(ctx, Staff, email)
		if errors.Is(err, store.ErrNotFound) {
			return accountRow{}, ErrInvalidCredentials
		}
		if err != nil {
			return accountRow{}, err
		}
		var n int
		if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM account_links WHERE account_id = ? AND issuer = ?`, a.ID, in.Issuer).Scan(&n); err != nil {
			return accountRow{}, fmt.Errorf("identity: account link: %w", err)
		}
		if n > 0 {
			// Already linked to another subject at this provider.
			return accountRow{}, ErrInvalidCredentials
		}
		id = a.ID
	}
	a, err := s.accountByID(ctx, id)
	if err != nil {
		return a, err
	}
	if a.Kind != in.Kind {
		return a, ErrInvalidCredentials
	}
	if _, err := s.db.Exec(ctx, `INSERT INTO account_links (issuer, subject, account_id, created_at) VALUES (?, ?, ?, ?)`,
		in.Issuer, in.Subject, id, s.now()); err != nil {
		return a, fmt.Errorf("identity: link account: %w", err)
	}
	return a, nil
}

// AccountLink is an identity at an OpenID Provider linked to an account.
type AccountLink struct {
	Issuer  string
	Subject string
}

// Links lists the provider identities linked to an account.
func (s *Service) Links(ctx context.Context, accountID string) ([]AccountLink, error) {
	rows, err := s.db.Query(ctx, `SELECT issuer, subject FROM account_links WHERE account_id = ? ORDER BY issuer, subject`, accountID)
	if err != nil {
		return nil, fmt.Errorf("identity: account links: %w", err)
	}
	defer rows.Close()
	var out []AccountLink
	for rows.Next() {
		var l AccountLink
		if err := rows.Scan(&l.Issuer, &l.Subject); err != nil {
			return nil, fmt.Errorf("identity: account links: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
