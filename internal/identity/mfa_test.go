package identity

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/seed"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

func TestCitizenTOTP(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newClock()
		s := newTestService(t, db, c)
		id := registerVerified(t, s, "totp@example.org", "Zwei Faktoren sind besser")
		login := LoginRequest{Kind: Citizen, Email: "totp@example.org", Password: "Zwei Faktoren sind besser"}

		en, err := s.EnrollTOTP(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(en.URL, "otpauth://totp/") || !strings.Contains(en.URL, "secret="+en.Secret) {
			t.Fatalf("URL = %q", en.URL)
		}
		if !bytes.HasPrefix(en.QRCodePNG, []byte("\x89PNG\r\n\x1a\n")) {
			t.Fatal("QR code is not a PNG")
		}
		// Not active before confirmation.
		if res, _ := s.LoginPassword(ctx, login); res.NeedsMFA {
			t.Fatal("unconfirmed TOTP already required")
		}
		if _, err := s.ConfirmTOTP(ctx, id, "000000"); !errors.Is(err, ErrInvalidCode) {
			t.Fatalf("wrong first code: %v", err)
		}
		codes, err := s.ConfirmTOTP(ctx, id, totpCode(t, en.Secret, c.Now()))
		if err != nil || len(codes) != RecoveryCodeCount {
			t.Fatalf("ConfirmTOTP = %v, %v", codes, err)
		}

		res, err := s.LoginPassword(ctx, login)
		if err != nil || !res.NeedsMFA || res.NeedsEnrolment {
			t.Fatalf("login with TOTP = %+v, %v", res, err)
		}
		if _, err := s.Authenticate(ctx, res.Token); !errors.Is(err, ErrMFAPending) {
			t.Fatalf("pending session authenticated: %v", err)
		}
		// The confirmation's code cannot be used again.
		_, err = s.CompleteMFA(ctx, MFARequest{Token: res.Token, Code: totpCode(t, en.Secret, c.Now())})
		wantErr(t, err, ErrInvalidCode)
		// Next step's code is fine, with the clock 30 s behind (skew 1).
		c.Advance(30 * time.Second)
		mfa, err := s.CompleteMFA(ctx, MFARequest{Token: res.Token, Code: totpCode(t, en.Secret, c.Now().Add(30*time.Second))})
		if err != nil {
			t.Fatal(err)
		}
		if mfa.Token == res.Token {
			t.Fatal("session token not rotated after MFA")
		}
		if _, err := s.Authenticate(ctx, res.Token); !errors.Is(err, ErrNoSession) {
			t.Fatalf("pre-MFA token still valid: %v", err)
		}
		if sess, err := s.Authenticate(ctx, mfa.Token); err != nil || !sess.MFAPassed {
			t.Fatalf("after MFA: %+v, %v", sess, err)
		}

		// Two steps off is refused.
		c.Advance(2 * time.Minute)
		res, _ = s.LoginPassword(ctx, login)
		_, err = s.CompleteMFA(ctx, MFARequest{Token: res.Token, Code: totpCode(t, en.Secret, c.Now().Add(-61*time.Second))})
		wantErr(t, err, ErrInvalidCode)
		// A recovery code works once, in any spelling.
		if _, err := s.CompleteMFA(ctx, MFARequest{Token: res.Token, Code: strings.ToUpper(strings.ReplaceAll(codes[3], "-", " "))}); err != nil {
			t.Fatalf("recovery code: %v", err)
		}
		res, _ = s.LoginPassword(ctx, login)
		_, err = s.CompleteMFA(ctx, MFARequest{Token: res.Token, Code: codes[3]})
		wantErr(t, err, ErrInvalidCode)
		if n, _ := s.RecoveryCodesLeft(ctx, id); n != RecoveryCodeCount-1 {
			t.Fatalf("%d recovery codes left", n)
		}
		// The pending login expires.
		c.Advance(DefaultTimeouts.Pending)
		_, err = s.CompleteMFA(ctx, MFARequest{Token: res.Token, Code: codes[4]})
		wantErr(t, err, ErrNoSession)

		if err := s.DisableTOTP(ctx, id); err != nil {
			t.Fatal(err)
		}
		if res, _ := s.LoginPassword(ctx, login); res.NeedsMFA {
			t.Fatal("TOTP still required after disabling")
		}
	})
}

