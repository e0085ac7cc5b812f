package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

var templateLinkRe = regexp.MustCompile(`href="(/[a-z-]+/verwaltung/vorlagen/[a-z0-9]{36})">Hund anmelden`)

// TestAdoptAndUpdateTemplate plays the story: Gladbeck adopts
// Dorsten's Hundeanmeldung with its own fee and office, citizens can apply;
// Dorsten publishes version 2 with a new field, Gladbeck sees the diff and
// takes it, and an application started before finishes on version 1.
func TestAdoptAndUpdateTemplate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts, uc := newPortal(t, db)
		ctx := context.Background()
		uc.Identity.SeedDemo(ctx)
		// Gladbeck does not offer the Hundeanmeldung online yet.
		newBrowser(t, ts).get("/gladbeck/leistungen/hundeanmeldung").expect(200, "Zuständige Stelle")
		if b := newBrowser(t, ts).get("/gladbeck/antrag/hundeanmeldung"); b.code != 404 {
			t.Fatalf("Gladbeck form before adoption: %d", b.code)
		}
		gb := newBrowser(t, ts)
		staffLogin(t, gb, "gladbeck-loki@demo.example")
		gb.get("/gladbeck/verwaltung/vorlagen").expect(200, "Hund anmelden", "Stadt Dorsten", "Dorsten, Marl", "noch nicht angeboten")
		tpl := templateLinkRe.FindStringSubmatch(gb.body)[1]
		gb.get(tpl).expect(200, "Für Stadt Gladbeck übernehmen")
		gb.post(tpl+"/uebernehmen", url.Values{"gebuehr": {"zwölf"}}).expect(422, "Gebühr als Betrag")
		gb.post(tpl+"/uebernehmen", url.Values{"gebuehr": {"12,50"}, "stelle": {"Fachbereich Finanzen"}, "oeffnungszeiten": {"Mo–Fr 8–12 Uhr"}}).
			expect(200, "Übernommen")
		citizen := newBrowser(t, ts)
		citizen.get("/gladbeck/leistungen/hundeanmeldung").expect(200, "Online beantragen", "12,50 €", "Fachbereich Finanzen", "Mo–Fr 8–12 Uhr")
		// A Gladbeck citizen starts an application on version 1.
		citizen.post("/gladbeck/antrag/hundeanmeldung", url.Values{}).expect(200, "Schritt 1 von")
		draftV1 := regexp.MustCompile(`/gladbeck/antrag/hundeanmeldung/e/[A-Za-z0-9_-]+`).FindString(citizen.body)

		// Dorsten's coordinator publishes version 2 with a new field.
		dorstenLoki := "dorsten-loki@demo.example"
		dl := newBrowser(t, ts)
		staffLogin(t, dl, dorstenLoki)
		dl.get("/dorsten/verwaltung/vorlagen")
		dtpl := templateLinkRe.FindStringSubmatch(dl.body)[1]
		dl.get(dtpl).expect(200, "Neue Fassung veröffentlichen")
		doc := regexp.MustCompile(`(?s)<textarea[^>]*id="formular"[^>]*>(.*?)</textarea>`).FindStringSubmatch(dl.body)[1]
		doc = unescapeHTML(doc)
		dl.post(dtpl+"/veroeffentlichen", url.Values{"formular": {"{kaputt"}}).expect(422, "Das Formular ist nicht gültig")
		v2 := strings.Replace(doc, `"id": "F90000022"`, `"id": "F90000023", "label": "Mobilnummer für Rückfragen", "type": "text"}, {"id": "F90000022"`, 1)
		if v2 == doc {
			t.Fatal("could not add a field to the form document")
		}
		dl.post(dtpl+"/veroeffentlichen", url.Values{"formular": {v2}, "notiz": {"Mobilnummer"}}).expect(200, "Neue Fassung veröffentlicht")

		// Gladbeck sees the diff and takes version 2.
		gb.get(tpl).expect(200, "Was sich gegenüber Ihrer Fassung 1 ändert", "Neues Feld: „Mobilnummer für Rückfragen“")
		gb.get("/gladbeck/verwaltung/vorlagen").expect(200, "neue Fassung verfügbar")
		latest := regexp.MustCompile(`<option value="([a-z0-9]{36})">Fassung 2`).FindStringSubmatch(gb.body)
		if latest == nil {
			gb.get(tpl)
			latest = regexp.MustCompile(`<option value="([a-z0-9]{36})">Fassung 2`).FindStringSubmatch(gb.body)
		}
		gb.post(tpl+"/uebernehmen", url.Values{"fassung": {latest[1]}, "gebuehr": {"12,50"}, "stelle": {"Fachbereich Finanzen"}}).expect(200, "Übernommen")
		// New applications get the new field; the one started before stays on version 1.
		fresh := newBrowser(t, ts)
		fresh.post("/gladbeck/antrag/hundeanmeldung", url.Values{}).expect(200, "Mobilnummer für Rückfragen")
		citizen.get(draftV1 + "/schritt/halter")
		if strings.Contains(citizen.body, "Mobilnummer für Rückfragen") {
			t.Fatal("an application in progress changed its form version")
		}
		// The comparison and the maturity dashboard show Gladbeck now.
		newBrowser(t, ts).get("/leistungen/hundeanmeldung/vergleich").expect(200, "Stadt Gladbeck", "Stadt Dorsten, Fassung")
		newBrowser(t, ts).get("/reifegrad").expect(200, "Reifegrad", "Stadt Gladbeck", "OZG-konform")
		newBrowser(t, ts).get("/gladbeck/reifegrad").expect(200, "Nächster Schritt", "Hund anmelden")
	})
}

func unescapeHTML(s string) string {
	return strings.NewReplacer("&#34;", `"`, "&quot;", `"`, "&lt;", "<", "&gt;", ">", "&amp;", "&", "&#39;", "'", "&#43;", "+").Replace(s)
}

func TestTemplateAPI(t *testing.T) {
	t.Parallel()
	ts := newServer(t, storetest.Open(t, store.SQLite))
	var lib struct {
		Templates []struct {
			Service   string
			Owner     string
			AdoptedBy []string `json:"adopted_by"`
		}
	}
	getJSON(t, ts.URL+"/api/v1/templates", 200, &lib)
	found := false
	for _, tpl := range lib.Templates {
		if tpl.Service == "hundeanmeldung" && tpl.Owner == "Stadt Dorsten" && strings.Join(tpl.AdoptedBy, ",") == "Dorsten,Marl" {
			found = true
		}
	}
	if !found {
		t.Fatalf("library: %+v", lib.Templates)
	}
	var offs struct{ Offerings []struct{ Service string } }
	getJSON(t, ts.URL+"/api/v1/tenants/marl/offerings", 200, &offs)
	if len(offs.Offerings) < 10 {
		t.Fatalf("Marl offers %d services", len(offs.Offerings))
	}
	var mat struct {
		Offerings []struct {
			Tenant  string
			Level11 int `json:"level_1_1"`
		}
	}
	getJSON(t, ts.URL+"/reifegrad.json", 200, &mat)
	if len(mat.Offerings) == 0 {
		t.Fatal("no maturity figures")
	}
}
