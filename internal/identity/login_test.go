package identity

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

const firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"

func TestCitizenJourney(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newClock()
		s := newTestService(t, db, c)
		const pw = "Sonnenblumen im Garten"

		reg, err := s.RegisterCitizen(ctx, " Erika@Example.org", pw)
		if err != nil {
			t.Fatal(err)
		}
		if reg.VerifyToken == "" || reg.AlreadyRegistered || reg.Email != "erika@example.org" {
			t.Fatalf("registration = %+v", reg)
		}
		login := LoginRequest{Kind: Citizen, Email: "erika@example.org", Password: pw, IP: "192.0.2.7", UserAgent: firefox}
		_, err = s.LoginPassword(ctx, login)
		wantErr(t, err, ErrEmailNotVerified)

		// Registering again tells the caller, not the page.
		again, err := s.RegisterCitizen(ctx, "erika@example.org", "ein anderes langes Passwort")
		if err != nil || !again.AlreadyRegistered || again.AccountID != reg.AccountID || again.VerifyToken == "" {
			t.Fatalf("second registration = %+v, %v", again, err)
		}
		if _, err := s.VerifyEmail(ctx, reg.VerifyToken); !errors.Is(err, ErrInvalidToken) {
			t.Fatalf("superseded verification link: %v", err)
		}
		if id, err := s.VerifyEmail(ctx, again.VerifyToken); err != nil || id != reg.AccountID {
			t.Fatalf("VerifyEmail = %q, %v", id, err)
		}
		// The second registration did not change the password.
		res, err := s.LoginPassword(ctx, login)
		if err != nil {
			t.Fatal(err)
		}
		if res.NeedsMFA || res.Token == "" {
			t.Fatalf("login result = %+v", res)
		}
		sess, err := s.Authenticate(ctx, res.Token)
		if err != nil || sess.AccountID != reg.AccountID || sess.TrustLevel != TrustBasis || sess.UserAgent != "Firefox unter Windows" {
			t.Fatalf("Authenticate = %+v, %v", sess, err)
		}
		if again, _ := s.RegisterCitizen(ctx, "erika@example.org", "noch ein langes Passwort"); again.VerifyToken != "" || !again.AlreadyRegistered {
			t.Fatalf("registration of a verified address issued a token: %+v", again)
		}

		// Wrong password and unknown address give the same error.
		bad := login
		bad.Password = "falsches Passwort hier"
		_, err = s.LoginPassword(ctx, bad)
		wantErr(t, err, ErrInvalidCredentials)
		unknown := login
		unknown.Email = "niemand@example.org"
		_, err = s.LoginPassword(ctx, unknown)
		wantErr(t, err, ErrInvalidCredentials)

		// A new login with the old cookie ends the old session.
		login.PreviousToken = res.Token
		res2, err := s.LoginPassword(ctx, login)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, res.Token); !errors.Is(err, ErrNoSession) {
			t.Fatalf("old session after new login: %v", err)
		}
		if err := s.Logout(ctx, res2.Token); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, res2.Token); !errors.Is(err, ErrNoSession) {
			t.Fatalf("after logout: %v", err)
		}
		acc, err := s.Account(ctx, reg.AccountID)
		if err != nil || acc.LastLoginAt.IsZero() || acc.TrustLevel != TrustBasis || !acc.EmailVerified() {
			t.Fatalf("account = %+v, %v", acc, err)
		}
	})
}

