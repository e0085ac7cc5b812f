package web_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

// postJSON sends body to path with the browser's cookies (its session).
func (b *browser) postJSON(path, contentType, body string) *browser {
	b.t.Helper()
	resp, err := b.c.Post(b.base+path, contentType, strings.NewReader(body))
	if err != nil {
		b.t.Fatal(err)
	}
	b.read(resp)
	return b
}

// TestAdoptionAPI adopts Dorsten's Hundeanmeldung into Gladbeck through
// the API: only Gladbeck's coordinator may, bad input is refused with a
// German problem, and after the adoption Gladbeck's citizens can open the
// form. Adopting again updates the offering, as the back office does.
func TestAdoptionAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts, uc := newPortal(t, db)
		uc.Identity.SeedDemo(context.Background())
		var lib struct {
			Templates []struct{ ID, Service, Owner string }
		}
		getJSON(t, ts.URL+"/api/v1/templates", 200, &lib)
		tpl := ""
		for _, x := range lib.Templates {
			if x.Service == "hundeanmeldung" && x.Owner == "Stadt Dorsten" {
				tpl = x.ID
			}
		}
		if tpl == "" {
			t.Fatal("Dorsten's Hundeanmeldung is not in the library")
		}
		if b := newBrowser(t, ts).get("/gladbeck/antrag/hundeanmeldung"); b.code != 404 {
			t.Fatalf("Gladbeck's form before adoption: %d", b.code)
		}
		as := map[string]*browser{"anonymous": newBrowser(t, ts)}
		for who, email := range map[string]string{"loki": "gladbeck-loki@demo.example", "caseworker": "gladbeck-sachbearbeitung@demo.example",
			"dorsten-loki": "dorsten-loki@demo.example"} {
			as[who] = newBrowser(t, ts)
			staffLogin(t, as[who], email)
		}
		const path = "/api/v1/tenants/gladbeck/offerings"
		good := `{"template_id": "` + tpl + `", "version": 1, "fee_cents": 1250, "office": "Fachbereich Finanzen",
			"phone": "02043 99-0", "email": "steuern@gladbeck.example", "opening_hours": "Mo–Fr 8–12 Uhr", "extra_text": "Bitte Chipnummer bereithalten."}`
		const ctJSON = "application/json"
		steps := []struct {
			name, who, path, contentType, body string
			want                               int
			contains                           []string
		}{
			{"not logged in", "anonymous", path, ctJSON, good, 401, []string{"Anmeldung erforderlich"}},
			{"caseworker", "caseworker", path, ctJSON, good, 403, []string{"Keine Berechtigung"}},
			{"neighbour's coordinator", "dorsten-loki", path, ctJSON, good, 403, []string{"Keine Berechtigung"}},
			{"unknown tenant", "loki", "/api/v1/tenants/atlantis/offerings", ctJSON, good, 404, []string{"nicht gefunden"}},
			{"form post instead of JSON", "loki", path, "application/x-www-form-urlencoded", "template_id=" + tpl, 415, []string{"Nur JSON"}},
			{"fee in words", "loki", path, ctJSON, `{"template_id": "` + tpl + `", "fee_cents": "zwölf"}`, 400, []string{"Gebühr in Cent"}},
			{"fee with cents fraction", "loki", path, ctJSON, `{"template_id": "` + tpl + `", "fee_cents": 12.5}`, 400, []string{"Gebühr in Cent"}},
			{"negative fee", "loki", path, ctJSON, `{"template_id": "` + tpl + `", "fee_cents": -1}`, 400, []string{"zwischen 0 und"}},
			{"fee over the cap", "loki", path, ctJSON, `{"template_id": "` + tpl + `", "fee_cents": 10000001}`, 400, []string{"100.000 €"}},
			{"unknown field", "loki", path, ctJSON, `{"template_id": "` + tpl + `", "fee": "12,50"}`, 400, []string{"Unbekanntes Feld"}},
			{"broken JSON", "loki", path, ctJSON, `{"template_id": `, 400, []string{"JSON-Objekt"}},
			{"no template", "loki", path, ctJSON, `{"office": "Rathaus"}`, 400, []string{"template_id fehlt"}},
			{"bad e-mail", "loki", path, ctJSON, `{"template_id": "` + tpl + `", "email": "steuern at gladbeck"}`, 400, []string{"E-Mail-Adresse"}},
			{"unknown template", "loki", path, ctJSON, `{"template_id": "00000000000000000000000000"}`, 404, []string{"Vorlage nicht gefunden"}},
			{"unknown version", "loki", path, ctJSON, `{"template_id": "` + tpl + `", "version": 99}`, 404, []string{"Fassung nicht gefunden"}},
			{"adopted", "loki", path, ctJSON, good, 201, []string{`"fee_cents": 1250`, `"office": "Fachbereich Finanzen"`, `"service": "hundeanmeldung"`, `"version": 1`}},
			{"adopted again", "loki", path, ctJSON, good, 200, []string{`"fee_cents": 1250`}},
			{"latest version, other office", "loki", path, ctJSON, `{"template_id": "` + tpl + `", "office": "Bürgerbüro"}`, 200, []string{`"office": "Bürgerbüro"`}},
		}
		var firstID string
		for _, st := range steps {
			b := as[st.who].postJSON(st.path, st.contentType, st.body)
			if b.code != st.want {
				t.Fatalf("%s: status %d, want %d\n%s", st.name, b.code, st.want, b.body)
			}
			for _, c := range st.contains {
				if !strings.Contains(b.body, c) {
					t.Errorf("%s: answer lacks %q\n%s", st.name, c, b.body)
				}
			}
			if st.want < 300 {
				var o struct{ ID string }
				if err := json.Unmarshal([]byte(b.body), &o); err != nil || o.ID == "" {
					t.Fatalf("%s: offering %q: %v", st.name, b.body, err)
				}
				if firstID == "" {
					firstID = o.ID
				} else if o.ID != firstID {
					t.Errorf("%s: re-adoption made a second offering %s (first %s)", st.name, o.ID, firstID)
				}
			} else if !strings.Contains(b.body, `"status": `) && !strings.Contains(b.body, `"status":`) {
				t.Errorf("%s: not a problem document: %s", st.name, b.body)
			}
		}
		citizen := newBrowser(t, ts)
		citizen.get("/gladbeck/leistungen/hundeanmeldung").expect(200, "Online beantragen", "Bürgerbüro")
		citizen.get("/gladbeck/antrag/hundeanmeldung").expect(200)
		citizen.post("/gladbeck/antrag/hundeanmeldung", url.Values{}).expect(200, "Schritt 1 von")
	})
}
