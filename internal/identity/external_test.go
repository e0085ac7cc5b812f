package identity

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

func TestLoginExternal(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newTestService(t, db, newClock())
		const bund = "https://id.bund.example"
		in := ExternalLogin{Kind: Citizen, Issuer: bund, Subject: "bpk2-123", Email: "Neu@Example.org", EmailVerified: true, Name: "Nina Neu", Trust: TrustSubstanziell}

		res, err := s.LoginExternal(ctx, in)
		if err != nil || res.NeedsMFA || res.Session.TrustLevel != TrustSubstanziell || res.Session.AuthMethod != MethodOIDC {
			t.Fatalf("first login = %+v, %v", res, err)
		}
		a, _ := s.Account(ctx, res.Session.AccountID)
		if a.Email != "neu@example.org" || !a.EmailVerified() || a.HasPassword || a.TrustLevel != TrustSubstanziell {
			t.Fatalf("created account = %+v", a)
		}
		// Same subject, same account; step-up replaces the session.
		in.Trust, in.PreviousToken = TrustHoch, res.Token
		res2, err := s.LoginExternal(ctx, in)
		if err != nil || res2.Session.AccountID != a.ID || res2.Session.TrustLevel != TrustHoch {
			t.Fatalf("second login = %+v, %v", res2, err)
		}
		if _, err := s.Authenticate(ctx, res.Token); !errors.Is(err, ErrNoSession) {
			t.Fatal("session before step-up still valid")
		}
		// No password login into a provider-only account.
		_, err = s.LoginPassword(ctx, LoginRequest{Kind: Citizen, Email: "neu@example.org", Password: "irgendein Passwort"})
		wantErr(t, err, ErrInvalidCredentials)

		// A new identity with the address of a password account is not
		// merged silently; logged in, the citizen links it.
		pwID := registerVerified(t, s, "erika@example.org", "Erikas eigenes Passwort")
		other := ExternalLogin{Kind: Citizen, Issuer: bund, Subject: "bpk2-erika", Email: "erika@example.org", EmailVerified: true, Trust: TrustHoch}
		_, err = s.LoginExternal(ctx, other)
		wantErr(t, err, ErrEmailTaken)
		other.LinkTo = pwID
		res3, err := s.LoginExternal(ctx, other)
		if err != nil || res3.Session.AccountID != pwID {
			t.Fatalf("linking login = %+v, %v", res3, err)
		}
		other.LinkTo = ""
		if res4, err := s.LoginExternal(ctx, other); err != nil || res4.Session.AccountID != pwID {
			t.Fatalf("login through link = %+v, %v", res4, err)
		}
		if links, _ := s.Links(ctx, pwID); len(links) != 1 || links[0].Subject != "bpk2-erika" {
			t.Fatalf("links = %+v", links)
		}
		// An unverified address is not stored.
		res5, err := s.LoginExternal(ctx, ExternalLogin{Kind: Citizen, Issuer: bund, Subject: "bpk2-x", Email: "erika@example.org"})
		if err != nil {
			t.Fatal(err)
		}
		if a, _ := s.Account(ctx, res5.Session.AccountID); a.Email != "" || a.EmailVerified() || res5.Session.TrustLevel != TrustBasis {
			t.Fatalf("account from unverified claim = %+v", a)
		}
	})
}

func TestLoginExternalStaff(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newTestService(t, db, newClock())
		r := seedRegion(t, db)
		created, err := s.CreateStaff(ctx, SystemPrincipal(), NewStaff{Name: "K", Email: "k@dorsten.example", Grant: RoleGrant{Role: TenantAdmin, TenantID: r.dorsten}})
		if err != nil {
			t.Fatal(err)
		}
		const kc = "https://keycloak.gkd-re.example/realms/staff"
		in := ExternalLogin{Kind: Staff, Issuer: kc, Subject: "u-1", Email: "K@dorsten.example", EmailVerified: true}
		res, err := s.LoginExternal(ctx, in)
		if err != nil || res.Session.AccountID != created.Account.ID || !res.NeedsMFA {
			t.Fatalf("staff via provider = %+v, %v", res, err)
		}
		in.MFADone = true
		if res, err := s.LoginExternal(ctx, in); err != nil || res.NeedsMFA {
			t.Fatalf("staff with provider MFA = %+v, %v", res, err)
		}
		// A second subject at the same provider cannot take the account.
		_, err = s.LoginExternal(ctx, ExternalLogin{Kind: Staff, Issuer: kc, Subject: "u-2", Email: "k@dorsten.example", EmailVerified: true})
		wantErr(t, err, ErrInvalidCredentials)
		// Unknown staff are not created; unverified addresses do not link.
		_, err = s.LoginExternal(ctx, ExternalLogin{Kind: Staff, Issuer: kc, Subject: "u-3", Email: "wer@dorsten.example", EmailVerified: true})
		wantErr(t, err, ErrInvalidCredentials)
		_, err = s.LoginExternal(ctx, ExternalLogin{Kind: Staff, Issuer: "https://other.example", Subject: "u-4", Email: "k@dorsten.example"})
		wantErr(t, err, ErrInvalidCredentials)
		// A citizen identity never opens a staff account.
		_, err = s.LoginExternal(ctx, ExternalLogin{Kind: Citizen, Issuer: kc, Subject: "u-1"})
		wantErr(t, err, ErrInvalidCredentials)
	})
}