func TestPasswordReset(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newClock()
		s := newTestService(t, db, c)
		id := registerVerified(t, s, "max@example.org", "Mein altes Passwort 1")
		login := LoginRequest{Kind: Citizen, Email: "max@example.org", Password: "Mein altes Passwort 1"}
		old, err := s.LoginPassword(ctx, login)
		if err != nil {
			t.Fatal(err)
		}

		none, err := s.RequestPasswordReset(ctx, Citizen, "unbekannt@example.org")
		if err != nil || none.Token != "" {
			t.Fatalf("reset for unknown address = %+v, %v", none, err)
		}
		if r, _ := s.RequestPasswordReset(ctx, Staff, "max@example.org"); r.Token != "" {
			t.Fatal("reset token for the wrong account kind")
		}
		r, err := s.RequestPasswordReset(ctx, Citizen, " MAX@example.org")
		if err != nil || r.Token == "" || r.AccountID != id || r.Email != "max@example.org" {
			t.Fatalf("RequestPasswordReset = %+v, %v", r, err)
		}
		// A refused password keeps the link usable.
		var pe *PasswordError
		if err := s.ResetPassword(ctx, r.Token, "passwort123"); !errors.As(err, &pe) {
			t.Fatalf("weak password: %v", err)
		}
		if err := s.ResetPassword(ctx, r.Token, "Ganz neues Passwort 2"); err != nil {
			t.Fatal(err)
		}
		if err := s.ResetPassword(ctx, r.Token, "Noch ein neues Passwort"); !errors.Is(err, ErrInvalidToken) {
			t.Fatalf("second use: %v", err)
		}
		if _, err := s.Authenticate(ctx, old.Token); !errors.Is(err, ErrNoSession) {
			t.Fatalf("session survived password reset: %v", err)
		}
		_, err = s.LoginPassword(ctx, login)
		wantErr(t, err, ErrInvalidCredentials)
		login.Password = "Ganz neues Passwort 2"
		if _, err := s.LoginPassword(ctx, login); err != nil {
			t.Fatal(err)
		}

		// Expired link.
		r, _ = s.RequestPasswordReset(ctx, Citizen, "max@example.org")
		c.Advance(PasswordResetTTL + time.Second)
		wantErr(t, s.ResetPassword(ctx, r.Token, "Zu spät gekommenes Passwort"), ErrInvalidToken)

		// Change with the current password keeps the current session only.
		c.Advance(time.Minute)
		a, _ := s.LoginPassword(ctx, login)
		b, _ := s.LoginPassword(ctx, login)
		wantErr(t, s.ChangePassword(ctx, id, "falsch falsch falsch", "Drittes neues Passwort", a.Session.ID), ErrInvalidCredentials)
		if err := s.ChangePassword(ctx, id, "Ganz neues Passwort 2", "Drittes neues Passwort", a.Session.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, a.Token); err != nil {
			t.Fatalf("current session ended: %v", err)
		}
		if _, err := s.Authenticate(ctx, b.Token); !errors.Is(err, ErrNoSession) {
			t.Fatalf("other session survived: %v", err)
		}
	})
}

// TestLoginFlood: 50 wrong passwords in a row are refused with a wait
// (429 with Retry-After), and the real user is let in after waiting.
func TestLoginFlood(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newClock()
		s := newTestService(t, db, c)
		registerVerified(t, s, "opfer@example.org", "Das echte Passwort 42")
		throttled := 0
		var last *ThrottledError
		for i := range 50 {
			_, err := s.LoginPassword(ctx, LoginRequest{Kind: Citizen, Email: "opfer@example.org", Password: "Rateversuch Nummer " + string(rune('A'+i)), IP: "198.51.100.1"})
			var te *ThrottledError
			switch {
			case errors.As(err, &te):
				throttled++
				last = te
			case !errors.Is(err, ErrInvalidCredentials):
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		if throttled < 44 {
			t.Fatalf("%d of 50 guesses throttled, want at least 44", throttled)
		}
		if msg, ok := UserMessage(last); !ok || msg == "" {
			t.Fatal("no German message for throttling")
		}
		// The same for an address that has no account.
		for range 6 {
			s.LoginPassword(ctx, LoginRequest{Kind: Citizen, Email: "gibtsnicht@example.org", Password: "Rateversuch"})
		}
		_, err := s.LoginPassword(ctx, LoginRequest{Kind: Citizen, Email: "gibtsnicht@example.org", Password: "Rateversuch"})
		var te *ThrottledError
		if !errors.As(err, &te) {
			t.Fatalf("unknown address not throttled alike: %v", err)
		}
		// No permanent lock-out: after the wait the real user gets in, from
		// another network.
		c.Advance(last.RetryAfter)
		if _, err := s.LoginPassword(ctx, LoginRequest{Kind: Citizen, Email: "opfer@example.org", Password: "Das echte Passwort 42", IP: "203.0.113.5"}); err != nil {
			t.Fatalf("real user after waiting: %v", err)
		}
	})
}

