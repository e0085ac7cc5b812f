package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/web/browsertest"
)

// TestMaturityHistoryOnDashboard records the region's maturity on two
// days, Gladbeck adopting the Hundeanmeldung in between, and reads the
// progress on the dashboards: an SVG line chart in a figure with a data
// table for screen readers, the region's with every authority, a city's
// with its own line only, and both exports.
func TestMaturityHistoryOnDashboard(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts, uc := newPortal(t, db)
		ctx := context.Background()
		newBrowser(t, ts).get("/reifegrad").expect(200, "Fortschritt über die Zeit", "Noch keine Werte")

		today := time.Now()
		earlier := today.AddDate(0, 0, -3)
		if n, err := uc.SnapshotMaturity(ctx, earlier); err != nil || n != 13 {
			t.Fatalf("snapshot: %d tenants, %v", n, err)
		}
		gladbeck, _ := uc.Tenants.BySlug(ctx, "gladbeck")
		before, _ := uc.Catalog.MaturityHistory(ctx, gladbeck.ID, "")
		adoptDorstenDog(t, uc.Catalog, gladbeck.ID)
		for range 2 { // the start-up and the daily job on the same day
			if _, err := uc.SnapshotMaturity(ctx, today); err != nil {
				t.Fatal(err)
			}
		}
		after, _ := uc.Catalog.MaturityHistory(ctx, gladbeck.ID, "")
		if len(before) != 1 || len(after) != 2 || after[1].Online != before[0].Online+1 {
			t.Fatalf("Gladbeck's history: before %+v, after %+v", before, after)
		}

		// The dashboard shows Berlin's calendar day, which differs from
		// UTC's in the last hour(s) before UTC midnight.
		first, last := earlier.In(berlin).Format("02.01.2006"), today.In(berlin).Format("02.01.2006")
		th := func(name string) string {
			return `<th scope="col" class="kern-table__cell kern-table__cell--numeric">` + name + `</th>`
		}
		scenarios := []scenario{
			{name: "region chart and table", path: "/reifegrad", wantStatus: 200, wantType: "text/html",
				contains: []string{"<figure", "<figcaption", `<svg class="sp-heat"`, "<polyline", "Liniendiagramm", "<caption",
					`<th scope="row" class="kern-table__cell">` + first + `</th>`, `<th scope="row" class="kern-table__cell">` + last + `</th>`,
					th("Gladbeck"), th("Dorsten"), th("Kreis Recklinghausen"), "Gladbeck, " + last + ": ", "/reifegrad/verlauf.csv"}},
			{name: "city sees its own line", path: "/gladbeck/reifegrad", wantStatus: 200,
				contains: []string{"<figure", th("Gladbeck"), "Gladbeck, " + first + ": "}, notContains: []string{th("Dorsten")}},
			{name: "history as CSV", path: "/reifegrad/verlauf.csv", wantStatus: 200, wantType: "text/csv",
				contains: []string{"Gebietskörperschaft;AGS;Tag;", "Stadt Gladbeck;", ";" + catalog.Day(earlier) + ";", ";" + catalog.Day(today) + ";"}},
			{name: "city's CSV holds only the city", path: "/gladbeck/reifegrad/verlauf.csv", wantStatus: 200,
				contains: []string{"Stadt Gladbeck;"}, notContains: []string{"Stadt Dorsten;"}},
			{name: "history in JSON", path: "/reifegrad.json", wantStatus: 200, wantType: "application/json",
				contains: []string{`"history":[`, `"tenant":"gladbeck"`, `"day":"` + catalog.Day(today) + `"`, `"services_per_level_1_1":[`}},
		}
		for _, sc := range scenarios {
			sc.run(t, ts)
		}
	})
}

// adoptDorstenDog makes Dorsten's Hundeanmeldung template the tenant's
// offering through the catalogue, as the back office would.
func adoptDorstenDog(t *testing.T, cat *catalog.Catalog, tenantID string) {
	t.Helper()
	ctx := context.Background()
	svc, err := cat.BySlug(ctx, "hundeanmeldung")
	if err != nil {
		t.Fatal(err)
	}
	ts, _ := cat.Templates(ctx, svc.ID)
	for _, tpl := range ts {
		if tpl.OwnerName == "Stadt Dorsten" {
			vs, _ := cat.Versions(ctx, tpl.ID)
			if _, err := cat.Adopt(ctx, catalog.AdoptInput{TenantID: tenantID, VersionID: vs[0].ID, Actor: "test"}); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatal("no Dorsten template for the Hundeanmeldung")
}

// TestMaturityHistoryAccessible runs axe on the dashboards once they show
// a chart, on a wide and a narrow screen (the page-wide accessibility test
// sees them before any snapshot exists).
func TestMaturityHistoryAccessible(t *testing.T) {
	t.Parallel()
	ts, uc := newPortal(t, storetest.Open(t, store.SQLite))
	bctx := browsertest.New(t)
	for _, d := range []int{-2, 0} {
		if _, err := uc.SnapshotMaturity(context.Background(), time.Now().AddDate(0, 0, d)); err != nil {
			t.Fatal(err)
		}
	}
	axePages(t, bctx, ts.URL, []string{"/reifegrad", "/gladbeck/reifegrad"})
}

// axePages runs axe on each page at a desktop and a phone width and
// reports every violation.
func axePages(t *testing.T, ctx context.Context, base string, pages []string) {
	t.Helper()
	for _, size := range [][2]int64{{1280, 900}, {375, 800}} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(size[0], size[1])); err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			if err := chromedp.Do(ctx, chromedp.Navigate(base+p)); err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			vs, err := browsertest.Axe(ctx)
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			for _, v := range vs {
				t.Errorf("%s at %dpx: %s", p, size[0], v)
			}
		}
	}
}
