package identity

import (
	"fmt"
	"time"
)

// Kind separates citizen accounts from staff accounts. The same e-mail
// address may hold one of each.
type Kind string

// The account kinds.
const (
	Citizen Kind = "citizen"
	Staff   Kind = "staff"
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == Citizen || k == Staff }

// TrustLevel is the assurance of a login as BundID names it: Basis
// (username and password), substanziell (e.g. ELSTER certificate) and hoch
// (Online-Ausweis). The zero value means "no level known" and ranks below
// Basis.
type TrustLevel string

// The trust levels, lowest first.
const (
	TrustNone         TrustLevel = ""
	TrustBasis        TrustLevel = "basis"
	TrustSubstanziell TrustLevel = "substanziell"
	TrustHoch         TrustLevel = "hoch"
)

// Rank orders levels: 0 for none, 1 basis, 2 substanziell, 3 hoch.
func (l TrustLevel) Rank() int {
	switch l {
	case TrustBasis:
		return 1
	case TrustSubstanziell:
		return 2
	case TrustHoch:
		return 3
	}
	return 0
}

// AtLeast reports whether l satisfies the minimum min.
func (l TrustLevel) AtLeast(min TrustLevel) bool { return l.Rank() >= min.Rank() }

// Label is the level's German name as citizens know it from BundID.
func (l TrustLevel) Label() string {
	switch l {
	case TrustBasis:
		return "Basisregistrierung"
	case TrustSubstanziell:
		return "substanziell"
	case TrustHoch:
		return "hoch"
	}
	return "keine"
}

// ParseTrustLevel accepts the three level names; anything else is an error.
func ParseTrustLevel(s string) (TrustLevel, error) {
	switch l := TrustLevel(s); l {
	case TrustNone, TrustBasis, TrustSubstanziell, TrustHoch:
		return l, nil
	}
	return TrustNone, fmt.Errorf("identity: unknown trust level %q", s)
}

// InsufficientTrustError says that a service needs a higher trust level
// than the session has; the web layer answers with a step-up login at Need.
type InsufficientTrustError struct {
	Have, Need TrustLevel
}

func (e *InsufficientTrustError) Error() string {
	return fmt.Sprintf("identity: trust level %q below required %q", e.Have, e.Need)
}

// CheckTrust returns nil when have satisfies need, and an
// *InsufficientTrustError (the step-up signal) when it does not.
func CheckTrust(have, need TrustLevel) error {
	if have.AtLeast(need) {
		return nil
	}
	return &InsufficientTrustError{Have: have, Need: need}
}

// Account is a citizen's or staff member's account. Secrets (password hash,
// TOTP secret) never leave the package.
type Account struct {
	ID    string
	Kind  Kind
	Email string
	// Name is the display name; staff always have one, citizens may not.
	Name            string
	EmailVerifiedAt time.Time // zero while unverified
	HasPassword     bool
	// MFARequired forces a second factor at every login (always for staff).
	MFARequired bool
	TOTPEnabled bool
	// TrustLevel is the level of the most recent login.
	TrustLevel  TrustLevel
	Disabled    bool
	CreatedAt   time.Time
	LastLoginAt time.Time // zero before the first login
}

// EmailVerified reports whether the account's address has been confirmed.
func (a Account) EmailVerified() bool { return !a.EmailVerifiedAt.IsZero() }

// NeedsMFA reports whether a login to a must pass a second factor.
func (a Account) NeedsMFA() bool { return a.MFARequired || a.TOTPEnabled || a.Kind == Staff }
