package identity

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
)

// Config configures a Service. Only Key is required.
type Config struct {
	// Key is the server secret (at least 32 bytes) from which the CSRF and
	// TOTP sealing keys are derived. Every instance must use the same key.
	// StoredKey provides one kept in the database.
	Key []byte
	// Issuer names the portal in authenticator apps.
	Issuer string
	// Password is the password policy.
	Password PasswordPolicy
	// Hasher sizes the bounded argon2id hasher.
	Hasher HasherOptions
	// Timeouts bound sessions; zero fields take DefaultTimeouts'.
	Timeouts Timeouts
	// Throttle is the failed-login policy; zero takes DefaultThrottle.
	Throttle ThrottlePolicy
	// Now is the clock, for tests; nil is time.Now in UTC.
	Now func() time.Time
}

// Service is the identity use-case API: registration, login, MFA,
// sessions, staff administration and the authorizer.
type Service struct {
	db       *store.DB
	cfg      Config
	now      func() time.Time
	keys     *keyring
	hasher   *Hasher
	sessions *sessionStore
	tokens   *Tokens
	throttle *Throttle
	authz    *Authorizer

	onDelete []func(ctx context.Context, accountID string) error
}

// New returns a Service on db.
func New(db *store.DB, cfg Config) (*Service, error) {
	keys, err := newKeyring(cfg.Key)
	if err != nil {
		return nil, err
	}
	if cfg.Issuer == "" {
		cfg.Issuer = "Serviceportal Emscher-Lippe"
	}
	cfg.Password = cfg.Password.withDefaults()
	cfg.Timeouts = cfg.Timeouts.withDefaults()
	if cfg.Throttle == (ThrottlePolicy{}) {
		cfg.Throttle = DefaultThrottle
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	utc := func() time.Time { return now().UTC() }
	s := &Service{
		db: db, cfg: cfg, now: utc, keys: keys,
		hasher:   NewHasher(cfg.Hasher),
		sessions: &sessionStore{db: db, keys: keys, timeouts: cfg.Timeouts, now: utc},
		tokens:   NewTokens(db, utc),
		throttle: NewThrottle(db, cfg.Throttle, utc),
		authz:    NewAuthorizer(db),
	}
	return s, nil
}

func (t Timeouts) withDefaults() Timeouts {
	d := DefaultTimeouts
	for _, f := range []struct{ v, def *time.Duration }{
		{&t.StaffIdle, &d.StaffIdle}, {&t.StaffAbsolute, &d.StaffAbsolute},
		{&t.CitizenIdle, &d.CitizenIdle}, {&t.CitizenAbsolute, &d.CitizenAbsolute}, {&t.Pending, &d.Pending},
	} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	return t
}

// Authorizer returns the permission checker for other use-case packages.
func (s *Service) Authorizer() *Authorizer { return s.authz }

// Tokens returns the one-time token store, for other packages' links
// (e.g. resuming a saved application).
func (s *Service) Tokens() *Tokens { return s.tokens }

// Hasher returns the bounded password hasher.
func (s *Service) Hasher() *Hasher { return s.hasher }

// PasswordPolicy returns the policy new passwords must satisfy.
func (s *Service) PasswordPolicy() PasswordPolicy { return s.cfg.Password }

// OnCitizenDelete registers fn to run inside the transaction that deletes
// a citizen account, so that packages holding the citizen's data (drafts,
// applications, messages) delete or anonymise it atomically with the
// account. Register at start-up only.
func (s *Service) OnCitizenDelete(fn func(ctx context.Context, accountID string) error) {
	s.onDelete = append(s.onDelete, fn)
}

// Cleanup removes expired sessions, tokens and old throttle counters; run
// it from a periodic job (every few minutes is plenty).
func (s *Service) Cleanup(ctx context.Context) error {
	now := s.now()
	_, errS := s.db.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= ? OR idle_expires_at <= ?`, now, now)
	if errS != nil {
		errS = fmt.Errorf("identity: delete expired sessions: %w", errS)
	}
	_, errT := s.tokens.DeleteExpired(ctx)
	_, errF := s.throttle.DeleteExpired(ctx)
	return errors.Join(errS, errT, errF)
}

// randomText returns 26 random base32 characters (130 bits).
func randomText() string { return rand.Text() }