// TestStaffMFA: staff must pass a second factor; a staff member without
// one enrols during the first login.
func TestStaffMFA(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newClock()
		s := newTestService(t, db, c)
		dir := tenant.NewDirectory(db)
		if _, err := seed.Run(ctx, dir); err != nil {
			t.Fatal(err)
		}
		dorsten, _ := dir.BySlug(ctx, "dorsten")
		created, err := s.CreateStaff(ctx, SystemPrincipal(), NewStaff{
			Name: "Sabine Sachbearbeitung", Email: "sabine@dorsten.example", Password: "Akten ordnen macht Spass",
			Grant: RoleGrant{Role: Caseworker, TenantID: dorsten.ID},
		})
		if err != nil {
			t.Fatal(err)
		}
		login := LoginRequest{Kind: Staff, Email: "sabine@dorsten.example", Password: "Akten ordnen macht Spass"}
		res, err := s.LoginPassword(ctx, login)
		if err != nil || !res.NeedsMFA || !res.NeedsEnrolment {
			t.Fatalf("first staff login = %+v, %v", res, err)
		}
		// A pending session grants nothing.
		if _, err := s.Authenticate(ctx, res.Token); !errors.Is(err, ErrMFAPending) {
			t.Fatalf("pending: %v", err)
		}
		_, err = s.CompleteMFA(ctx, MFARequest{Token: res.Token, Code: "123456"})
		wantErr(t, err, ErrMFANotEnrolled)
		sess, acc, err := s.PendingLogin(ctx, res.Token)
		if err != nil || acc.TOTPEnabled || sess.AccountID != created.Account.ID {
			t.Fatalf("PendingLogin = %+v, %+v, %v", sess, acc, err)
		}
		en, err := s.EnrollTOTP(ctx, sess.AccountID)
		if err != nil {
			t.Fatal(err)
		}
		mfa, err := s.CompleteMFA(ctx, MFARequest{Token: res.Token, Code: totpCode(t, en.Secret, c.Now())})
		if err != nil || len(mfa.RecoveryCodes) != RecoveryCodeCount {
			t.Fatalf("enrolling CompleteMFA = %+v, %v", mfa, err)
		}
		full, err := s.Authenticate(ctx, mfa.Token)
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.Principal(ctx, full)
		if err != nil || len(p.Grants) != 1 || !p.MFAPassed {
			t.Fatalf("principal = %+v, %v", p, err)
		}
		if ok, _ := s.Authorizer().Can(ctx, p, ViewCases, Target{TenantID: dorsten.ID}); !ok {
			t.Fatal("caseworker cannot view cases after MFA")
		}
		// Staff keep their second factor; staff idle timeout is 30 minutes.
		wantErr(t, s.DisableTOTP(ctx, created.Account.ID), ErrForbidden)
		c.Advance(DefaultTimeouts.StaffIdle)
		if _, err := s.Authenticate(ctx, mfa.Token); !errors.Is(err, ErrNoSession) {
			t.Fatalf("staff session after 30 idle minutes: %v", err)
		}

		// Guessing codes is throttled like passwords.
		c.Advance(time.Minute)
		res, _ = s.LoginPassword(ctx, login)
		var te *ThrottledError
		for i := range 10 {
			_, err = s.CompleteMFA(ctx, MFARequest{Token: res.Token, Code: "00000" + string(rune('0'+i))})
			if errors.As(err, &te) {
				break
			}
		}
		if te == nil {
			t.Fatal("ten wrong codes were not throttled")
		}
		// An admin resets the factor for a lost phone; sessions end.
		if err := s.ResetMFA(ctx, SystemPrincipal(), created.Account.ID); err != nil {
			t.Fatal(err)
		}
		if a, _ := s.Account(ctx, created.Account.ID); a.TOTPEnabled {
			t.Fatal("TOTP still enabled after reset")
		}
	})
}
