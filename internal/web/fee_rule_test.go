package web_test

import (
	"context"
	"io"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

var kassenzeichenRe = regexp.MustCompile(`HU\.\d{4}\.\d{6}`)

// TestFeePerDog has Dorsten's coordinator set the dog registration's fee
// to 12,00 € per dog with Dorsten's Haushaltsstelle and Kassenzeichen
// scheme; a citizen registering two dogs is asked for 24,00 € and pays,
// and the cash office's file books it under that Haushaltsstelle.
func TestFeePerDog(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ts, uc := newPortal(t, db)
		if _, err := uc.Identity.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		const edit = "/dorsten/verwaltung/gebuehren/hundeanmeldung"
		loki := newBrowser(t, ts)
		staffLogin(t, loki, "dorsten-loki@demo.example")
		loki.get("/dorsten/verwaltung").expect(200, "Gebühren und Kasse")
		loki.get("/dorsten/verwaltung/gebuehren").expect(200, "Hund anmelden", "aus dem Leistungskatalog", "DOR-")
		loki.get(edit).expect(200, "Gebühr: Hund anmelden", `value="G90100010"`, "Anzahl der Einträge")

		good := url.Values{"kind": {"per_quantity"}, "amount": {"12,00"}, "field": {"G90100010"}, "unit": {"je Hund"},
			"haushaltsstelle": {"1.122.02.431100"}, "kassenzeichen_scheme": {"HU.{JJJJ}.{NNNNNN}"}}
		for _, tc := range []struct {
			name, key, value string
			want             []string
		}{
			{"amount in words", "amount", "zwölf", []string{"Betrag in Euro an", `id="fee-amount"`, "zwölf"}},
			{"no kind", "kind", "", []string{"Wählen Sie aus"}},
			{"a text field is no count", "field", "F90000001", []string{"Wählen Sie ein Feld des Formulars"}},
			{"scheme without year", "kassenzeichen_scheme", "HU.{NNNNNN}", []string{"Jahr {JJJJ}", "HU.{NNNNNN}"}},
			{"formula as budget line", "haushaltsstelle", "=1+1", []string{"Haushaltsstelle darf nur"}},
		} {
			bad := cloneValues(good)
			bad.Set(tc.key, tc.value)
			loki.post(edit, bad).expect(422, append(tc.want, "Bitte prüfen Sie Ihre Angaben", "je Hund")...)
		}
		loki.post(edit, good).expect(200, "ist gespeichert", "12,00 € je Hund", "1.122.02.431100", "HU.")

		// Caseworkers and other tenants' coordinators may not touch it.
		sabine := newBrowser(t, ts)
		staffLogin(t, sabine, "dorsten-sachbearbeitung@demo.example")
		sabine.post(edit, good).expect(403)
		greta := newBrowser(t, ts)
		staffLogin(t, greta, "gladbeck-loki@demo.example")
		greta.get(edit).expect(403)
		greta.get("/gladbeck/verwaltung/gebuehren/keine-leistung").expect(404)

		// The citizen sees the fee per dog and pays for two.
		b := newBrowser(t, ts)
		b.get("/dorsten/leistungen/hundeanmeldung").expect(200, "12,00 € je Hund")
		draft := startDogApplication(t, b)
		dogs := url.Values{"G90100010.count": {"2"},
			"G90100010[0].F90100011": {"Bello"}, "G90100010[0].F90100012": {"labrador"}, "G90100010[0].F90100013": {"ruede"},
			"G90100010[0].F90100015": {"01.03.2024"}, "G90100010[0].F90100017": {"false"},
			"G90100010[1].F90100011": {"Luna"}, "G90100010[1].F90100012": {"labrador"}, "G90100010[1].F90100013": {"huendin"},
			"G90100010[1].F90100015": {"01.05.2025"}, "G90100010[1].F90100017": {"false"}}
		b.postMultipart(draft+"/schritt/hunde", dogs, "", "", nil)
		b.expect(200, "Ermäßigung")
		b.post(draft+"/schritt/steuer", url.Values{"F90100021": {"false"}}).expect(200, "Erklärung")
		b.post(draft+"/schritt/erklaerung", url.Values{"F90000091": {"true"}, "F90000092": {"true"}}).
			expect(200, "Angaben prüfen und absenden", "24,00 €", "2 × 12,00 € je Hund", "Gebühr bezahlen")
		// Submitting unpaid leads to the payment instead.
		b.post(draft+"/absenden", url.Values{}).expect(200, "Gebühr bezahlen", "24,00 €")
		b.post(draft+"/bezahlen", url.Values{}).expect(200, "Testzahlung", "24,00 €")
		b.post(b.lastURL, url.Values{"action": {"bezahlen"}}).expect(200, "Bezahlt", "Kassenzeichen HU.")
		kz := kassenzeichenRe.FindString(b.body)
		if kz == "" || !strings.Contains(kz, time.Now().In(berlin).Format("2006")) {
			t.Fatalf("Kassenzeichen %q does not follow Dorsten's scheme:\n%s", kz, b.body)
		}
		b.post(draft+"/absenden", url.Values{}).expect(200, "Ihr Antrag ist eingegangen", "Bezahlt")

		doris := newBrowser(t, ts)
		staffLogin(t, doris, "dorsten-admin@demo.example")
		resp, err := doris.c.Get(ts.URL + "/dorsten/verwaltung/zahlungen.csv?tag=" + time.Now().In(berlin).Format("2006-01-02"))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), kz+";24,00;") || !strings.Contains(string(body), ";1.122.02.431100\n") {
			t.Fatalf("reconciliation file lacks the dog fee:\n%s", body)
		}
	})
}

