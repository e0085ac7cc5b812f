package identity

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/serviceportal/serviceportal/internal/seed"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

// region is the seeded demo region's IDs the tests need.
type region struct {
	dorsten, gladbeck, gelsenkirchen, bottrop string
	gkdRE, gkdEL                              string
}

func seedRegion(t *testing.T, db *store.DB) region {
	t.Helper()
	ctx := context.Background()
	dir := tenant.NewDirectory(db)
	if _, err := seed.Run(ctx, dir); err != nil {
		t.Fatal(err)
	}
	var r region
	for slug, id := range map[string]*string{"dorsten": &r.dorsten, "gladbeck": &r.gladbeck, "gelsenkirchen": &r.gelsenkirchen, "bottrop": &r.bottrop} {
		tn, err := dir.BySlug(ctx, slug)
		if err != nil {
			t.Fatalf("tenant %s: %v", slug, err)
		}
		*id = tn.ID
	}
	ops, err := dir.Operators(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range ops {
		switch o.Slug {
		case "gkd-re":
			r.gkdRE = o.ID
		case "gkd-el":
			r.gkdEL = o.ID
		}
	}
	if r.gkdRE == "" || r.gkdEL == "" {
		t.Fatal("operators gkd-re and gkd-el not seeded")
	}
	return r
}

// staffPrincipal creates a staff account with the grant and returns its
// principal as a logged-in, MFA-passed session would.
func staffPrincipal(t *testing.T, s *Service, email string, g RoleGrant) Principal {
	t.Helper()
	ctx := context.Background()
	created, err := s.CreateStaff(ctx, SystemPrincipal(), NewStaff{Name: email, Email: email, Grant: g})
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	p, err := s.Principal(ctx, Session{AccountID: created.Account.ID, Kind: Staff, MFAPassed: true})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAuthorizer(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newTestService(t, db, newClock())
		r := seedRegion(t, db)
		az := s.Authorizer()

		regionAdmin := staffPrincipal(t, s, "region@example.org", RoleGrant{Role: RegionAdmin})
		gkd := staffPrincipal(t, s, "admin@gkd-re.example", RoleGrant{Role: OperatorAdmin, OperatorID: r.gkdRE})
		dorstenAdmin := staffPrincipal(t, s, "admin@dorsten.example", RoleGrant{Role: TenantAdmin, TenantID: r.dorsten})
		loki := staffPrincipal(t, s, "loki@dorsten.example", RoleGrant{Role: Coordinator, TenantID: r.dorsten})
		caseworker := staffPrincipal(t, s, "sb@dorsten.example", RoleGrant{Role: Caseworker, TenantID: r.dorsten})
		limited := staffPrincipal(t, s, "hunde@dorsten.example", RoleGrant{Role: Caseworker, TenantID: r.dorsten, Services: []string{"hundeanmeldung", "hundesteuer"}})
		unverified := dorstenAdmin
		unverified.MFAPassed = false
		citizen := Principal{AccountID: "c1", Kind: Citizen, MFAPassed: true}

		tests := []struct {
			name   string
			p      Principal
			action Action
			target Target
			want   bool
		}{
			{"Dorsten admin manages Dorsten staff", dorstenAdmin, ManageStaff, Target{TenantID: r.dorsten}, true},
			{"Dorsten admin not Gladbeck staff", dorstenAdmin, ManageStaff, Target{TenantID: r.gladbeck}, false},
			{"Dorsten admin manages Dorsten services", dorstenAdmin, ManageServices, Target{TenantID: r.dorsten}, true},
			{"Dorsten admin reads no cases", dorstenAdmin, ViewCases, Target{TenantID: r.dorsten, ServiceSlug: "hundeanmeldung"}, false},
			{"Dorsten admin not the region", dorstenAdmin, ManageRegion, Target{}, false},
			{"GKD RE admin manages Dorsten", gkd, ManageStaff, Target{TenantID: r.dorsten}, true},
			{"GKD RE admin manages Dorsten tenant", gkd, ManageTenant, Target{TenantID: r.dorsten}, true},
			{"GKD RE admin manages Gladbeck", gkd, ManageStaff, Target{TenantID: r.gladbeck}, true},
			{"GKD RE admin not Gelsenkirchen (gkd-el)", gkd, ManageStaff, Target{TenantID: r.gelsenkirchen}, false},
			{"GKD RE admin not Bottrop (krzn)", gkd, ManageTenant, Target{TenantID: r.bottrop}, false},
			{"GKD RE admin does not edit services", gkd, ManageServices, Target{TenantID: r.dorsten}, false},
			{"GKD RE admin without tenant", gkd, ManageStaff, Target{}, false},
			{"GKD RE admin unknown tenant", gkd, ManageStaff, Target{TenantID: "nope"}, false},
			{"region admin anywhere", regionAdmin, ManageStaff, Target{TenantID: r.gelsenkirchen}, true},
			{"region admin region", regionAdmin, ManageRegion, Target{}, true},
			{"region admin reads no cases", regionAdmin, ViewCases, Target{TenantID: r.dorsten}, false},
			{"Loki edits services", loki, ManageServices, Target{TenantID: r.dorsten}, true},
			{"Loki not staff", loki, ManageStaff, Target{TenantID: r.dorsten}, false},
			{"Loki not Gladbeck services", loki, ManageServices, Target{TenantID: r.gladbeck}, false},
			{"caseworker all services", caseworker, ProcessCase, Target{TenantID: r.dorsten, ServiceSlug: "sperrmuell"}, true},
			{"caseworker whole inbox", caseworker, ViewCases, Target{TenantID: r.dorsten}, true},
			{"caseworker not Gladbeck", caseworker, ViewCases, Target{TenantID: r.gladbeck, ServiceSlug: "sperrmuell"}, false},
			{"caseworker no services config", caseworker, ManageServices, Target{TenantID: r.dorsten}, false},
			{"limited caseworker own service", limited, ViewCases, Target{TenantID: r.dorsten, ServiceSlug: "hundeanmeldung"}, true},
			{"limited caseworker processes own", limited, ProcessCase, Target{TenantID: r.dorsten, ServiceSlug: "hundesteuer"}, true},
			{"limited caseworker other service", limited, ViewCases, Target{TenantID: r.dorsten, ServiceSlug: "sperrmuell"}, false},
			{"limited caseworker unnamed service", limited, ViewCases, Target{TenantID: r.dorsten}, false},
			{"no MFA no permission", unverified, ManageStaff, Target{TenantID: r.dorsten}, false},
			{"citizen nothing", citizen, ViewCases, Target{TenantID: r.dorsten}, false},
			{"system everything", SystemPrincipal(), ManageRegion, Target{}, true},
		}
		for _, tc := range tests {
			got, err := az.Can(ctx, tc.p, tc.action, tc.target)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if got != tc.want {
				t.Errorf("%s: Can = %v, want %v", tc.name, got, tc.want)
			}
		}

		all, services, ok, err := az.ServiceScope(ctx, limited, ViewCases, r.dorsten)
		if err != nil || all || !ok || !slices.Equal(services, []string{"hundeanmeldung", "hundesteuer"}) {
			t.Fatalf("ServiceScope(limited) = %v, %v, %v, %v", all, services, ok, err)
		}
		if all, _, ok, _ := az.ServiceScope(ctx, caseworker, ViewCases, r.dorsten); !all || !ok {
			t.Fatal("unlimited caseworker should see all services")
		}
		if _, _, ok, _ := az.ServiceScope(ctx, limited, ViewCases, r.gladbeck); ok {
			t.Fatal("limited caseworker sees Gladbeck")
		}
		allT, ids, err := az.Tenants(ctx, gkd, ManageStaff)
		if err != nil || allT || !slices.Contains(ids, r.dorsten) || !slices.Contains(ids, r.gladbeck) || slices.Contains(ids, r.gelsenkirchen) {
			t.Fatalf("Tenants(gkd) = %v, %v, %v", allT, ids, err)
		}
		if err := az.Require(ctx, dorstenAdmin, ManageStaff, Target{TenantID: r.gladbeck}); !errors.Is(err, ErrForbidden) {
			t.Fatalf("Require: %v", err)
		}
	})
}

