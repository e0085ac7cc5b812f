package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// TestTenantIsolationMatrix asks every back-office route and API for an
// object that belongs to Dorsten, as every role that is not Dorsten's,
// both through Dorsten's portal and through the visitor's own. Every
// answer must be 403 or 404 (or, for a visitor without a session, the
// login page); anything else is a leak.
func TestTenantIsolationMatrix(t *testing.T) {
	t.Parallel()
	ts, uc := newPortal(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	uc.Identity.SeedDemo(ctx)
	res := submitDog(t, uc, "isolation")
	svc, _ := uc.Catalog.BySlug(ctx, "hundeanmeldung")
	dorsten, _ := uc.Tenants.BySlug(ctx, "dorsten")
	cs, err := uc.Cases.BySubmission(ctx, dorsten.ID, res.Submission.ID)
	if err != nil {
		t.Fatal(err)
	}
	caseID := cs.ID
	// The objects are real: Dorsten's own caseworker opens the case.
	sabine := newBrowser(t, ts)
	staffLogin(t, sabine, "dorsten-sachbearbeitung@demo.example")
	sabine.get("/dorsten/verwaltung/vorgaenge/"+caseID).expect(200, res.Submission.TrackingNumber)
	templates, err := uc.Catalog.Templates(ctx, svc.ID)
	if err != nil {
		t.Fatal(err)
	}
	var templateID string
	for _, tpl := range templates {
		if tpl.OwnerTenantID == dorsten.ID {
			templateID = tpl.ID
		}
	}
	if templateID == "" {
		t.Fatal("seed has no Dorsten template for the Hundeanmeldung")
	}

	// Routes that must refuse a stranger outright, whichever portal the
	// stranger uses. {t} is the portal, {case} and {tpl} Dorsten's objects.
	routes := []struct{ method, path string }{
		{"GET", "/{t}/verwaltung/vorgaenge/{case}"},
		{"GET", "/{t}/verwaltung/vorgaenge/{case}/anhang/{case}"},
		{"POST", "/{t}/verwaltung/vorgaenge/{case}/aktion"},
		{"POST", "/{t}/verwaltung/vorgaenge/{case}/notiz"},
		{"POST", "/{t}/verwaltung/vorgaenge/zuweisen"},
		{"POST", "/{t}/verwaltung/zustellungen/{case}/erneut"},
		{"GET", "/{t}/konto/antraege/{sub}"},
	}
	// Dorsten's lists and its template: strangers must not reach them
	// through Dorsten's portal. (Publishing from Dorsten's template on
	// one's own portal is allowed: that forks it into an own template.)
	dorstenOnly := []struct{ method, path string }{
		{"GET", "/dorsten/verwaltung/vorgaenge"},
		{"GET", "/dorsten/verwaltung/vorgaenge.csv"},
		{"GET", "/dorsten/verwaltung/personal"},
		{"POST", "/dorsten/verwaltung/personal"},
		{"GET", "/dorsten/verwaltung/zustellungen"},
		{"POST", "/dorsten/verwaltung/zustellwege"},
		{"GET", "/dorsten/verwaltung/e-mails"},
		{"POST", "/dorsten/verwaltung/vorlagen/{tpl}/uebernehmen"},
		{"POST", "/dorsten/verwaltung/vorlagen/{tpl}/veroeffentlichen"},
	}
	roles := []struct {
		name, email, home string
	}{
		{"Sachbearbeitung Gladbeck", "gladbeck-sachbearbeitung@demo.example", "gladbeck"},
		{"Koordination Gladbeck", "gladbeck-loki@demo.example", "gladbeck"},
		{"Bürgerin", "erika.mustermann@demo.example", "gladbeck"},
		{"ohne Anmeldung", "", "gladbeck"},
	}
	for _, role := range roles {
		t.Run(role.name, func(t *testing.T) {
			t.Parallel()
			b := newBrowser(t, ts)
			switch {
			case strings.HasPrefix(role.email, "erika"):
				b.post("/konto/anmelden", url.Values{"email": {role.email}, "password": {demoPassword}})
			case role.email != "":
				staffLogin(t, b, role.email)
			}
			b.get("/" + role.home + "/")
			csrf := b.csrf()
			check := func(method, path string) {
				t.Helper()
				path = strings.NewReplacer("{case}", caseID, "{sub}", res.Submission.ID, "{tpl}", templateID).Replace(path)
				var resp *http.Response
				var err error
				if method == "GET" {
					resp, err = b.c.Get(b.base + path)
				} else {
					resp, err = b.c.PostForm(b.base+path, url.Values{"csrf": {csrf}, "aktion": {"approve"},
						"notiz": {"fremd"}, "vorgang": {caseID}, "name": {"X"}, "email": {"x@example.org"}, "rolle": {"tenant_admin"},
						"art": {"webhook"}, "bezeichnung": {"X"}, "adresse": {"https://example.org/"}})
				}
				if err != nil {
					t.Fatal(err)
				}
				b.read(resp)
				switch {
				case b.code == 403 || b.code == 404:
				case role.email == "" && strings.Contains(b.lastURL, "anmelden"):
				default:
					t.Errorf("%s %s answered %d at %s", method, path, b.code, b.lastURL)
				}
				if strings.Contains(b.body, res.Submission.TrackingNumber) || strings.Contains(b.body, "Erika Mustermann") && strings.Contains(path, "verwaltung") {
					t.Errorf("%s %s shows Dorsten's case", method, path)
				}
			}
			for _, portal := range []string{"dorsten", role.home} {
				for _, r := range routes {
					check(r.method, strings.ReplaceAll(r.path, "{t}", portal))
				}
			}
			for _, r := range dorstenOnly {
				check(r.method, r.path)
			}
		})
	}
	// The API answers a status token only on its own tenant.
	resp, err := http.Get(ts.URL + "/api/v1/tenants/gladbeck/submissions/" + res.StatusToken)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Fatalf("API status on another tenant: %d", resp.StatusCode)
	}
	// Nothing a stranger did changed the case.
	after, err := uc.Cases.Get(ctx, dorsten.ID, caseID)
	if err != nil {
		t.Fatal(err)
	}
	if after.State != cs.State || after.AssigneeID != cs.AssigneeID {
		t.Fatalf("a stranger changed the case: %+v", after)
	}
}

