package web_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/web"
	"github.com/serviceportal/serviceportal/internal/xgewerbe"
)

// gewerbeAnswers are the answers of a filled-in Gewerbeanmeldung as the
// form engine exports them; anlass is the reason code.
func gewerbeAnswers(anlass string) map[string]any {
	return map[string]any{
		"F91300011": "Kiosk am Markt", "F91300012": "180",
		"F91300031": "Hochstraße", "F91300032": "40", "F91300033": "45964", "F91300034": "Gladbeck",
		"F91300041": 0, "F91300042": 1, "F91300051": "Einzelhandel mit Zeitschriften und Süßwaren",
		"F91300063": true, "F91300081": "2026-05-01", "F91300082": true, "F91300083": anlass,
		"G91300100": []any{map[string]any{
			"F91300101": "1", "F91300102": "Jonas", "F91300103": "Becker", "F91300105": "1", "F91300106": "1990-05-12",
			"F91300107": "Bottrop", "F91300108": "Deutschland", "F91300109": "000",
			"F91300121": "Rentforter Straße", "F91300122": "7", "F91300123": "45964", "F91300124": "Gladbeck",
		}},
		"F90000021": "jonas.becker@example.org", "F90000091": true, "F90000092": true,
	}
}

// submitGewerbe files a Gewerbeanmeldung in Gladbeck through the use case.
func submitGewerbe(t *testing.T, uc *web.UseCases, key, anlass string) submission.Result {
	t.Helper()
	ctx := context.Background()
	gladbeck, _ := uc.Tenants.BySlug(ctx, "gladbeck")
	svc, err := uc.Catalog.BySlug(ctx, "gewerbeanmeldung")
	if err != nil {
		t.Fatal(err)
	}
	res, err := uc.Submissions.Submit(ctx, submission.Input{TenantID: gladbeck.ID, TenantCode: gladbeck.Code, ServiceID: svc.ID,
		FormID: xgewerbe.FormID, FormVersion: "1", Values: gewerbeAnswers(anlass), IdempotencyKey: key})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestCaseworkerDownloadsXGewerbeanzeige opens a Gewerbe-Anmeldung in
// Gladbeck's back office and downloads its XGewerbeanzeige; a reason
// without key gives a German error on the case page; other tenants'
// staff, other forms and anonymous visitors get nothing.
func TestCaseworkerDownloadsXGewerbeanzeige(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts, uc := newPortal(t, db)
		if _, err := uc.Identity.SeedDemo(context.Background()); err != nil {
			t.Fatal(err)
		}
		ok := submitGewerbe(t, uc, "g1", "01")
		refused := submitGewerbe(t, uc, "g2", "uebernahme")
		dog := submitDog(t, uc, "d1")
		caseLink := func(b *browser, tracking string) string {
			t.Helper()
			b.get("/gladbeck/verwaltung/vorgaenge").expect(200, tracking)
			re := regexp.MustCompile(`href="(/gladbeck/verwaltung/vorgaenge/[a-z0-9]{36})"[^>]*>` + regexp.QuoteMeta(tracking))
			m := re.FindStringSubmatch(b.body)
			if m == nil {
				t.Fatalf("no case link for %s\n%s", tracking, b.body)
			}
			return m[1]
		}

		gustav := newBrowser(t, ts)
		staffLogin(t, gustav, "gladbeck-sachbearbeitung@demo.example")
		link := caseLink(gustav, ok.Submission.TrackingNumber)
		gustav.get(link).expect(200, "XGewerbeanzeige 2.2 (XML)", link+"/xgewerbeanzeige.xml")
		resp, err := gustav.c.Get(ts.URL + link + "/xgewerbeanzeige.xml")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/xml; charset=utf-8" ||
			!strings.HasPrefix(resp.Header.Get("Content-Disposition"), `attachment; filename="XGewerbeanzeige-`+ok.Submission.TrackingNumber+`.xml"`) ||
			resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("download: %d %v\n%s", resp.StatusCode, resp.Header, body)
		}
		a, err := xgewerbe.Parse(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("the download does not parse: %v\n%s", err, body)
		}
		m := a.Meldungen[0]
		if a.Version != "2.2" || m.GemeindeSchluessel != "05562014" || m.GemeindeMeldungNr != ok.Submission.TrackingNumber ||
			m.Autor.Name != "Stadt Gladbeck, Gewerbeamt" || m.Autor.Anschrift.Strasse != "Willy-Brandt-Platz" ||
			len(m.Autor.Kontakte) != 2 || m.Autor.Kontakte[1].Wert != "02043 99-0" ||
			m.Gewerbe.Betrieb.Geschaeftsbezeichnung != "Kiosk am Markt" || m.Gewerbe.Personen[0].Familienname != "Becker" ||
			!m.Gewerbe.Nebenerwerb || !m.Gewerbe.Art.Handel {
			t.Errorf("message: %+v", a)
		}
		// A second download is the same message.
		gustav.get(link + "/xgewerbeanzeige.xml")
		if gustav.body != string(body) {
			t.Error("a second download differs")
		}

		// A reason the standard's key is not known for: back to the case.
		bad := caseLink(gustav, refused.Submission.TrackingNumber)
		gustav.get(bad+"/xgewerbeanzeige.xml").expect(200, "Die XGewerbeanzeige lässt sich nicht erzeugen.",
			"Übernahme eines bestehenden Betriebs", "im Fachverfahren erfassen")
		if !strings.HasPrefix(gustav.lastURL, bad+"?fehler=") {
			t.Errorf("error shown at %s, want the case page", gustav.lastURL)
		}

		// Dorsten's staff, Dorsten's dog and strangers get no message.
		sabine := newBrowser(t, ts)
		staffLogin(t, sabine, "dorsten-sachbearbeitung@demo.example")
		sabine.get(link + "/xgewerbeanzeige.xml")
		if sabine.code != http.StatusForbidden && sabine.code != http.StatusNotFound {
			t.Errorf("Dorsten caseworker got %d for Gladbeck's XGewerbeanzeige", sabine.code)
		}
		sabine.get(strings.Replace(link, "/gladbeck/", "/dorsten/", 1) + "/xgewerbeanzeige.xml").expect(404)
		sabine.get("/dorsten/verwaltung/vorgaenge").expect(200, dog.Submission.TrackingNumber)
		dogLink := caseLinkRe.FindStringSubmatch(sabine.body)[1]
		sabine.get(dogLink).expect(200, "Bello")
		if strings.Contains(sabine.body, "XGewerbeanzeige") {
			t.Error("the dog's case offers an XGewerbeanzeige")
		}
		sabine.get(dogLink + "/xgewerbeanzeige.xml").expect(404)
		anon := newBrowser(t, ts)
		anon.get(link+"/xgewerbeanzeige.xml").expect(200, "Anmelden")
		if !strings.Contains(anon.lastURL, "/gladbeck/verwaltung/anmelden") {
			t.Errorf("anonymous visitor ended at %s", anon.lastURL)
		}
	})
}