// TestFeeUnknownBlocksSubmission: when the answers do not give the fee,
// the application is neither submitted unpaid nor sent to the provider.
func TestFeeUnknownBlocksSubmission(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	ts, uc := newPortal(t, db)
	dorsten, err := uc.Tenants.BySlug(ctx, "dorsten")
	if err != nil {
		t.Fatal(err)
	}
	// Counting a field that the form never fills leaves the fee unknown.
	if _, err := db.Exec(ctx, `INSERT INTO fee_rules (tenant_id, service_id, kind, amount_cents, field, updated_at)
		SELECT ?, id, 'per_quantity', 1200, 'F99999999', ? FROM services WHERE slug = 'hundeanmeldung'`, dorsten.ID, time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, ts)
	draft := startDogApplication(t, b)
	b.postMultipart(draft+"/schritt/hunde", url.Values{"G90100010.count": {"1"}, "G90100010[0].F90100011": {"Bello"},
		"G90100010[0].F90100012": {"labrador"}, "G90100010[0].F90100013": {"ruede"}, "G90100010[0].F90100015": {"01.03.2024"},
		"G90100010[0].F90100017": {"false"}}, "", "", nil)
	b.post(draft+"/schritt/steuer", url.Values{"F90100021": {"false"}}).expect(200)
	b.post(draft+"/schritt/erklaerung", url.Values{"F90000091": {"true"}, "F90000092": {"true"}}).
		expect(200, "Angaben prüfen und absenden", "noch fehlen")
	b.post(draft+"/absenden", url.Values{}).expect(422, "Die Gebühr steht noch nicht fest")
	b.post(draft+"/bezahlen", url.Values{}).expect(422, "Die Gebühr steht noch nicht fest")
	var n int
	if err := db.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM submissions) + (SELECT COUNT(*) FROM payments)`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d submissions or payments with an unknown fee (%v)", n, err)
	}
}

// startDogApplication starts a Hundeanmeldung in Dorsten and fills the
// holder's step; it returns the draft's path.
func startDogApplication(t *testing.T, b *browser) string {
	t.Helper()
	b.post("/dorsten/antrag/hundeanmeldung", url.Values{}).expect(200, "Vorname")
	m := stepURLRe.FindStringSubmatch(b.body)
	if m == nil {
		t.Fatalf("no draft URL in\n%s", b.body)
	}
	draft := "/dorsten/antrag/hundeanmeldung/e/" + m[1]
	b.post(draft+"/schritt/halter", url.Values{"F90000001": {"Erika"}, "F90000002": {"Mustermann"}, "F90000004": {"24.12.1980"},
		"F90000011": {"Halterner Straße 5"}, "F90000012": {"46284"}, "F90000013": {"Dorsten"}, "F90000021": {"erika@example.org"}}).
		expect(200, "Angaben zu Ihren Hunden")
	return draft
}
