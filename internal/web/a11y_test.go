package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/web/browsertest"
)

// TestAccessibility opens every kind of page in Chromium, on a desktop and
// a phone-sized window, and fails on any axe-core WCAG 2.1 A/AA violation.
func TestAccessibility(t *testing.T) {
	t.Parallel()
	ts := newServer(t, storetest.Open(t, store.SQLite))
	ctx := browsertest.New(t)
	pages := []string{"/", "/dorsten/", "/kreis-recklinghausen/", "/orte", "/orte?q=46282", "/orte?q=Bochum", "/orte?q=",
		"/gladbeck/impressum", "/gladbeck/datenschutz", "/gladbeck/barrierefreiheit", "/leichte-sprache", "/gibt-es-nicht",
		"/leistungen", "/themen/familie-kind", "/suche?q=hund", "/suche?q=xyzzy", "/suche?q=", "/leistungen/hundeanmeldung",
		"/leistungen/hundeanmeldung/zustaendigkeit?q=Bochum", "/dorsten/leistungen/hundeanmeldung", "/dorsten/leistungen/kfz-zulassen",
		"/dorsten/leistungen/gewerbe-anmelden", "/reifegrad", "/gladbeck/reifegrad", "/leistungen/hundeanmeldung/vergleich"}
	axePages(t, ctx, ts.URL, pages)
}

// TestPlaceSearchInBrowser uses the "Wo wohnen Sie?" form as a citizen
// would: type a postcode, submit, follow the result to the city's portal.
func TestPlaceSearchInBrowser(t *testing.T) {
	t.Parallel()
	ts := newServer(t, storetest.Open(t, store.SQLite))
	ctx := browsertest.New(t)
	err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.SendKeys(chromedp.ID("q"), "46282"),
		chromedp.Submit(chromedp.ID("q")),
		chromedp.WaitVisible(chromedp.ID("ergebnis")),
	)
	if err != nil {
		t.Fatal(err)
	}
	heading, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".sp-results .sp-card h3 a")))
	if err != nil {
		t.Fatal(err)
	}
	if heading != "Stadt Dorsten" {
		t.Fatalf("first result %q, want Stadt Dorsten", heading)
	}
	if err := chromedp.Do(ctx, browsertest.Press(".sp-results .sp-card h3 a"), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
		t.Fatal(err)
	}
	h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil || !strings.Contains(h1, "Dorsten") {
		t.Fatalf("after following the result: h1 %q (%v)", h1, err)
	}
}