// TestGewerbeanmeldungJourney files a Gewerbe-Anmeldung through Gladbeck's
// own form (a sole trader: no uploads needed), logged in as the demo
// citizen, and downloads its
// XGewerbeanzeige in the back office; Dorsten, which has not adopted the
// form, links to the Wirtschafts-Service-Portal.NRW instead.
func TestGewerbeanmeldungJourney(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts, uc := newPortal(t, db)
		if _, err := uc.Identity.SeedDemo(context.Background()); err != nil {
			t.Fatal(err)
		}
		b := newBrowser(t, ts)
		b.get("/dorsten/leistungen/gewerbeanmeldung").expect(200, "Weiter zum Wirtschafts-Service-Portal.NRW")
		b.get("/gladbeck/leistungen/gewerbeanmeldung").expect(200, "Online beantragen", `href="/gladbeck/antrag/gewerbeanmeldung"`)
		// The service asks for a login (trust level basis); Erika is the demo citizen.
		b.post("/gladbeck/konto/anmelden", url.Values{"email": {"erika.mustermann@demo.example"}, "password": {demoPassword}})
		b.get("/gladbeck/antrag/gewerbeanmeldung").expect(200, "Antrag starten")
		b.post("/gladbeck/antrag/gewerbeanmeldung", url.Values{}).expect(200, "Schritt 1 von 4", "Rechtsform", "Name des Betriebs")
		m := regexp.MustCompile(`/gladbeck/antrag/gewerbeanmeldung/e/([A-Za-z0-9_-]{40,})`).FindStringSubmatch(b.body)
		if m == nil {
			t.Fatalf("no draft URL in\n%s", b.body)
		}
		draft := "/gladbeck/antrag/gewerbeanmeldung/e/" + m[1]
		b.post(draft+"/schritt/betrieb", url.Values{"F91300011": {"Kiosk am Markt"}, "F91300012": {"180"}, "F91300031": {"Hochstraße"},
			"F91300032": {"40"}, "F91300033": {"45964"}, "F91300034": {"Gladbeck"}, "F91300041": {"0"}, "F91300042": {"1"}}).
			expect(200, "Angaben zur Tätigkeit", "Schritt 2 von 4")
		start := time.Now().AddDate(0, 0, 14).Format("02.01.2006")
		b.post(draft+"/schritt/taetigkeit", url.Values{"F91300051": {"Einzelhandel mit Zeitschriften"}, "F91300081": {start},
			"F91300082": {"true"}, "F91300083": {"01"}}).expect(422, "Kreuzen Sie mindestens eine Art des Betriebs an.")
		b.post(draft+"/schritt/taetigkeit", url.Values{"F91300051": {"Einzelhandel mit Zeitschriften"}, "F91300063": {"true"},
			"F91300081": {start}, "F91300082": {"true"}, "F91300083": {"01"}}).expect(200, "Angaben zu den Personen")
		b.post(draft+"/schritt/personen", url.Values{"G91300100.count": {"1"}, "G91300100[0].F91300101": {"1"},
			"G91300100[0].F91300102": {"Jonas"}, "G91300100[0].F91300103": {"Becker"}, "G91300100[0].F91300105": {"1"},
			"G91300100[0].F91300106": {"12.05.1990"}, "G91300100[0].F91300107": {"Bottrop"}, "G91300100[0].F91300108": {"Deutschland"},
			"G91300100[0].F91300109": {"000"}, "G91300100[0].F91300121": {"Rentforter Straße"}, "G91300100[0].F91300122": {"7"},
			"G91300100[0].F91300123": {"45964"}, "G91300100[0].F91300124": {"Gladbeck"}, "F90000021": {"jonas@example.org"}}).
			expect(200, "Erklärung und Absenden")
		b.post(draft+"/schritt/erklaerung", url.Values{"F90000091": {"true"}, "F90000092": {"true"}}).
			expect(200, "Angaben prüfen und absenden", "Kiosk am Markt", "Becker")
		b.post(draft+"/absenden", url.Values{"email": {"jonas@example.org"}}).expect(200, "Ihr Antrag ist eingegangen", "GLA-")
		tracking := regexp.MustCompile(`GLA-\d{4}-\d+`).FindString(b.body)

		gustav := newBrowser(t, ts)
		staffLogin(t, gustav, "gladbeck-sachbearbeitung@demo.example")
		gustav.get("/gladbeck/verwaltung/vorgaenge").expect(200, tracking)
		link := regexp.MustCompile(`href="(/gladbeck/verwaltung/vorgaenge/[a-z0-9]{36})">` + tracking).FindStringSubmatch(gustav.body)
		if link == nil {
			t.Fatalf("no case link for %s", tracking)
		}
		gustav.get(link[1]).expect(200, "Kiosk am Markt", "XGewerbeanzeige 2.2 (XML)")
		gustav.get(link[1]+"/xgewerbeanzeige.xml").expect(200, "<xga:geschaeftsbezeichnung>Kiosk am Markt</xga:geschaeftsbezeichnung>")
		a, err := xgewerbe.Parse(strings.NewReader(gustav.body))
		if err != nil {
			t.Fatalf("the download does not parse: %v", err)
		}
		if g := a.Meldungen[0].Gewerbe; g.Personen[0].Familienname != "Becker" || !g.Art.Handel || !g.Nebenerwerb ||
			g.Personen[0].Kontakte[0] != (xgewerbe.Kontakt{Kanal: "01", Wert: "jonas@example.org"}) {
			t.Errorf("message: %+v", g)
		}
	})
}