// TestCitizenSeesOnlyOwnApplications: Erika's application is listed in
// her account and opens its status page; a second citizen neither sees it
// listed nor opens it by its ID.
func TestCitizenSeesOnlyOwnApplications(t *testing.T) {
	t.Parallel()
	ts, uc := newPortal(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	uc.Identity.SeedDemo(ctx)
	erikaAcc, err := uc.Identity.AccountByEmail(ctx, identity.Citizen, "erika.mustermann@demo.example")
	if err != nil {
		t.Fatal(err)
	}
	dorsten, _ := uc.Tenants.BySlug(ctx, "dorsten")
	svc, _ := uc.Catalog.BySlug(ctx, "hundeanmeldung")
	res, err := uc.Submissions.Submit(ctx, submission.Input{TenantID: dorsten.ID, TenantCode: dorsten.Code, ServiceID: svc.ID,
		FormID: "hundeanmeldung", FormVersion: "1", Values: map[string]any{"name": "Erika Mustermann", "hund": "Bello"},
		IdempotencyKey: "own", AccountID: erikaAcc.ID})
	if err != nil {
		t.Fatal(err)
	}

	erika := newBrowser(t, ts)
	erika.post("/konto/anmelden", url.Values{"email": {"erika.mustermann@demo.example"}, "password": {demoPassword}})
	erika.get("/konto").expect(200, "Hund anmelden", res.Submission.TrackingNumber, "Stadt Dorsten")
	erika.get("/dorsten/konto/antraege/"+res.Submission.ID).expect(200, res.Submission.TrackingNumber, "Eingegangen")

	reg, err := uc.Identity.RegisterCitizen(ctx, "zweite@example.org", "ein-langes-Passwort-2026")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := uc.Identity.VerifyEmail(ctx, reg.VerifyToken); err != nil {
		t.Fatal(err)
	}
	other := newBrowser(t, ts)
	other.post("/konto/anmelden", url.Values{"email": {"zweite@example.org"}, "password": {"ein-langes-Passwort-2026"}})
	other.get("/konto").expect(200, "Mein Konto")
	if strings.Contains(other.body, res.Submission.TrackingNumber) {
		t.Fatal("a second citizen sees Erika's application")
	}
	other.get("/dorsten/konto/antraege/" + res.Submission.ID)
	if other.code != 404 {
		t.Fatalf("a second citizen opened Erika's application: %d", other.code)
	}
}
