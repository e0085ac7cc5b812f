package identity

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// CitizenExport is everything this package stores about a citizen, for
// the export the GDPR (Art. 15 and 20) entitles them to. Secrets are
// reported by their presence only: handing out the TOTP secret or hashes
// would weaken the account without telling the citizen anything.
type CitizenExport struct {
	Account struct {
		ID              string     `json:"id"`
		Email           string     `json:"email,omitempty"`
		Name            string     `json:"name,omitempty"`
		CreatedAt       time.Time  `json:"created_at"`
		EmailVerifiedAt *time.Time `json:"email_verified_at,omitempty"`
		LastLoginAt     *time.Time `json:"last_login_at,omitempty"`
		TrustLevel      TrustLevel `json:"trust_level_of_last_login,omitempty"`
		HasPassword     bool       `json:"has_password"`
		TOTPEnabled     bool       `json:"totp_enabled"`
		RecoveryCodes   int        `json:"unused_recovery_codes"`
	} `json:"account"`
	Links    []ExportedLink    `json:"linked_identities"`
	Sessions []ExportedSession `json:"sessions"`
}

// ExportedLink is a linked provider identity in an export.
type ExportedLink struct {
	Issuer  string `json:"issuer"`
	Subject string `json:"subject"`
}

// ExportedSession is one active session in an export.
type ExportedSession struct {
	CreatedAt  time.Time  `json:"created_at"`
	LastSeenAt time.Time  `json:"last_seen_at"`
	UserAgent  string     `json:"device"`
	TrustLevel TrustLevel `json:"trust_level"`
	Method     AuthMethod `json:"method"`
}

// ExportCitizen returns the identity data of a citizen account as indented
// JSON. Other packages export their own parts (applications, messages).
func (s *Service) ExportCitizen(ctx context.Context, accountID string) ([]byte, error) {
	a, err := s.accountByID(ctx, accountID)
	if err != nil {
		return nil, err
	}
	if a.Kind != Citizen {
		return nil, fmt.Errorf("identity: export: not a citizen account: %w", ErrForbidden)
	}
	var e CitizenExport
	e.Account.ID, e.Account.Email, e.Account.Name, e.Account.CreatedAt = a.ID, a.Email, a.Name, a.CreatedAt
	e.Account.EmailVerifiedAt, e.Account.LastLoginAt = timePtr(a.EmailVerifiedAt), timePtr(a.LastLoginAt)
	e.Account.TrustLevel, e.Account.HasPassword, e.Account.TOTPEnabled = a.TrustLevel, a.HasPassword, a.TOTPEnabled
	if e.Account.RecoveryCodes, err = s.RecoveryCodesLeft(ctx, accountID); err != nil {
		return nil, err
	}
	links, err := s.Links(ctx, accountID)
	if err != nil {
		return nil, err
	}
	e.Links = []ExportedLink{}
	for _, l := range links {
		e.Links = append(e.Links, ExportedLink(l))
	}
	sessions, err := s.sessions.list(ctx, accountID)
	if err != nil {
		return nil, err
	}
	e.Sessions = []ExportedSession{}
	for _, ss := range sessions {
		e.Sessions = append(e.Sessions, ExportedSession{ss.CreatedAt, ss.LastSeenAt, ss.UserAgent, ss.TrustLevel, ss.AuthMethod})
	}
	out, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("identity: export: %w", err)
	}
	return out, nil
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// DeleteCitizen deletes a citizen account with its sessions, links, codes
// and tokens, after the hooks registered with OnCitizenDelete ran in the
// same transaction. The web layer asks for the password (or a fresh login)
// first.
func (s *Service) DeleteCitizen(ctx context.Context, accountID string) error {
	a, err := s.accountByID(ctx, accountID)
	if err != nil {
		return err
	}
	if a.Kind != Citizen {
		return fmt.Errorf("identity: delete: not a citizen account: %w", ErrForbidden)
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		for _, fn := range s.onDelete {
			if err := fn(ctx, accountID); err != nil {
				return fmt.Errorf("identity: delete account: %w", err)
			}
		}
		if err := s.tokens.revokeSubject(ctx, accountID); err != nil {
			return err
		}
		if a.Email != "" {
			if _, err := s.db.Exec(ctx, `DELETE FROM login_failures WHERE bucket = ?`, accountBucket(Citizen, a.Email)); err != nil {
				return fmt.Errorf("identity: delete account: %w", err)
			}
		}
		if _, err := s.db.Exec(ctx, `DELETE FROM accounts WHERE id = ?`, accountID); err != nil {
			return fmt.Errorf("identity: delete account: %w", err)
		}
		return nil
	})
}
