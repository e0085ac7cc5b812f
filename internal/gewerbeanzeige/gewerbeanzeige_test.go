package gewerbeanzeige

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/fitconnect"
	"github.com/serviceportal/serviceportal/internal/seed"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/tenant"
	"github.com/serviceportal/serviceportal/internal/xgewerbe"
)

// soleTrader are the answers of a sole trader's Gewerbe-Anmeldung as the
// form engine exports them (numbers as JSON gives them back).
func soleTrader(anlass string) map[string]any {
	return map[string]any{
		"F91300012": "180", "F91300031": "Horster Straße", "F91300032": "3", "F91300033": "45968", "F91300034": "Gladbeck",
		"F91300041": float64(0), "F91300042": float64(0), "F91300051": "Fahrradreparatur", "F91300064": true,
		"F91300081": "2026-06-01", "F91300082": false, "F91300083": anlass,
		"G91300100": []any{map[string]any{"F91300101": "1", "F91300102": "Mia", "F91300103": "Schulz", "F91300105": "x",
			"F91300106": "1995-02-01", "F91300107": "Gladbeck", "F91300108": "Deutschland", "F91300109": "000",
			"F91300121": "Horster Straße", "F91300122": "3", "F91300123": "45968", "F91300124": "Gladbeck"}},
		"F90000021": "mia@example.org",
	}
}

// gladbeckSubmission is a Gewerbe-Anmeldung in the seeded Gladbeck.
func gladbeckSubmission(t *testing.T, db *store.DB, values map[string]any) (*Maker, submission.Submission) {
	t.Helper()
	ctx := context.Background()
	if _, err := seed.All(ctx, db); err != nil {
		t.Fatal(err)
	}
	dir := tenant.NewDirectory(db)
	cat := catalog.New(db, dir)
	gladbeck, err := dir.BySlug(ctx, "gladbeck")
	if err != nil {
		t.Fatal(err)
	}
	svc, err := cat.BySlug(ctx, "gewerbeanmeldung")
	if err != nil {
		t.Fatal(err)
	}
	return New(dir, cat), submission.Submission{ID: "01JQ0000000000000000000001", TenantID: gladbeck.ID, ServiceID: svc.ID,
		FormID: xgewerbe.FormID, FormVersion: "1", TrackingNumber: "GLA-2026-000007",
		SubmittedAt: time.Date(2026, 5, 20, 9, 30, 0, 0, time.UTC), Values: values}
}

func TestMessage(t *testing.T) {
	t.Parallel()
	m, sub := gladbeckSubmission(t, storetest.Open(t, store.SQLite), soleTrader("01"))
	ctx := context.Background()
	out, err := m.Message(ctx, sub)
	if err != nil {
		t.Fatal(err)
	}
	a, err := xgewerbe.Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	mel := a.Meldungen[0]
	// The author is Gladbeck's Gewerbeamt with the offering's contacts.
	au := mel.Autor
	kontakte := []xgewerbe.Kontakt{{Kanal: "01", Wert: "gewerbe@gladbeck.example"}, {Kanal: "02", Wert: "02043 99-0"}}
	if au.Kennung != "05562014" || au.Name != "Stadt Gladbeck, Gewerbeamt" ||
		au.Anschrift != (xgewerbe.Anschrift{Strasse: "Willy-Brandt-Platz", HausNr: "2", PLZ: "45964", Ort: "Gladbeck"}) ||
		!slices.Equal(au.Kontakte, kontakte) {
		t.Errorf("author = %+v", au)
	}
	if mel.GemeindeMeldungNr != "GLA-2026-000007" || mel.DatumMeldung != (xgewerbe.Date{Year: 2026, Month: time.May, Day: 20}) ||
		mel.Gewerbe.Personen[0].Geschlecht != "" || !mel.Gewerbe.Art.Sonstiges {
		t.Errorf("Meldung = %+v", mel)
	}

	tests := []struct {
		name   string
		change func(s *submission.Submission)
		want   string
	}{
		{"other form", func(s *submission.Submission) { s.FormID = "hundeanmeldung" }, "keine Gewerbe-Anmeldung"},
		{"answers deleted", func(s *submission.Submission) { s.Values = nil }, "Aufbewahrungsfrist gelöscht"},
		{"reason without key", func(s *submission.Submission) { s.Values = soleTrader("zuzug") },
			"Die XGewerbeanzeige lässt sich nicht erzeugen. Antrag lässt sich nicht als Gewerbeanzeige übernehmen: für den Anlass „Verlegung aus einer anderen Gemeinde“"},
	}
	for _, tt := range tests {
		s := sub
		tt.change(&s)
		_, err := m.Message(ctx, s)
		var u *Unconvertible
		if !errors.As(err, &u) || !strings.Contains(u.Reason, tt.want) {
			t.Errorf("%s: err = %v, want Unconvertible with %q", tt.name, err, tt.want)
		}
	}
}

func TestEnrichFITConnect(t *testing.T) {
	t.Parallel()
	m, sub := gladbeckSubmission(t, storetest.Open(t, store.SQLite), soleTrader("01"))
	json := fitconnect.SubmissionSchema{SchemaURI: "urn:serviceportal:form:gewerbeanmeldung:1", MimeType: "application/json"}
	own := fitconnect.SubmissionSchema{SchemaURI: "https://schema.example/gewerbe.json", MimeType: "application/json"}
	tests := []struct {
		name    string
		change  func(s *submission.Submission)
		schema  fitconnect.SubmissionSchema
		wantXML bool
	}{
		{"Gewerbe-Anmeldung", func(*submission.Submission) {}, json, true},
		{"target names its own schema", func(*submission.Submission) {}, own, false},
		{"other form", func(s *submission.Submission) { s.FormID = "hundeanmeldung" }, json, false},
		{"not convertible", func(s *submission.Submission) { s.Values = soleTrader("rechtsform") }, json, false},
	}
	for _, tt := range tests {
		s := sub
		tt.change(&s)
		fs := fitconnect.Submission{Data: []byte(`{"json":true}`), DataSchema: tt.schema}
		if err := m.EnrichFITConnect(context.Background(), s, &fs); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		switch {
		case tt.wantXML:
			if fs.DataSchema != (fitconnect.SubmissionSchema{SchemaURI: "http://www.xgewerbeanzeige.de/spezifikation/2.2", MimeType: "application/xml"}) ||
				!bytes.HasPrefix(fs.Data, []byte("<?xml")) {
				t.Errorf("%s: schema %+v, data %.40s", tt.name, fs.DataSchema, fs.Data)
			}
		case fs.DataSchema != tt.schema || string(fs.Data) != `{"json":true}`:
			t.Errorf("%s: submission changed: %+v %s", tt.name, fs.DataSchema, fs.Data)
		}
	}
}