func TestExportAndDeleteCitizen(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newTestService(t, db, newClock())
		var hooked []string
		s.OnCitizenDelete(func(ctx context.Context, id string) error {
			hooked = append(hooked, id)
			return nil
		})
		id := registerVerified(t, s, "weg@example.org", "Ich möchte gelöscht werden")
		res, _ := s.LoginPassword(ctx, LoginRequest{Kind: Citizen, Email: "weg@example.org", Password: "Ich möchte gelöscht werden", UserAgent: firefox})
		if _, err := s.LoginExternal(ctx, ExternalLogin{Kind: Citizen, Issuer: "https://id.example", Subject: "s-1", LinkTo: id, Trust: TrustHoch}); err != nil {
			t.Fatal(err)
		}

		out, err := s.ExportCitizen(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var e CitizenExport
		if err := json.Unmarshal(out, &e); err != nil {
			t.Fatalf("export is not JSON: %v\n%s", err, out)
		}
		if e.Account.Email != "weg@example.org" || !e.Account.HasPassword || len(e.Links) != 1 || len(e.Sessions) != 2 || e.Account.EmailVerifiedAt == nil {
			t.Fatalf("export = %s", out)
		}

		// A failing hook keeps everything.
		s.OnCitizenDelete(func(context.Context, string) error { return errors.New("submissions: busy") })
		if err := s.DeleteCitizen(ctx, id); err == nil {
			t.Fatal("delete ignored a failing hook")
		}
		if _, err := s.Account(ctx, id); err != nil {
			t.Fatalf("account gone after failed delete: %v", err)
		}
		s.onDelete = s.onDelete[:1]
		if err := s.DeleteCitizen(ctx, id); err != nil {
			t.Fatal(err)
		}
		if len(hooked) != 2 || hooked[1] != id {
			t.Fatalf("hooks ran for %v", hooked)
		}
		if _, err := s.Account(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("account after delete: %v", err)
		}
		if _, err := s.Authenticate(ctx, res.Token); !errors.Is(err, ErrNoSession) {
			t.Fatalf("session after delete: %v", err)
		}
		for _, table := range []string{"sessions", "account_links", "one_time_tokens"} {
			var n int
			db.QueryRow(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n)
			if n != 0 {
				t.Errorf("%d rows left in %s", n, table)
			}
		}
		// The address is free again.
		if reg, err := s.RegisterCitizen(ctx, "weg@example.org", "Ich bin wieder da 2026"); err != nil || reg.AlreadyRegistered {
			t.Fatalf("re-register = %+v, %v", reg, err)
		}
	})
}

func TestSeedDemo(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newClock()
		s := newTestService(t, db, c)
		if _, err := s.SeedDemo(ctx); err == nil {
			t.Fatal("SeedDemo without the region should fail")
		}
		r := seedRegion(t, db)
		first, err := s.SeedDemo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		second, err := s.SeedDemo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(first) != 8 || len(second) != 8 {
			t.Fatalf("demo accounts: %d, %d", len(first), len(second))
		}
		var n int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM accounts`).Scan(&n)
		if n != 8 {
			t.Fatalf("%d accounts after seeding twice", n)
		}
		for _, d := range first {
			res, err := s.LoginPassword(ctx, LoginRequest{Kind: d.Kind, Email: d.Email, Password: d.Password})
			if err != nil {
				t.Fatalf("%s: %v", d.Role, err)
			}
			if d.Kind == Citizen {
				if res.NeedsMFA {
					t.Fatal("demo citizen needs MFA")
				}
				continue
			}
			if !res.NeedsMFA || res.NeedsEnrolment || d.TOTPSecret != DemoTOTPSecret {
				t.Fatalf("%s: %+v", d.Role, res)
			}
			if _, err := s.CompleteMFA(ctx, MFARequest{Token: res.Token, Code: totpCode(t, d.TOTPSecret, c.Now())}); err != nil {
				t.Fatalf("%s TOTP: %v", d.Role, err)
			}
		}
		// The Dorsten admin of the demo manages Dorsten, not Gladbeck.
		a, _ := s.AccountByEmail(ctx, Staff, "dorsten-admin@demo.example")
		p, _ := s.Principal(ctx, Session{AccountID: a.ID, Kind: Staff, MFAPassed: true})
		if ok, _ := s.Authorizer().Can(ctx, p, ManageStaff, Target{TenantID: r.dorsten}); !ok {
			t.Fatal("demo Dorsten admin cannot manage Dorsten")
		}
		if ok, _ := s.Authorizer().Can(ctx, p, ManageStaff, Target{TenantID: r.gladbeck}); ok {
			t.Fatal("demo Dorsten admin manages Gladbeck")
		}
	})
}
