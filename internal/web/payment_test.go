package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/payment"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

var parkDraftRe = regexp.MustCompile(`/recklinghausen/antrag/bewohnerparkausweis/e/([A-Za-z0-9_-]{40,})`)

// TestBewohnerparkausweisPayment follows a Recklinghausen citizen through
// the Bewohnerparkausweis with its fee: the check page leads to the
// payment page, cancelling at the (test) provider brings her back with
// every answer kept, paying the second time is confirmed on the check page,
// and after submitting the payment belongs to the application.
func TestBewohnerparkausweisPayment(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ts, uc := newPortal(t, db)
		if _, err := uc.Identity.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		// The catalogue says the fee "varies"; Recklinghausen charges 30,70 € a year.
		if _, err := db.Exec(ctx, `UPDATE services SET fee_kind = 'fixed', fee_cents = 3070 WHERE slug = 'bewohnerparkausweis'`); err != nil {
			t.Fatal(err)
		}
		b := newBrowser(t, ts)
		b.post("/recklinghausen/konto/anmelden", url.Values{"email": {"erika.mustermann@demo.example"}, "password": {demoPassword}})
		b.get("/recklinghausen/antrag/bewohnerparkausweis").expect(200, "Antrag starten")
		b.post("/recklinghausen/antrag/bewohnerparkausweis", url.Values{}).expect(200, "Vorname")
		m := parkDraftRe.FindStringSubmatch(b.lastURL)
		if m == nil {
			t.Fatalf("no draft URL: %s", b.lastURL)
		}
		draft := "/recklinghausen/antrag/bewohnerparkausweis/e/" + m[1]
		b.post(draft+"/schritt/antragsteller", url.Values{"F90000001": {"Erika"}, "F90000002": {"Mustermann"}, "F90000004": {"24.12.1980"},
			"F90000011": {"Kaiserwall 7"}, "F90000012": {"45657"}, "F90000013": {"Recklinghausen"}, "F90000021": {"erika@example.org"}}).
			expect(200, "Angaben zum Fahrzeug")
		b.postMultipart(draft+"/schritt/fahrzeug?csrf="+url.QueryEscape(b.csrf()), url.Values{"F90300011": {"RE-AB 123"}, "F90300012": {"selbst"}},
			"F90300013", "fahrzeugschein.pdf", []byte("%PDF-1.4\nFahrzeugschein\n%%EOF\n"))
		b.expect(200, "Parkzone und Laufzeit")
		b.post(draft+"/schritt/zone", url.Values{"F90300021": {"B"}, "F90300022": {time.Now().In(berlin).Format("02.01.2006")}, "F90300023": {"1"}}).
			expect(200, "Erklärung")
		b.post(draft+"/schritt/erklaerung", url.Values{"F90000091": {"true"}, "F90000092": {"true"}}).
			expect(200, "Angaben prüfen und absenden", "RE-AB 123", "Kaiserwall 7")

		// The payment page: amount, purpose, and plainly a test payment.
		b.get(draft+"/bezahlen").expect(200, "Gebühr bezahlen", "30,70 €", "Bewohnerparkausweis", "Testzahlung", "kein Geld")

		// Cancel at the provider: back on the check page, nothing lost.
		b.post(draft+"/bezahlen", url.Values{}).expect(200, "Testzahlung – kein echter Bezahldienst", "30,70 €", "REC-20", "Bezahlen", "Abbrechen")
		if !strings.Contains(b.lastURL, "/recklinghausen/testzahlung/") {
			t.Fatalf("not at the provider: %s", b.lastURL)
		}
		b.post(b.lastURL, url.Values{"action": {"abbrechen"}}).expect(200, "Angaben prüfen und absenden", "RE-AB 123", "Kaiserwall 7", "Erika")
		if !strings.HasPrefix(b.lastURL, draft+"/pruefen?zahlung=abgebrochen") {
			t.Fatalf("cancelled payment came back to %s", b.lastURL)
		}
		b.get(draft+"/bezahlen").expect(200, "Zahlung abgebrochen", "Ihre Angaben sind gespeichert", "30,70 € jetzt bezahlen")

		// Pay: confirmed by the notification, shown on the check page.
		b.post(draft+"/bezahlen", url.Values{})
		provider := b.lastURL
		b.post(provider, url.Values{"action": {"bezahlen"}}).expect(200, "Angaben prüfen und absenden", "RE-AB 123")
		if !strings.HasPrefix(b.lastURL, draft+"/pruefen?zahlung=bezahlt") {
			t.Fatalf("paid payment came back to %s", b.lastURL)
		}
		var draftID string
		if err := db.QueryRow(ctx, `SELECT id FROM drafts`).Scan(&draftID); err != nil {
			t.Fatal(err)
		}
		rec, _ := uc.Tenants.BySlug(ctx, "recklinghausen")
		ps, err := uc.Payments.ForDraft(ctx, rec.ID, draftID)
		paid, ok := payment.Paid(ps)
		if err != nil || len(ps) != 2 || !ok || paid.AmountCents != 3070 || paid.Provider != "test" {
			t.Fatalf("payments of the draft: %+v %v", ps, err)
		}
		b.get(draft+"/bezahlen").expect(200, "Angaben prüfen und absenden")
		if !strings.Contains(b.lastURL, "zahlung=bezahlt") {
			t.Fatalf("paying twice was offered: %s", b.lastURL)
		}
		// The finished test payment cannot be paid again.
		b.get(provider).expect(200, "Diese Testzahlung ist abgeschlossen")

		// Notifications: unknown payments and forged signatures are refused.
		anon := newBrowser(t, ts)
		for _, tc := range []struct {
			ref  string
			want int
		}{{"unbekannt", http.StatusNotFound}, {paid.ID, http.StatusBadRequest}} {
			resp, err := anon.c.PostForm(ts.URL+"/recklinghausen/zahlung/benachrichtigung/test?ref="+tc.ref,
				url.Values{"txid": {paid.ProviderRef}, "status": {"CANCELED"}, "amount": {"3070"}, "currency": {"EUR"}, "sig": {"00"}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("notification for %s: %d, want %d", tc.ref, resp.StatusCode, tc.want)
			}
		}
		anon.get("/recklinghausen/testzahlung/unbekannt").expect(404)
		// The way back in another browser does not reveal the draft.
		anon.get("/recklinghausen/zahlung/rueckkehr/"+paid.ID).expect(200, "Bezahlt", "persönlichen Link")

		// Submit: the payment moves to the application in the same transaction.
		b.get(draft+"/pruefen").expect(200, "Bezahlt", "Kassenzeichen")
		b.post(draft+"/absenden", url.Values{}).expect(200, "Ihr Antrag ist eingegangen", "REC-", "Bezahlt")
		var subID string
		if err := db.QueryRow(ctx, `SELECT id FROM submissions`).Scan(&subID); err != nil {
			t.Fatal(err)
		}
		ps, err = uc.Payments.ForSubmission(ctx, rec.ID, subID)
		if p, ok := payment.Paid(ps); err != nil || !ok || p.ID != paid.ID || p.Kassenzeichen == "" {
			t.Fatalf("payments of the submission: %+v %v", ps, err)
		}
		_ = draftID

		// The data centre's admin fetches the day's reconciliation file
		// for Recklinghausen's cash office; Dorsten's admin may not.
		uc.Identity.SeedDemo(ctx)
		gerd := newBrowser(t, ts)
		staffLogin(t, gerd, "gkd-admin@demo.example")
		gerd.get("/recklinghausen/verwaltung").expect(200, "Abgleichsdatei herunterladen")
		settled, _ := payment.Paid(ps)
		today := time.Now().In(berlin).Format("2006-01-02")
		resp, err := gerd.c.Get(ts.URL + "/recklinghausen/verwaltung/zahlungen.csv?tag=" + today)
		if err != nil {
			t.Fatal(err)
		}
		csvBody, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") ||
			!strings.Contains(string(csvBody), settled.Kassenzeichen) || !strings.Contains(string(csvBody), "30,70") {
			t.Fatalf("reconciliation file %d %v:\n%s", resp.StatusCode, resp.Header, csvBody)
		}
		gerd.get("/recklinghausen/verwaltung/zahlungen.csv?tag=gestern").expect(400, "JJJJ-MM-TT")
		doris := newBrowser(t, ts)
		staffLogin(t, doris, "dorsten-admin@demo.example")
		if doris.get("/recklinghausen/verwaltung/zahlungen.csv"); doris.code != 403 {
			t.Fatalf("Dorsten admin got %d for Recklinghausen's payments", doris.code)
		}
	})
}

var berlin, _ = time.LoadLocation("Europe/Berlin")
