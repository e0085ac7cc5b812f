package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/web/browsertest"
)

func activeText(t *testing.T, ctx context.Context) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.activeElement.innerText || document.activeElement.id || document.activeElement.tagName).trim()`))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestKeyboardOnlyJourney uses nothing but the keyboard: the skip link is
// the first stop, it moves focus to the content, and the search is reached,
// filled and sent with keys alone.
func TestKeyboardOnlyJourney(t *testing.T) {
	t.Parallel()
	ts := newServer(t, storetest.Open(t, store.SQLite))
	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/dorsten/"), chromedp.KeyEvent(kb.Tab)); err != nil {
		t.Fatal(err)
	}
	if got := activeText(t, ctx); got != "Zum Inhalt springen" {
		t.Fatalf("first Tab stop %q, want the skip link", got)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	if got := activeText(t, ctx); got != "inhalt" && !strings.Contains(got, "Serviceportal Stadt Dorsten") {
		t.Fatalf("after the skip link focus is on %q, want the main content", got)
	}
	// Tab onwards to the search field, type and press Enter.
	for range 10 {
		id, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id`))
		if id == "suche-q" {
			break
		}
		chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab))
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent("Hund anmelden"), chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.ID("ergebnis"))); err != nil {
		t.Fatal(err)
	}
	h, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID("ergebnis")))
	if !strings.Contains(h, "Hund anmelden") {
		t.Fatalf("keyboard search result heading %q", h)
	}
}

// TestCaseworkerInBrowser logs a caseworker in with password and TOTP in
// Chromium, opens the new case from the inbox and starts the review.
func TestCaseworkerInBrowser(t *testing.T) {
	t.Parallel()
	ts, uc := newPortal(t, storetest.Open(t, store.SQLite))
	uc.Identity.SeedDemo(context.Background())
	res := submitDog(t, uc, "browser-1")
	ctx := browsertest.New(t)
	staffLoginInBrowser(t, ctx, ts, "/dorsten", "dorsten-sachbearbeitung@demo.example")
	err := chromedp.Do(ctx,
		browsertest.Press(`a[href$="/verwaltung/vorgaenge"]`),
		chromedp.WaitVisible(chromedp.CSS("table.kern-table")),
	)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := browsertest.Axe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		t.Errorf("inbox: %s", v)
	}
	err = chromedp.Do(ctx,
		browsertest.Press(`td a[href*="/verwaltung/vorgaenge/"]`),
		chromedp.WaitVisible(chromedp.ID("aktionen")),
	)
	if err != nil {
		t.Fatal(err)
	}
	vs, _ = browsertest.Axe(ctx)
	for _, v := range vs {
		t.Errorf("case: %s", v)
	}
	err = chromedp.Do(ctx,
		choose("aktion-start_review"),
		browsertest.Press(`section[aria-labelledby="aktionen"] button[type="submit"]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	// The old page has the same elements: wait until the new one shows
	// the new state (reads during the navigation fail and are retried).
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if state, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main .sp-meta strong"))); err == nil && state == "In Prüfung" {
			break
		}
	}
	meta, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if !strings.Contains(meta, "In Prüfung") || !strings.Contains(meta, res.Submission.TrackingNumber) {
		t.Fatalf("after starting the review: %q", meta[:min(300, len(meta))])
	}
}
