package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/web/browsertest"
)

// TestFormInBrowser fills the first steps of the Hundeanmeldung in Chromium
// as a citizen would, with a phone-sized window, and checks every page it
// sees with axe-core.
func TestFormInBrowser(t *testing.T) {
	t.Parallel()
	ts := newServer(t, storetest.Open(t, store.SQLite))
	ctx := browsertest.New(t)
	axe := func(where string) {
		t.Helper()
		vs, err := browsertest.Axe(ctx)
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		for _, v := range vs {
			t.Errorf("%s: %s", where, v)
		}
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(375, 800), chromedp.Navigate(ts.URL+"/dorsten/antrag/hundeanmeldung")); err != nil {
		t.Fatal(err)
	}
	axe("start page")
	err := chromedp.Do(ctx,
		browsertest.Press(`main form button[type="submit"]`),
		chromedp.WaitVisible(chromedp.ID("f-F90000001")),
	)
	if err != nil {
		t.Fatal(err)
	}
	axe("step 1")
	// Submit with a mistake: the error summary appears and links to fields.
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("f-F90000004"), "31.02.1980"),
		browsertest.Press(`button[value="weiter"]`),
		chromedp.WaitVisible(chromedp.ID("fehler")),
	)
	if err != nil {
		t.Fatal(err)
	}
	summary, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("fehler")))
	if err != nil || !strings.Contains(summary, "Vorname") {
		t.Fatalf("error summary %q (%v)", summary, err)
	}
	axe("step 1 with errors")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("f-F90000001"), "Erika"),
		chromedp.SendKeys(chromedp.ID("f-F90000002"), "Mustermann"),
		chromedp.SetValue(chromedp.ID("f-F90000004"), "24.12.1980"),
		chromedp.SendKeys(chromedp.ID("f-F90000011"), "Halterner Straße 5"),
		chromedp.SendKeys(chromedp.ID("f-F90000012"), "46284"),
		chromedp.SendKeys(chromedp.ID("f-F90000013"), "Dorsten"),
		chromedp.SendKeys(chromedp.ID("f-F90000021"), "erika@example.org"),
		browsertest.Press(`button[value="weiter"]`),
		chromedp.WaitVisible(chromedp.CSS(`input[name="G90100010[0].F90100011"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	axe("step 2")
	h1, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	if !strings.Contains(h1, "Hunde") {
		t.Fatalf("step 2 heading %q", h1)
	}
}
