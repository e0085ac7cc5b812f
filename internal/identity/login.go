package identity

import (
	"context"
	"errors"
	"fmt"

	"github.com/serviceportal/serviceportal/internal/store"
)

// LoginRequest is a password login attempt.
type LoginRequest struct {
	Kind     Kind
	Email    string
	Password string
	// IP is the client address (for throttling per network).
	IP string
	// UserAgent is the User-Agent header, summarised for the session list.
	UserAgent string
	// PreviousToken is the session cookie the browser already had, if any.
	// It is ended: a login always starts a new session (ASVS v5.0.0-7.2.4).
	PreviousToken string
}

// LoginResult is a new session. When NeedsMFA is set the session is
// pending: it grants nothing until CompleteMFA succeeds. NeedsEnrolment
// means the account has no second factor yet: call EnrollTOTP for
// Session.AccountID, show the QR code, then CompleteMFA with the first code.
type LoginResult struct {
	Token          string
	Session        Session
	NeedsMFA       bool
	NeedsEnrolment bool
}

// LoginPassword checks e-mail and password. Every failure that could reveal
// whether the account exists is ErrInvalidCredentials, with the same
// timing; too many failures give a *ThrottledError, a saturated hasher
// ErrBusy.
func (s *Service) LoginPassword(ctx context.Context, req LoginRequest) (LoginResult, error) {
	if !req.Kind.Valid() {
		return LoginResult{}, fmt.Errorf("identity: login: unknown account kind %q", req.Kind)
	}
	email := NormalizeEmail(req.Email)
	allowed, wait, err := s.throttle.Attempt(ctx, req.Kind, email, req.IP)
	if err != nil {
		return LoginResult{}, err
	}
	if !allowed {
		return LoginResult{}, &ThrottledError{RetryAfter: wait}
	}
	a, err := s.accountByEmail(ctx, req.Kind, email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return LoginResult{}, errors.Join(err, s.throttle.Cancel(ctx, req.Kind, email, req.IP))
	}
	var ok, rehash bool
	if err == nil && a.HasPassword {
		ok, rehash, err = s.hasher.Verify(ctx, req.Password, a.passwordHash)
	} else {
		err = s.hasher.VerifyDummy(ctx, req.Password)
	}
	if err != nil {
		// Busy or cancelled: the attempt was never decided.
		return LoginResult{}, errors.Join(err, s.throttle.Cancel(context.WithoutCancel(ctx), req.Kind, email, req.IP))
	}
	if !ok {
		return LoginResult{}, ErrInvalidCredentials
	}
	if err := s.throttle.Success(ctx, req.Kind, email, req.IP); err != nil {
		return LoginResult{}, err
	}
	if a.Disabled {
		return LoginResult{}, ErrAccountDisabled
	}
	if a.Kind == Citizen && !a.EmailVerified() {
		return LoginResult{}, ErrEmailNotVerified
	}
	if rehash {
		// Parameters were raised since this hash was made; upgrade it now
		// that the password is known. A busy hasher just leaves it for later.
		if h, err := s.hasher.Hash(ctx, req.Password); err == nil {
			if err := s.setPasswordHash(ctx, a.ID, h); err != nil {
				return LoginResult{}, err
			}
		}
	}
	return s.startSession(ctx, a, TrustBasis, MethodPassword, a.NeedsMFA(), req.UserAgent, req.PreviousToken)
}

// startSession ends the previous session and opens a new one, pending if
// a second factor is still needed.
func (s *Service) startSession(ctx context.Context, a accountRow, trust TrustLevel, method AuthMethod, needsMFA bool, ua, previous string) (LoginResult, error) {
	var res LoginResult
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.sessions.deleteToken(ctx, previous); err != nil {
			return err
		}
		var err error
		res.Token, res.Session, err = s.sessions.create(ctx, newSession{
			accountID: a.ID, kind: a.Kind, needsMFA: needsMFA, trust: trust, method: method, userAgent: ua,
		})
		if err != nil {
			return err
		}
		if !needsMFA {
			return s.markLogin(ctx, a.ID, trust)
		}
		return nil
	})
	res.NeedsMFA = needsMFA
	res.NeedsEnrolment = needsMFA && !a.totpConfirmed
	return res, err
}

// MFARequest is a second-factor step of a pending login.
type MFARequest struct {
	// Token is the pending session's token from LoginResult.
	Token string
	// Code is a six-digit TOTP code or a recovery code.
	Code string
	// IP is the client address, for throttling.
	IP string
}

// MFAResult is the full session after the second factor. RecoveryCodes is
// set when this step also confirmed a new TOTP enrolment: show them once.
type MFAResult struct {
	Token         string
	Session       Session
	RecoveryCodes []string
}

// mfaKind keys second-factor failures apart from password failures.
const mfaKind Kind = "mfa"

