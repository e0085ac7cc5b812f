package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/serviceportal/serviceportal/internal/payment"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

// TestFeeSetWithDecision: Dorsten charges the dog registration with the
// decision. The citizen submits without paying; the caseworker approves
// and sets 45,00 €; the citizen pays from the status page, cancelling
// once, and the case shows the fee as paid under Dorsten's Haushaltsstelle.
func TestFeeSetWithDecision(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ts, uc := newPortal(t, db)
		if _, err := uc.Identity.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		loki := newBrowser(t, ts)
		staffLogin(t, loki, "dorsten-loki@demo.example")
		loki.post("/dorsten/verwaltung/gebuehren/hundeanmeldung", url.Values{"kind": {"on_decision"}, "haushaltsstelle": {"1.122.02.431100"}}).
			expect(200, "ist gespeichert", "wird mit dem Bescheid festgesetzt")

		b := newBrowser(t, ts)
		b.get("/dorsten/leistungen/hundeanmeldung").expect(200, "wird mit dem Bescheid festgesetzt")
		draft := startDogApplication(t, b)
		b.postMultipart(draft+"/schritt/hunde", url.Values{"G90100010.count": {"1"}, "G90100010[0].F90100011": {"Bello"},
			"G90100010[0].F90100012": {"labrador"}, "G90100010[0].F90100013": {"ruede"}, "G90100010[0].F90100015": {"01.03.2024"},
			"G90100010[0].F90100017": {"false"}}, "", "", nil)
		b.post(draft+"/schritt/steuer", url.Values{"F90100021": {"false"}}).expect(200)
		b.post(draft+"/schritt/erklaerung", url.Values{"F90000091": {"true"}, "F90000092": {"true"}}).
			expect(200, "Angaben prüfen und absenden", "wird mit dem Bescheid festgesetzt", "Antrag verbindlich absenden")
		b.post(draft+"/absenden", url.Values{}).expect(200, "Ihr Antrag ist eingegangen")
		status, _, _ := strings.Cut(b.lastURL, "?")
		if strings.Contains(b.body, "jetzt bezahlen") {
			t.Fatal("payment offered before the decision")
		}

		sabine := newBrowser(t, ts)
		staffLogin(t, sabine, "dorsten-sachbearbeitung@demo.example")
		sabine.get("/dorsten/verwaltung/vorgaenge")
		link := caseLinkRe.FindStringSubmatch(sabine.body)[1]
		sabine.get(link).expect(200, "Gebühr laut Bescheid")
		act := actionRe.FindStringSubmatch(sabine.body)[1]
		sabine.multipart(act, map[string]string{"aktion": "start_review"}, nil)
		sabine.multipart(act, map[string]string{"aktion": "approve", "erzeugen": "1", "gebuehr": "fünfundvierzig"}, nil)
		sabine.expect(200, "Geben Sie die Gebühr in Euro an", "In Prüfung")
		sabine.multipart(act, map[string]string{"aktion": "approve", "erzeugen": "1", "gebuehr": "45,00"}, nil)
		sabine.expect(200, "Entschieden: bewilligt")

		b.get(status).expect(200, "Bewilligt", "Gebühr von <strong>45,00 €</strong>", "45,00 € jetzt bezahlen")
		// Cancel at the provider, then pay.
		payURL := status + "/bezahlen"
		b.post(payURL, url.Values{}).expect(200, "Testzahlung", "45,00 €")
		b.post(b.lastURL, url.Values{"action": {"abbrechen"}}).expect(200, "Zahlung abgebrochen", "45,00 € jetzt bezahlen")
		b.post(payURL, url.Values{}).expect(200, "Testzahlung")
		b.post(b.lastURL, url.Values{"action": {"bezahlen"}}).expect(200, "Ihre Zahlung ist eingegangen", "Bezahlt: 45,00 €")
		if strings.Contains(b.body, "jetzt bezahlen") {
			t.Fatal("paid fee still offered for payment")
		}
		sabine.get(link).expect(200, "Bezahlt: 45,00 €")

		dorsten, _ := uc.Tenants.BySlug(ctx, "dorsten")
		var subID string
		if err := db.QueryRow(ctx, `SELECT id FROM submissions WHERE tenant_id = ?`, dorsten.ID).Scan(&subID); err != nil {
			t.Fatal(err)
		}
		ps, err := uc.Payments.ForSubmission(ctx, dorsten.ID, subID)
		p, ok := payment.Paid(ps)
		if err != nil || !ok || p.AmountCents != 4500 || p.Haushaltsstelle != "1.122.02.431100" || p.DraftID != "" || len(ps) != 2 {
			t.Fatalf("payments of the application: %+v %v", ps, err)
		}
		// A paid fee cannot be changed by a second decision.
		if _, err := uc.Payments.Assess(ctx, payment.Assessment{TenantID: dorsten.ID, SubmissionID: subID, AmountCents: 100}); err != payment.ErrAssessmentPaid {
			t.Fatalf("re-assessing a paid fee: %v", err)
		}
	})
}