func TestSessions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newClock()
		s := newTestService(t, db, c)
		id := registerVerified(t, s, "sitzung@example.org", "Sitzungen sind wichtig")
		login := LoginRequest{Kind: Citizen, Email: "sitzung@example.org", Password: "Sitzungen sind wichtig", UserAgent: firefox}
		a, _ := s.LoginPassword(ctx, login)
		login.UserAgent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
		c.Advance(time.Minute)
		b, _ := s.LoginPassword(ctx, login)
		other := registerVerified(t, s, "andere@example.org", "Andere Leute andere Sitten")

		list, err := s.ListSessions(ctx, id)
		if err != nil || len(list) != 2 || list[0].ID != b.Session.ID || list[0].UserAgent != "Safari unter iOS" {
			t.Fatalf("ListSessions = %+v, %v", list, err)
		}
		// Sessions of one account cannot be revoked through another.
		if err := s.RevokeSession(ctx, other, a.Session.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("revoke foreign session: %v", err)
		}
		if err := s.RevokeSession(ctx, id, a.Session.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, a.Token); !errors.Is(err, ErrNoSession) {
			t.Fatalf("revoked session: %v", err)
		}

		// Idle timeout: activity keeps the session, silence ends it.
		for range 5 {
			c.Advance(50 * time.Minute)
			if _, err := s.Authenticate(ctx, b.Token); err != nil {
				t.Fatalf("active session ended: %v", err)
			}
		}
		c.Advance(DefaultTimeouts.CitizenIdle)
		if _, err := s.Authenticate(ctx, b.Token); !errors.Is(err, ErrNoSession) {
			t.Fatalf("idle session: %v", err)
		}

		// Absolute timeout despite activity.
		d, _ := s.LoginPassword(ctx, login)
		for i := 0; i < 15; i++ {
			c.Advance(50 * time.Minute)
			_, err := s.Authenticate(ctx, d.Token)
			if i < 14 && err != nil {
				t.Fatalf("session ended early after %d min: %v", (i+1)*50, err)
			}
			if i == 14 && !errors.Is(err, ErrNoSession) {
				t.Fatalf("session alive after 12.5 h: %v", err)
			}
		}

		// Log out everywhere.
		e, _ := s.LoginPassword(ctx, login)
		f, _ := s.LoginPassword(ctx, login)
		if err := s.RevokeSessions(ctx, id, e.Session.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, e.Token); err != nil {
			t.Fatalf("kept session: %v", err)
		}
		if _, err := s.Authenticate(ctx, f.Token); !errors.Is(err, ErrNoSession) {
			t.Fatalf("other session: %v", err)
		}

		// Cleanup removes expired rows.
		c.Advance(24 * time.Hour)
		if err := s.Cleanup(ctx); err != nil {
			t.Fatal(err)
		}
		var n int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM sessions`).Scan(&n)
		if n != 0 {
			t.Fatalf("%d sessions left after cleanup", n)
		}
	})
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newTestService(t, db, newClock())
		registerVerified(t, s, "csrf@example.org", "Formulare sicher senden")
		res, _ := s.LoginPassword(ctx, LoginRequest{Kind: Citizen, Email: "csrf@example.org", Password: "Formulare sicher senden"})
		sess, _ := s.Authenticate(ctx, res.Token)
		tok := s.CSRFToken(sess)
		if !s.CheckCSRF(sess, tok) {
			t.Fatal("own token refused")
		}
		for _, bad := range []string{"", tok[:len(tok)-1], tok + "x"} {
			if s.CheckCSRF(sess, bad) {
				t.Fatalf("token %q accepted", bad)
			}
		}
		other, _ := s.LoginPassword(ctx, LoginRequest{Kind: Citizen, Email: "csrf@example.org", Password: "Formulare sicher senden"})
		if s.CheckCSRF(other.Session, tok) {
			t.Fatal("token of one session accepted for another")
		}
		// Another server key gives other tokens.
		s2, _ := New(db, Config{Key: []byte("another key of thirty-two bytes!")})
		if s2.CheckCSRF(sess, tok) {
			t.Fatal("token valid under another key")
		}
		if _, err := New(db, Config{Key: []byte("short")}); err == nil {
			t.Fatal("short key accepted")
		}
	})
}