// TestStaffAdministration: the permission checks live inside the use
// cases, not only in handlers.
func TestStaffAdministration(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newTestService(t, db, newClock())
		r := seedRegion(t, db)
		regionAdmin := staffPrincipal(t, s, "region@example.org", RoleGrant{Role: RegionAdmin})
		gkd := staffPrincipal(t, s, "admin@gkd-re.example", RoleGrant{Role: OperatorAdmin, OperatorID: r.gkdRE})
		dorstenAdmin := staffPrincipal(t, s, "admin@dorsten.example", RoleGrant{Role: TenantAdmin, TenantID: r.dorsten})

		// The Dorsten admin creates Dorsten staff, but none in Gladbeck and
		// no wider roles.
		sb, err := s.CreateStaff(ctx, dorstenAdmin, NewStaff{Name: "Neue Kollegin", Email: "neu@dorsten.example",
			Grant: RoleGrant{Role: Caseworker, TenantID: r.dorsten, Services: []string{"hundesteuer", "hundeanmeldung", "hundesteuer"}}})
		if err != nil {
			t.Fatal(err)
		}
		if sb.SetupToken == "" || !slices.Equal(sb.Grant.Services, []string{"hundeanmeldung", "hundesteuer"}) || !sb.Account.MFARequired {
			t.Fatalf("created = %+v", sb)
		}
		for _, g := range []RoleGrant{
			{Role: Caseworker, TenantID: r.gladbeck},
			{Role: OperatorAdmin, OperatorID: r.gkdRE},
			{Role: RegionAdmin},
		} {
			_, err := s.CreateStaff(ctx, dorstenAdmin, NewStaff{Name: "X", Email: "x-" + string(g.Role) + "@example.org", Grant: g})
			wantErr(t, err, ErrForbidden)
		}
		if _, err := s.AccountByEmail(ctx, Staff, "x-caseworker@example.org"); !errors.Is(err, store.ErrNotFound) {
			t.Fatal("refused staff account was created anyway")
		}
		// Same e-mail twice.
		_, err = s.CreateStaff(ctx, dorstenAdmin, NewStaff{Name: "Doppelt", Email: "NEU@dorsten.example", Grant: RoleGrant{Role: Coordinator, TenantID: r.dorsten}})
		wantErr(t, err, ErrEmailTaken)

		// A Gladbeck caseworker, created by the GKD admin.
		gb, err := s.CreateStaff(ctx, gkd, NewStaff{Name: "Gladbeck SB", Email: "sb@gladbeck.example", Grant: RoleGrant{Role: Caseworker, TenantID: r.gladbeck}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.CreateStaff(ctx, gkd, NewStaff{Name: "GE", Email: "sb@gelsenkirchen.example", Grant: RoleGrant{Role: Caseworker, TenantID: r.gelsenkirchen}})
		wantErr(t, err, ErrForbidden)

		// Grant and revoke with the same checks.
		_, err = s.GrantRole(ctx, dorstenAdmin, RoleGrant{AccountID: gb.Account.ID, Role: Caseworker, TenantID: r.gladbeck, Services: []string{"x"}})
		wantErr(t, err, ErrForbidden)
		g2, err := s.GrantRole(ctx, dorstenAdmin, RoleGrant{AccountID: gb.Account.ID, Role: Coordinator, TenantID: r.dorsten})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeRole(ctx, dorstenAdmin, gb.Grant.ID); !errors.Is(err, ErrForbidden) {
			t.Fatalf("Dorsten admin revoked a Gladbeck role: %v", err)
		}
		// The account also works for Gladbeck: the Dorsten admin cannot disable it.
		wantErr(t, s.SetDisabled(ctx, dorstenAdmin, gb.Account.ID, true), ErrForbidden)
		if err := s.RevokeRole(ctx, dorstenAdmin, g2.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.SetDisabled(ctx, gkd, gb.Account.ID, true); err != nil {
			t.Fatal(err)
		}

		// Listing staff needs ManageStaff.
		list, err := s.TenantStaff(ctx, dorstenAdmin, r.dorsten)
		if err != nil || len(list) != 2 {
			t.Fatalf("TenantStaff = %+v, %v", list, err)
		}
		_, err = s.TenantStaff(ctx, dorstenAdmin, r.gladbeck)
		wantErr(t, err, ErrForbidden)

		// Roles are for staff only, and grants are re-granted idempotently.
		citizen := registerVerified(t, s, "buerger@example.org", "Bürger haben keine Rollen")
		if _, err := s.GrantRole(ctx, regionAdmin, RoleGrant{AccountID: citizen, Role: Caseworker, TenantID: r.dorsten}); err == nil {
			t.Fatal("citizen got a role")
		}
		again, err := s.GrantRole(ctx, dorstenAdmin, RoleGrant{AccountID: sb.Account.ID, Role: Caseworker, TenantID: r.dorsten})
		if err != nil || again.ID != sb.Grant.ID || len(again.Services) != 0 {
			t.Fatalf("re-grant = %+v, %v", again, err)
		}
		if gs, _ := s.Grants(ctx, sb.Account.ID); len(gs) != 1 || len(gs[0].Services) != 0 {
			t.Fatalf("grants after re-grant = %+v", gs)
		}

		// The last region admin stays.
		rg, _ := s.Grants(ctx, regionAdmin.AccountID)
		wantErr(t, s.RevokeRole(ctx, regionAdmin, rg[0].ID), ErrLastRegionAdmin)
		wantErr(t, s.RevokeRole(ctx, gkd, rg[0].ID), ErrForbidden)
	})
}
