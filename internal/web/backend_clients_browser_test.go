package web_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/web/browsertest"
)

// staffLoginInBrowser logs a demo staff member in on a tenant's back
// office in Chromium, password and TOTP, and waits for the start page.
func staffLoginInBrowser(t *testing.T, ctx context.Context, ts *httptest.Server, base, email string) {
	t.Helper()
	code, _ := totp.GenerateCode(identity.DemoTOTPSecret, time.Now())
	err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+base+"/verwaltung/anmelden"),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), demoPassword),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.ID("code")),
		chromedp.SendKeys(chromedp.ID("code"), code),
		chromedp.Submit(chromedp.ID("code")),
		chromedp.WaitVisible(chromedp.CSS(`a[href$="/verwaltung/vorgaenge"], a[href$="/verwaltung/personal"]`)),
	)
	if err != nil {
		t.Fatalf("%s: %v", email, err)
	}
}

// TestBackendClientsInBrowser: Dorsten's admin opens Schnittstellen from
// the start page, sends the form empty (the error names the fields),
// then registers a client; every state passes axe at desktop and phone
// width.
func TestBackendClientsInBrowser(t *testing.T) {
	t.Parallel()
	ts, uc := newPortal(t, storetest.Open(t, store.SQLite))
	uc.Identity.SeedDemo(context.Background())
	ctx := browsertest.New(t)
	staffLoginInBrowser(t, ctx, ts, "/dorsten", "dorsten-admin@demo.example")
	axe := func(state string) {
		t.Helper()
		vs, err := browsertest.Axe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			t.Errorf("%s: %s", state, v)
		}
	}
	err := chromedp.Do(ctx,
		browsertest.Press(`a[href$="/verwaltung/schnittstellen"]`),
		chromedp.WaitVisible(chromedp.ID("umfang")),
	)
	if err != nil {
		t.Fatal(err)
	}
	axe("empty list")
	err = chromedp.Do(ctx,
		browsertest.Press(`form[action$="/verwaltung/schnittstellen"] button[type="submit"]`),
		chromedp.WaitVisible(chromedp.ID("name-error")),
	)
	if err != nil {
		t.Fatal(err)
	}
	axe("form errors")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("name"), "Fachverfahren Hundesteuer"),
		choose("leistung-hundeanmeldung"),
		chromedp.SendKeys(chromedp.ID("webhook"), "https://fv.dorsten.de/neue-antraege"),
		browsertest.Press(`form[action$="/verwaltung/schnittstellen"] button[type="submit"]`),
		chromedp.WaitVisible(chromedp.ID("client-secret")),
	)
	if err != nil {
		t.Fatal(err)
	}
	axe("credentials shown")
	for _, w := range []int64{1280, 375} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 800)); err != nil {
			t.Fatal(err)
		}
		axe("list at " + map[int64]string{1280: "desktop", 375: "phone"}[w])
	}
}
