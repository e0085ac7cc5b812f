package identity

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// StaffSetupTTL is how long the set-password link of a new staff account
// created without a password stays valid.
const StaffSetupTTL = 72 * time.Hour

// NewStaff describes a staff account to create.
type NewStaff struct {
	Name  string
	Email string
	// Password is optional. Without one the result carries a SetupToken
	// (use it like a password reset token) for the welcome e-mail; staff
	// who log in through their data centre's provider never need one.
	Password string
	// Grant is the account's first role; its AccountID is filled in.
	Grant RoleGrant
}

// CreatedStaff is a new staff account.
type CreatedStaff struct {
	Account    Account
	Grant      RoleGrant
	SetupToken string
}

// CreateStaff creates a staff account with its first role, for the admin
// UI and `serviceportal user add`. The caller must be allowed to give that
// role (a tenant role needs ManageStaff on the tenant), so a Dorsten admin
// can create staff for Dorsten only. Staff always need a second factor.
func (s *Service) CreateStaff(ctx context.Context, p Principal, n NewStaff) (CreatedStaff, error) {
	n.Name = strings.TrimSpace(n.Name)
	if n.Name == "" {
		return CreatedStaff{}, fmt.Errorf("identity: staff account needs a name")
	}
	email, err := ValidEmail(n.Email)
	if err != nil {
		return CreatedStaff{}, err
	}
	if err := n.Grant.Validate(); err != nil {
		return CreatedStaff{}, err
	}
	if ok, err := s.authz.mayGrant(ctx, p, n.Grant); err != nil {
		return CreatedStaff{}, err
	} else if !ok {
		return CreatedStaff{}, fmt.Errorf("identity: create staff with %s: %w", n.Grant.Role, ErrForbidden)
	}
	var hash string
	if n.Password != "" {
		if err := s.cfg.Password.Check(n.Password, email); err != nil {
			return CreatedStaff{}, err
		}
		if hash, err = s.hasher.Hash(ctx, n.Password); err != nil {
			return CreatedStaff{}, err
		}
	}
	var out CreatedStaff
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		// The admin vouches for the address; it is also what links the
		// account to the data centre's identity provider.
		id, err := s.insertAccount(ctx, newAccount{kind: Staff, email: email, name: n.Name, passwordHash: hash, verified: true, mfaRequired: true})
		if err != nil {
			return err
		}
		n.Grant.AccountID = id
		if out.Grant, err = s.putGrant(ctx, p, n.Grant); err != nil {
			return err
		}
		if hash == "" {
			if out.SetupToken, err = s.tokens.Issue(ctx, PurposePasswordReset, id, StaffSetupTTL); err != nil {
				return err
			}
		}
		a, err := s.accountByID(ctx, id)
		out.Account = a.Account
		return err
	})
	if err != nil {
		return CreatedStaff{}, err
	}
	return out, nil
}

// ResetMFA removes a staff member's second factor (lost phone) and ends
// their sessions; the next login enrols a new one. p needs to be allowed to
// manage every role the account holds.
func (s *Service) ResetMFA(ctx context.Context, p Principal, accountID string) error {
	if err := s.authorizeAccountAdmin(ctx, p, accountID); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.clearMFA(ctx, accountID); err != nil {
			return err
		}
		return s.sessions.revokeAll(ctx, accountID, "")
	})
}
