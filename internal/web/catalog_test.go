package web_test

import (
	"net/http"
	"testing"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

func TestCataloguePages(t *testing.T) {
	t.Parallel()
	scenarios := []scenario{
		{name: "A–Z on the region", path: "/leistungen", wantStatus: 200, contains: []string{"Leistungen von A bis Z", `href="/leistungen/hundeanmeldung"`, "Themen"}},
		{name: "A–Z in Dorsten marks Kreis services", path: "/dorsten/leistungen", wantStatus: 200, contains: []string{`href="/dorsten/leistungen/kfz-zulassen"`, "Zuständig: Kreis Recklinghausen"}},
		{name: "topic", path: "/themen/mobilitaet-reisen", wantStatus: 200, contains: []string{"Mobilität", "kfz-zulassen"}},
		{name: "unknown topic", path: "/themen/gibt-es-nicht", wantStatus: 404},
		{name: "search", path: "/suche?q=hund+anmelden", wantStatus: 200, contains: []string{`href="/leistungen/hundeanmeldung"`}},
		{name: "search in Dorsten", path: "/dorsten/suche?q=Fuehrerschein", wantStatus: 200, contains: []string{"/dorsten/leistungen/fuehrerschein"}},
		{name: "search without words", path: "/suche?q=", wantStatus: 422, contains: []string{"Geben Sie ein, was Sie erledigen möchten", `aria-invalid="true"`}},
		{name: "search without result", path: "/suche?q=xyzzy", wantStatus: 200, contains: []string{"Keine Leistung", "Häufig gesucht"}},
		{name: "service on the region asks where", path: "/leistungen/hundeanmeldung", wantStatus: 200,
			contains: []string{"Wo wohnen Sie?", "Beschreibung", `"@type":"GovernmentService"`, "LeiKa"}},
		{name: "Dorsten postcode → Dorsten for dogs", path: "/leistungen/hundeanmeldung/zustaendigkeit?q=46282", wantStatus: 303, contains: []string{"/dorsten/leistungen/hundeanmeldung"}},
		{name: "Dorsten postcode → Kreis for cars", path: "/leistungen/kfz-zulassen/zustaendigkeit?q=46282", wantStatus: 303, contains: []string{"/kreis-recklinghausen/leistungen/kfz-zulassen"}},
		{name: "Gelsenkirchen handles cars itself", path: "/leistungen/kfz-zulassen/zustaendigkeit?q=45879", wantStatus: 303, contains: []string{"/gelsenkirchen/leistungen/kfz-zulassen"}},
		{name: "unknown place", path: "/leistungen/hundeanmeldung/zustaendigkeit?q=Bochum", wantStatus: 422, contains: []string{"kennen wir keinen Ort"}},
		{name: "no place", path: "/leistungen/hundeanmeldung/zustaendigkeit?q=", wantStatus: 422, contains: []string{"Postleitzahl"}},
		{name: "city page for its service", path: "/dorsten/leistungen/hundeanmeldung", wantStatus: 200, contains: []string{"Zuständige Stelle", "Halterner Straße", "So erledigen Sie das"}},
		{name: "city page for a Kreis service", path: "/dorsten/leistungen/kfz-zulassen", wantStatus: 200, contains: []string{"Zuständig ist der Kreis Recklinghausen", `href="/kreis-recklinghausen/leistungen/kfz-zulassen"`}},
		{name: "Kreis page for its service", path: "/kreis-recklinghausen/leistungen/kfz-zulassen", wantStatus: 200, contains: []string{"Zuständige Stelle", "Kreis Recklinghausen"}},
		{name: "external link carries the AGS", path: "/dorsten/leistungen/gewerbe-anmelden", wantStatus: 200, contains: []string{"ars=055620012012", "99050012104000", "Weiter zum"}},
		{name: "unknown service", path: "/leistungen/gibt-es-nicht", wantStatus: 404},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts := newServer(t, db)
		for _, sc := range scenarios {
			sc.run(t, ts)
		}
	})
}

func TestCatalogueAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts := newServer(t, db)
		var search struct {
			Results []struct {
				Own     bool
				Service struct{ Slug string }
			}
		}
		getJSON(t, ts.URL+"/api/v1/search?q=Perso+verl%C3%A4ngern", 200, &search)
		if len(search.Results) == 0 || search.Results[0].Service.Slug != "personalausweis-beantragen" {
			t.Errorf("search Perso: %+v", search.Results)
		}
		getJSON(t, ts.URL+"/api/v1/search?q=auto+zulassen&tenant=dorsten", 200, &search)
		if len(search.Results) == 0 || search.Results[0].Service.Slug != "kfz-zulassen" {
			t.Errorf("search auto zulassen in Dorsten: %+v", search.Results)
		}

		var svc struct {
			Slug    string
			LeiKa   string `json:"leika_key"`
			Modules struct{ Volltext string }
		}
		getJSON(t, ts.URL+"/api/v1/services/hundeanmeldung", 200, &svc)
		if svc.Modules.Volltext == "" {
			t.Errorf("service without description: %+v", svc)
		}

		var routes struct {
			Count  int
			Routes []struct {
				DestinationShortName string
				Address              struct{ Zip string }
				CustomParameters     map[string]string
			}
		}
		getJSON(t, ts.URL+"/api/v1/routes?leikaKey="+svc.LeiKa+"&ars=055620012012", 200, &routes)
		if routes.Count != 1 || routes.Routes[0].DestinationShortName != "Dorsten" || routes.Routes[0].CustomParameters["ags"] != "05562012" {
			t.Errorf("routes for dogs in Dorsten: %+v", routes)
		}
		var problem struct{ Status int }
		getJSON(t, ts.URL+"/api/v1/routes?leikaKey=12&ars=055620012012", 400, &problem)

		var list struct {
			Services []struct {
				Slug        string
				Responsible struct{ Slug string }
			}
		}
		getJSON(t, ts.URL+"/api/v1/tenants/dorsten/services", 200, &list)
		found := false
		for _, s := range list.Services {
			if s.Slug == "kfz-zulassen" {
				found = s.Responsible.Slug == "kreis-recklinghausen"
			}
		}
		if !found {
			t.Errorf("Dorsten's list lacks kfz-zulassen handled by the Kreis")
		}
	})
}

// TestRegionToCityJourney follows a citizen from the regional search to the
// responsible authority's page, as the issue describes it.
func TestRegionToCityJourney(t *testing.T) {
	t.Parallel()
	ts := newServer(t, storetest.Open(t, store.SQLite))
	resp, err := http.Get(ts.URL + "/leistungen/hundeanmeldung/zustaendigkeit?q=46282")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Request.URL.Path != "/dorsten/leistungen/hundeanmeldung" {
		t.Fatalf("ended at %s", resp.Request.URL.Path)
	}
}
