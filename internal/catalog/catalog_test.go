package catalog_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/seed"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

// seeded returns a catalogue holding the demo region and services.
func seeded(t testing.TB, db *store.DB) (*catalog.Catalog, *tenant.Directory) {
	t.Helper()
	if _, err := seed.All(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	dir := tenant.NewDirectory(db)
	return catalog.New(db, dir), dir
}

func TestImportLeiKaIsIdempotent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat := catalog.New(db, tenant.NewDirectory(db))
		first, err := cat.ImportLeiKa(ctx, catalog.LeiKaFiles())
		if err != nil {
			t.Fatal(err)
		}
		if first.Themenfelder != 14 || first.Lebenslagen != 58 || first.OZGLeistungen != 557 || first.Leistungen != 5251 {
			t.Fatalf("first import: %+v", first)
		}
		if _, err := cat.ImportLeiKa(ctx, catalog.LeiKaFiles()); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM leika_leistungen").Scan(&n); err != nil || n != 5251 {
			t.Fatalf("after second import %d rows (%v), want 5251", n, err)
		}
		name, err := cat.LeiKaName(ctx, "99050012104000")
		if err != nil || name != "Gewerbe Anmeldung" {
			t.Fatalf("LeiKaName = %q, %v", name, err)
		}
		if _, err := cat.LeiKaName(ctx, "99999999999999"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown key: %v", err)
		}
	})
}

func TestDemoCatalogue(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat, dir := seeded(t, db)
		all, err := cat.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) < 40 {
			t.Fatalf("%d services, want at least 40", len(all))
		}
		for _, s := range all {
			if s.Modules.Volltext == "" || s.Summary == "" || (!s.Local && !catalog.ValidLeiKa(s.LeiKa)) {
				t.Errorf("%s: incomplete description or key", s.Slug)
			}
		}
		// Running the seed again adds nothing.
		res, err := seed.All(ctx, db)
		if err != nil || res.Services.Created != 0 || res.Services.Responsibilities != 0 {
			t.Fatalf("second seed: %+v, %v", res.Services, err)
		}
		dorsten, _ := dir.BySlug(ctx, "dorsten")
		bottrop, _ := dir.BySlug(ctx, "bottrop")
		tests := []struct {
			service string
			area    tenant.Tenant
			want    string
		}{
			{"hundeanmeldung", dorsten, "dorsten"},
			{"kfz-zulassen", dorsten, "kreis-recklinghausen"},
			{"kfz-zulassen", bottrop, "bottrop"},
			{"wohnsitz-anmelden", bottrop, "bottrop"},
		}
		for _, tt := range tests {
			s, err := cat.BySlug(ctx, tt.service)
			if err != nil {
				t.Fatalf("%s: %v", tt.service, err)
			}
			got, err := cat.Responsible(ctx, s.ID, tt.area.ID)
			if err != nil || got.Slug != tt.want {
				t.Errorf("%s for %s: %q (%v), want %s", tt.service, tt.area.Slug, got.Slug, err, tt.want)
			}
		}
		// The Kreis portal offers Kreis services, a city portal everything
		// its residents need, the city's own ones marked as such.
		kreis, _ := dir.BySlug(ctx, "kreis-recklinghausen")
		kreisOffers, err := cat.Offers(ctx, kreis)
		if err != nil || len(kreisOffers) == 0 {
			t.Fatalf("Kreis offers: %d, %v", len(kreisOffers), err)
		}
		for _, o := range kreisOffers {
			if o.Service.Level != catalog.LevelKreis {
				t.Errorf("Kreis offers city service %s", o.Service.Slug)
			}
		}
		dorstenOffers, err := cat.Offers(ctx, dorsten)
		if err != nil || len(dorstenOffers) != len(all) {
			t.Fatalf("Dorsten offers %d of %d services (%v)", len(dorstenOffers), len(all), err)
		}
		for _, o := range dorstenOffers {
			if o.Own != (o.Service.Level == catalog.LevelGemeinde) {
				t.Errorf("Dorsten %s: own=%v for level %s", o.Service.Slug, o.Own, o.Service.Level)
			}
		}
	})
}