// CompleteMFA checks the second factor of a pending login and turns the
// session into a full one under a new token. Wrong codes are throttled per
// account like passwords, so six digits cannot be guessed.
func (s *Service) CompleteMFA(ctx context.Context, req MFARequest) (MFAResult, error) {
	sess, err := s.sessions.lookup(ctx, req.Token)
	if err != nil {
		return MFAResult{}, err
	}
	if sess.MFAPassed {
		return MFAResult{Token: req.Token, Session: sess}, nil
	}
	allowed, wait, err := s.throttle.Attempt(ctx, mfaKind, sess.AccountID, req.IP)
	if err != nil {
		return MFAResult{}, err
	}
	if !allowed {
		return MFAResult{}, &ThrottledError{RetryAfter: wait}
	}
	var res MFAResult
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		a, err := s.accountByID(ctx, sess.AccountID)
		if err != nil {
			return err
		}
		switch {
		case a.Disabled:
			return ErrAccountDisabled
		case a.totpConfirmed && looksLikeRecoveryCode(req.Code):
			err = s.useRecoveryCode(ctx, a.ID, req.Code)
		case a.totpConfirmed:
			err = s.checkTOTP(ctx, a, req.Code)
		case len(a.totpSealed) > 0:
			// First code of an enrolment made during this pending login.
			if err = s.checkTOTP(ctx, a, req.Code); err == nil {
				if _, err = s.db.Exec(ctx, `UPDATE accounts SET totp_confirmed_at = ?, updated_at = ? WHERE id = ?`, s.now(), s.now(), a.ID); err == nil {
					res.RecoveryCodes, err = s.newRecoveryCodes(ctx, a.ID)
				}
			}
		default:
			return ErrMFANotEnrolled
		}
		if err != nil {
			return err
		}
		if res.Token, res.Session, err = s.sessions.rotate(ctx, sess, true, sess.TrustLevel); err != nil {
			return err
		}
		return s.markLogin(ctx, a.ID, sess.TrustLevel)
	})
	if err != nil {
		return MFAResult{}, err
	}
	return res, s.throttle.Success(ctx, mfaKind, sess.AccountID, req.IP)
}

// PendingLogin returns a pending session and its account, for the page
// that asks for the second factor (Account.TOTPEnabled false: enrol first).
func (s *Service) PendingLogin(ctx context.Context, token string) (Session, Account, error) {
	sess, err := s.sessions.lookup(ctx, token)
	if err != nil {
		return Session{}, Account{}, err
	}
	if sess.MFAPassed {
		return Session{}, Account{}, ErrNoSession
	}
	a, err := s.accountByID(ctx, sess.AccountID)
	return sess, a.Account, err
}

// Authenticate returns the session behind a cookie token, for every
// request. Pending logins give ErrMFAPending, unknown or expired tokens
// ErrNoSession.
func (s *Service) Authenticate(ctx context.Context, token string) (Session, error) {
	sess, err := s.sessions.lookup(ctx, token)
	if err != nil {
		return Session{}, err
	}
	if !sess.MFAPassed {
		return Session{}, ErrMFAPending
	}
	return sess, nil
}

// Principal loads the role grants of a session's account for permission
// checks. Load it per request, so revoked roles take effect at once.
func (s *Service) Principal(ctx context.Context, sess Session) (Principal, error) {
	p := Principal{AccountID: sess.AccountID, Kind: sess.Kind, MFAPassed: sess.MFAPassed}
	if sess.Kind != Staff {
		return p, nil
	}
	var err error
	p.Grants, err = s.Grants(ctx, sess.AccountID)
	return p, err
}

// Logout ends the session behind token.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.sessions.deleteToken(ctx, token)
}

// ListSessions returns the account's active sessions, most recent first,
// for the "Ihre Sitzungen" page.
func (s *Service) ListSessions(ctx context.Context, accountID string) ([]Session, error) {
	return s.sessions.list(ctx, accountID)
}

// RevokeSession ends one session of the account; a session ID of another
// account gives store.ErrNotFound.
func (s *Service) RevokeSession(ctx context.Context, accountID, sessionID string) error {
	return s.sessions.revoke(ctx, accountID, sessionID)
}

// RevokeSessions ends all sessions of the account except keepSessionID
// ("überall abmelden"; pass "" to end the current one too).
func (s *Service) RevokeSessions(ctx context.Context, accountID, keepSessionID string) error {
	return s.sessions.revokeAll(ctx, accountID, keepSessionID)
}

// CSRFToken returns the form token for the session: an HMAC of the
// session's current token under the server key.
func (s *Service) CSRFToken(sess Session) string { return s.keys.csrfToken(sess) }

// CheckCSRF reports, in constant time, whether token is the session's form
// token.
func (s *Service) CheckCSRF(sess Session, token string) bool { return s.keys.checkCSRF(sess, token) }
