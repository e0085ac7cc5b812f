package web_test

import (
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/serviceportal/serviceportal/internal/clamd"
	"github.com/serviceportal/serviceportal/internal/clamd/clamdtest"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/web/browsertest"
)

// journeyStep bounds every step of the browser journey. The browser's own
// cap is minutes long; a step that hangs (a selector that never appears
// because the page shows an error instead) should fail within seconds and
// say what the page showed.
const journeyStep = 30 * time.Second

// journey drives one Chromium tab and reports failures with the page the
// citizen was looking at.
type journey struct {
	t   *testing.T
	ctx context.Context
}

// do runs actions within the step timeout and fails with the page's <main>.
func (j *journey) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	j.t.Helper()
	ctx, cancel := context.WithTimeout(j.ctx, journeyStep)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		j.t.Fatalf("%s: %v\n%s", step, err, j.page())
	}
}

// text reads the text of the first element sel matches.
func (j *journey) text(step, sel string) string {
	j.t.Helper()
	ctx, cancel := context.WithTimeout(j.ctx, journeyStep)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		j.t.Fatalf("%s: read %s: %v\n%s", step, sel, err, j.page())
	}
	return s
}

// count reports how many elements sel matches.
func (j *journey) count(step, sel string) int {
	j.t.Helper()
	ctx, cancel := context.WithTimeout(j.ctx, journeyStep)
	defer cancel()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+strconv.Quote(sel)+`).length`))
	if err != nil {
		j.t.Fatalf("%s: count %s: %v\n%s", step, sel, err, j.page())
	}
	return n
}

// axe checks the open page against WCAG 2.1 A and AA.
func (j *journey) axe(page string) {
	j.t.Helper()
	ctx, cancel := context.WithTimeout(j.ctx, journeyStep)
	defer cancel()
	vs, err := browsertest.Axe(ctx)
	if err != nil {
		j.t.Fatalf("%s: axe: %v\n%s", page, err, j.page())
	}
	for _, v := range vs {
		j.t.Errorf("%s: %s", page, v)
	}
}

// page describes where the browser is, for failure messages. It does not
// wait for <main>: the page that failed may not have one.
func (j *journey) page() string {
	ctx, cancel := context.WithTimeout(j.ctx, 5*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`location.href + "\n" + (document.querySelector("main") || document.documentElement).outerHTML`))
	if err != nil {
		return "(page not readable: " + err.Error() + ")"
	}
	return s
}

// choose selects a radio button or ticks a checkbox with the space bar, as
// a keyboard user does.
func choose(id string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.Focus(chromedp.ID(id)), chromedp.KeyEvent(" "))
}