func TestExternalLink(t *testing.T) {
	t.Parallel()
	s := catalog.Service{ExternalURL: "https://portal.example/start?ags={ags}&ars={ars}&leika={leika}", LeiKa: "99050012104000"}
	want := "https://portal.example/start?ags=05562012&ars=055620012012&leika=99050012104000"
	if got := s.ExternalLink("05562012", "055620012012"); got != want {
		t.Errorf("ExternalLink = %s, want %s", got, want)
	}
}

// TestShippedExternalLinksNameTheService fills every link of the shipped
// catalogue with Dorsten's keys: each must be a complete https address,
// and a link to a state portal's service page must name a LeiKa key. The
// Gewerbeanmeldung's own-form entry once had no key of its own, so eleven
// cities linked to meineverwaltung.nrw/leistung/?ars=….
func TestShippedExternalLinksNameTheService(t *testing.T) {
	t.Parallel()
	f, err := catalog.DemoServices()
	if err != nil {
		t.Fatal(err)
	}
	for _, sj := range f.Services {
		if sj.ExternalURL == "" {
			continue
		}
		s := catalog.Service{ExternalURL: sj.ExternalURL, LeiKa: sj.LeiKa}
		link := s.ExternalLink("05562012", "055620012012")
		u, err := url.Parse(link)
		if err != nil || u.Scheme != "https" || u.Host == "" || strings.Contains(link, "{") {
			t.Errorf("%s: link %q is not a complete https address", sj.Slug, link)
			continue
		}
		if rest, ok := strings.CutPrefix(u.Path, "/leistung/"); ok && !catalog.ValidLeiKa(rest) {
			t.Errorf("%s: link %q names no LeiKa key", sj.Slug, link)
		}
	}
}

func TestServiceFileChecksLinksOfOnlineServices(t *testing.T) {
	t.Parallel()
	service := func(kind, link string) string {
		return `{"source": "test", "services": [{"slug": "eigenes-formular", "local": true, "name": "N", "summary": "S",
			"kind": "` + kind + `", "online_form": "f", "external_url": "` + link + `", "level": "gemeinde",
			"fee": {"kind": "free"}, "modules": {"volltext": "V"}}]}`
	}
	tests := []struct {
		kind, link, want string // want empty: valid
	}{
		{"online", "", ""},
		{"online", "https://meineverwaltung.nrw/leistung/99050012104000?ars={ars}", ""},
		{"online", "https://meineverwaltung.nrw/leistung/{leika}?ars={ars}", "no LeiKa key"},
		{"online", "http://portal.example/{ars}", "https link template"},
		{"external", "https://meineverwaltung.nrw/leistung/{leika}?ars={ars}", "no LeiKa key"},
		{"external", "", "needs external_url"},
	}
	for _, tt := range tests {
		_, err := catalog.ParseServiceFile(strings.NewReader(service(tt.kind, tt.link)))
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s %q: %v", tt.kind, tt.link, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s %q: err = %v, want it to mention %q", tt.kind, tt.link, err, tt.want)
		}
	}
}

func TestDurationLabel(t *testing.T) {
	t.Parallel()
	tests := map[catalog.Duration]string{
		{Min: 1, Max: 2, Unit: "week"}:  "1 bis 2 Wochen",
		{Min: 0, Max: 1, Unit: "day"}:   "1 Tag",
		{Min: 3, Max: 3, Unit: "month"}: "3 Monate",
		{Min: 0, Max: 0, Unit: ""}:      "",
	}
	for d, want := range tests {
		if got := d.Label(); got != want {
			t.Errorf("%+v.Label() = %q, want %q", d, got, want)
		}
	}
}
