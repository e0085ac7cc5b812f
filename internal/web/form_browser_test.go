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
// sees with axe-core. Each step fails within seconds, with the page shown.
func TestFormInBrowser(t *testing.T) {
	t.Parallel()
	ts := newServer(t, storetest.Open(t, store.SQLite))
	j := &journey{t: t, ctx: browsertest.New(t)}
	j.do("start page", chromedp.EmulateViewport(375, 800), chromedp.Navigate(ts.URL+"/dorsten/antrag/hundeanmeldung"))
	j.axe("start page")
	j.do("step 1", browsertest.Press(`main form button[type="submit"]`), chromedp.WaitVisible(chromedp.ID("f-F90000001")))
	j.axe("step 1")
	// Submit with a mistake: the error summary appears and links to fields.
	j.do("step 1 with a mistake",
		chromedp.SendKeys(chromedp.ID("f-F90000004"), "31.02.1980"),
		browsertest.Press(`button[value="weiter"]`),
		chromedp.WaitVisible(chromedp.ID("fehler")),
	)
	if summary := j.text("error summary", "#fehler"); !strings.Contains(summary, "Vorname") {
		t.Fatalf("error summary %q", summary)
	}
	j.axe("step 1 with errors")
	j.do("step 1 corrected",
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
	j.axe("step 2")
	if h1 := j.text("step 2 heading", "h1"); !strings.Contains(h1, "Hunde") {
		t.Fatalf("step 2 heading %q", h1)
	}
}