// certificatePNG writes a small, real PNG: the upload check sniffs the
// content and decodes the image header, so a file that only carries the
// right name would be refused.
func certificatePNG(t *testing.T) string {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 120, 80))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for x := 10; x < 110; x++ {
		img.SetGray(x, 40, color.Gray{})
	}
	path := filepath.Join(t.TempDir(), "Sachkunde.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

var (
	trackingRe   = regexp.MustCompile(`DOR-[0-9]{4}-[0-9]{6}`)
	statusLinkRe = regexp.MustCompile(`https?://[^\s/]+(/dorsten/status/[^\s?#]+)`)
)

// TestCitizenJourneyInBrowser follows one citizen on a phone through the
// whole Hundeanmeldung in Dorsten in Chromium: a search in their own
// words, the service page, every form step including the upload of the
// proof of competence for a listed dog, the check page, submitting, the
// confirmation with the tracking number and the status page behind the
// link from the e-mail. Every distinct page is checked with axe-core.
func TestCitizenJourneyInBrowser(t *testing.T) {
	t.Parallel()
	ts, uc := newPortal(t, storetest.Open(t, store.SQLite))
	// Uploads go through the virus scan as in production; the fake clamd
	// speaks the real protocol.
	scanner, err := clamd.New(clamdtest.Start(t, 4<<20))
	if err != nil {
		t.Fatal(err)
	}
	uc.Submissions.SetScanner(scanner)
	upload := certificatePNG(t)
	j := &journey{t: t, ctx: browsertest.New(t)}

	j.do("open the city portal", chromedp.EmulateViewport(375, 800), chromedp.Navigate(ts.URL+"/dorsten/"),
		chromedp.WaitVisible(chromedp.ID("suche-q")))
	j.axe("city home")

	j.do("search",
		chromedp.SendKeys(chromedp.ID("suche-q"), "Hund anmelden"),
		browsertest.Press(`form[role="search"] button[type="submit"]`),
		chromedp.WaitVisible(chromedp.ID("ergebnis")))
	if first := j.text("search", ".sp-results .sp-card h3 a"); first != "Hund anmelden" {
		t.Fatalf("first search result %q, want Hund anmelden", first)
	}
	j.axe("search results")

	j.do("open the service from the results",
		browsertest.Press(`.sp-results a[href$="/leistungen/hundeanmeldung"]`),
		chromedp.WaitVisible(chromedp.CSS(`main a[href$="/antrag/hundeanmeldung"]`)))
	if h1 := j.text("service page", "h1"); !strings.Contains(h1, "Hund") {
		t.Fatalf("service page heading %q", h1)
	}
	j.axe("service page")

	j.do("online application",
		browsertest.Press(`main a[href$="/antrag/hundeanmeldung"]`),
		chromedp.WaitVisible(chromedp.CSS(`main form[action$="/antrag/hundeanmeldung"] button[type="submit"]`)))
	j.axe("application start")

	j.do("start", browsertest.Press(`main form button[type="submit"]`), chromedp.WaitVisible(chromedp.ID("f-F90000001")))
	j.axe("step 1 (holder)")

	j.do("step 1 (holder)",
		chromedp.SendKeys(chromedp.ID("f-F90000001"), "Erika"),
		chromedp.SendKeys(chromedp.ID("f-F90000002"), "Mustermann"),
		chromedp.SendKeys(chromedp.ID("f-F90000004"), "24.12.1980"),
		chromedp.SendKeys(chromedp.ID("f-F90000011"), "Halterner Straße 5"),
		chromedp.SendKeys(chromedp.ID("f-F90000012"), "46284"),
		chromedp.SendKeys(chromedp.ID("f-F90000013"), "Dorsten"),
		chromedp.SendKeys(chromedp.ID("f-F90000021"), "erika@example.org"),
		browsertest.Press(`button[value="weiter"]`),
		chromedp.WaitVisible(chromedp.ID("f-G90100010-0-F90100011")))
	j.axe("step 2 (dogs)")
	// A screen reader reads every option; the placeholder is one of them once.
	if n := j.count("step 2 (dogs)", `#f-G90100010-0-F90100012 option[value=""]`); n != 1 {
		t.Errorf("breed list has %d empty options, want one placeholder", n)
	}

	// A listed dog: the permit's file number and the proof of competence
	// (the upload) are required.
	since := time.Now().AddDate(0, -3, 0).Format("02.01.2006")
	j.do("step 2 (dogs)",
		chromedp.SendKeys(chromedp.ID("f-G90100010-0-F90100011"), "Bello"),
		chromedp.SetValue(chromedp.ID("f-G90100010-0-F90100012"), "amstaff"),
		choose("f-G90100010-0-F90100013"),
		chromedp.SendKeys(chromedp.ID("f-G90100010-0-F90100015"), since),
		choose("f-G90100010-0-F90100017"),
		chromedp.SendKeys(chromedp.ID("f-G90100010-0-F90100018"), "AZ 32/2025"),
		chromedp.SetUploadFiles(chromedp.ID("f-G90100010-0-F90100019"), []string{upload}),
		browsertest.Press(`button[value="weiter"]`),
		chromedp.WaitVisible(chromedp.ID("f-F90100021")))
	j.axe("step 3 (tax)")

	j.do("step 3 (tax)",
		choose("f-F90100021-1"),
		browsertest.Press(`button[value="weiter"]`),
		chromedp.WaitVisible(chromedp.ID("f-F90000091")))
	j.axe("step 4 (declaration)")
	// The computed tax is shown with its currency once.
	if tax := j.text("step 4 (declaration)", "#f-F90100032"); tax != "600,00 €" {
		t.Errorf("expected dog tax %q, want \"600,00 €\"", tax)
	}

	j.do("step 4 (declaration)",
		choose("f-F90000091"),
		choose("f-F90000092"),
		browsertest.Press(`button[value="weiter"]`),
		chromedp.WaitVisible(chromedp.CSS(`main form[action$="/absenden"]`)))
	check := j.text("check page", "main")
	for _, want := range []string{"Angaben prüfen und absenden", "Mustermann", "Bello", "American Staffordshire Terrier", "AZ 32/2025", "Sachkunde.png"} {
		if !strings.Contains(check, want) {
			t.Errorf("check page lacks %q", want)
		}
	}
	if t.Failed() {
		t.Fatalf("check page:\n%s", j.page())
	}
	j.axe("check page")

	j.do("submit",
		chromedp.SendKeys(chromedp.ID("email"), "erika@example.org"),
		browsertest.Press(`main form[action$="/absenden"] button[type="submit"]`),
		chromedp.WaitVisible(chromedp.ID("eingang")))
	confirmation := j.text("confirmation", "main .kern-alert--success")
	tracking := trackingRe.FindString(confirmation)
	if tracking == "" {
		t.Fatalf("confirmation without tracking number: %q", confirmation)
	}
	j.axe("confirmation")

	// The tracking link the citizen keeps is the one from the e-mail.
	msgs, _, err := uc.Outbox.List(context.Background(), nil, 10, "")
	if err != nil {
		t.Fatal(err)
	}
	var link string
	for _, m := range msgs {
		if m.To == "erika@example.org" && strings.Contains(m.Text, tracking) {
			if sm := statusLinkRe.FindStringSubmatch(m.Text); sm != nil {
				link = sm[1]
			}
		}
	}
	if link == "" {
		t.Fatalf("no e-mail to erika@example.org with %s and a status link in %d messages", tracking, len(msgs))
	}
	j.do("status page", chromedp.Navigate(ts.URL+link), chromedp.WaitVisible(chromedp.ID("verlauf")))
	status := j.text("status page", "main .sp-dl")
	if !strings.Contains(status, tracking) || !strings.Contains(status, "Eingegangen") {
		t.Fatalf("status page does not show %s as received: %q", tracking, status)
	}
	if files := j.text("status page", "main"); !strings.Contains(files, "Sachkunde.png") {
		t.Errorf("status page does not list the uploaded proof:\n%s", files)
	}
	j.axe("status page")
}
