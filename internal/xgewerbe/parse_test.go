package xgewerbe

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "kosit", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParseFixtures runs KoSIT's examples: the valid ones render, the
// invalid ones are refused with the reason their test case is about.
func TestParseFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file    string
		version string
		arten   []Art
		// want lists substrings of the refusal, each with its line.
		want []string
	}{
		{file: "xgwa1.3-valid.xml", version: "1.3", arten: []Art{Anmeldung}},
		{file: "xgwa2.0-valid.xml", version: "2.0", arten: []Art{Anmeldung}},
		{file: "xgwa2.1-valid.xml", version: "2.1", arten: []Art{Abmeldung}},
		{file: "xgwa2.2-valid.xml", version: "2.2", arten: []Art{Anmeldung}},
		{file: "xgwa1.3-invalid-sch.xml", want: []string{"Zeile 67, Element satz: Das Pflichtelement Autor fehlt."}},
		{file: "xgwa1.3-invalid-xsd.xml", want: []string{
			"Zeile 2, Element DatML-RAW-D: Das Pflichtelement absender fehlt.",
			"Zeile 20, Element xabsender: Das Element xabsender ist in einer DatML-RAW-Lieferung nicht vorgesehen.",
		}},
		{file: "xgwa2.0-invalid-sch.xml", want: []string{"Zeile 105, Element gewerbe: Bei einer Anmeldung ist die Anschrift der Betriebsstätte (anschrift) Pflicht."}},
		{file: "xgwa2.0-invalid-xsd.xml", want: []string{
			"Zeile 193, Element telefonVorwahl: Das Element telefonVorwahl ist in einer Anschrift nicht vorgesehen",
			"Zeile 194, Element telefonNummer:",
			"Zeile 425, Element telefonVorwahl:",
			"Zeile 426, Element telefonNummer:",
		}},
		{file: "xgwa2.1-invalid-sch.xml", want: []string{"Zeile 117, Element gewerbe: Bei einer Anmeldung ist die Art des Betriebs (betriebArt"}},
		{file: "xgwa2.1-invalid-xsd.xml", want: []string{"Zeile 82, Element anmeldung: Das Pflichtelement satzErstellung fehlt."}},
		{file: "xgwa2.2-invalid.xml", want: []string{
			"Zeile 118, Element gewerbe: Bei einer Anmeldung ist die Art des Betriebs",
			"Zeile 168, Element beteiligtePerson: Das Pflichtelement familienname fehlt.",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			a, err := Parse(bytes.NewReader(readFixture(t, tt.file)))
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if a.Version != tt.version {
					t.Errorf("Version = %q, want %q", a.Version, tt.version)
				}
				var arten []Art
				for _, m := range a.Meldungen {
					arten = append(arten, m.Art)
				}
				if !equalArten(arten, tt.arten) {
					t.Errorf("Meldungen = %v, want %v", arten, tt.arten)
				}
				return
			}
			var inv *InvalidError
			if !errors.As(err, &inv) {
				t.Fatalf("Parse error = %v, want *InvalidError", err)
			}
			if len(inv.Problems) != len(tt.want) {
				t.Errorf("got %d problems, want %d:\n%s", len(inv.Problems), len(tt.want), inv.Reason())
			}
			reason := inv.Reason()
			for _, w := range tt.want {
				if !strings.Contains(reason, w) {
					t.Errorf("reason lacks %q:\n%s", w, reason)
				}
			}
		})
	}
}

func equalArten(a, b []Art) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestParseValidContent(t *testing.T) {
	t.Parallel()
	a, err := Parse(bytes.NewReader(readFixture(t, "xgwa2.2-valid.xml")))
	if err != nil {
		t.Fatal(err)
	}
	m := a.Meldungen[0]
	checks := []struct{ name, got, want string }{
		{"Nachricht", a.Nachricht, "abh.gewerbemeldung.0500"},
		{"Nachrichtentyp", a.Nachrichtentyp, "0500"},
		{"Leser", a.Leser.Praefix + " " + a.Leser.Kennung, "azr 000100"},
		{"AGS", m.GemeindeSchluessel, "12052000"},
		{"Betrieb", m.Gewerbe.Betrieb.Name, "Tibor Pick e.K."},
		{"Rechtsform", m.Gewerbe.Betrieb.Rechtsform, "170"},
		{"Person", m.Gewerbe.Personen[0].Name(), "Tibor Pick"},
		{"Geburtsdatum", m.Gewerbe.Personen[0].Geburtsdatum.String(), "12.10.1965"},
		{"Tätigkeit", m.Taetigkeit.Schwerpunkt, "Friseur"},
		{"Weitere", strings.Join(m.Taetigkeit.Weitere, "|"), "Verkauf von Haarpflegeprodukten|Make-up-Beratung"},
		{"Beginn", m.GueltigAb.String(), "01.08.2016"},
		{"Betriebsstätte", m.Gewerbe.Betriebsstaette.String(), "Spremberger Str. 90\n03046 Cottbus"},
		{"Erstellt", a.Erstellt.UTC().Format("2006-01-02T15:04"), "2019-10-23T22:00"},
		{"Grund", strings.Join(m.Gruende, ","), "01"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
}

// TestParse13Mapping checks that the DatML-RAW names land where the 2.x
// ones do, including the 1.x address contacts.
func TestParse13Mapping(t *testing.T) {
	t.Parallel()
	a, err := Parse(bytes.NewReader(readFixture(t, "xgwa1.3-valid.xml")))
	if err != nil {
		t.Fatal(err)
	}
	m := a.Meldungen[0]
	g := m.Gewerbe
	if !g.Art.Handwerk || g.Art.Handel {
		t.Errorf("BetriebArt = %+v", g.Art)
	}
	if got := m.DatumMeldung.String(); got != "02.04.2012" {
		t.Errorf("DatumMeldung = %q", got)
	}
	if got := m.SatzErstellung.Format("2006-01-02 15:04:05 MST"); got != "2016-07-04 17:54:42 CEST" {
		t.Errorf("SatzErstellung = %q", got)
	}
	if m.Autor.Name != "Testgemeinde" || m.Autor.Kennung != "12052000" {
		t.Errorf("Autor = %+v", m.Autor)
	}
	want := []Kontakt{{"02", "0355 333555"}, {"04", "0355 333556"}, {"01", "pick-friseur@online.de"}, {"09", "http://pick-friseur.de"}}
	if len(g.Kontakte) != len(want) {
		t.Fatalf("Kontakte = %v", g.Kontakte)
	}
	for i := range want {
		if g.Kontakte[i] != want[i] {
			t.Errorf("Kontakt %d = %v, want %v", i, g.Kontakte[i], want[i])
		}
	}
	if g.Betriebsstaette.PLZ != "03046" || g.Personen[0].Anschrift.Ort != "Cottbus" {
		t.Errorf("addresses: %+v / %+v", g.Betriebsstaette, g.Personen[0].Anschrift)
	}
}

// TestParseHostile checks that hostile or broken input is refused with a
// reason, never expanded or accepted.
func TestParseHostile(t *testing.T) {
	t.Parallel()
	valid := string(readFixture(t, "xgwa2.2-valid.xml"))
	deep := "<a>" + strings.Repeat("<b>", maxDepth+1) + strings.Repeat("</b>", maxDepth+1) + "</a>"
	tests := []struct {
		name, in, want string
	}{
		{"xxe", `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>`, "DOCTYPE"},
		{"billion laughs", `<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><l>&b;</l>`, "DOCTYPE"},
		{"undeclared entity", `<x>&e;</x>`, "kein wohlgeformtes XML"},
		{"too deep", deep, "tiefer als"},
		{"too big", "<x>" + strings.Repeat(" ", MaxSize) + "</x>", "größer als"},
		{"latin1", `<?xml version="1.0" encoding="ISO-8859-1"?><x/>`, "Zeichenkodierung"},
		{"two roots", `<x/><y/>`, "weiteres Element"},
		{"empty", ``, "leer"},
		{"not xml", `Gewerbeanmeldung`, "Text außerhalb"},
		{"truncated", valid[:len(valid)/2], "kein wohlgeformtes XML"},
		{"wrong namespace", strings.Replace(valid, "spezifikation/2.2", "spezifikation/9.9", 1), "XGewerbeanzeige 9.9 wird nicht unterstützt"},
		{"other xml", `<rechnung xmlns="urn:x"/>`, "keine XGewerbeanzeige-Nachricht"},
		{"version mismatch", strings.Replace(valid, `version="2.2"`, `version="2.1"`, 1), "passt nicht zum Namensraum"},
		{"typ mismatch", strings.Replace(valid, "<code>0500</code>", "<code>0100</code>", 1), "Nachrichtentyp 0100 passt nicht"},
		{"bad uuid", strings.Replace(valid, "5687CF4A-5C7B-43F1-933E-E5A7F69F7967", "abc", 1), "\"abc\" ist keine UUID"},
		{"bad ags", strings.Replace(valid, "<code>12052000</code>\n         </xga:gemeindeSchluessel>", "<code>1205</code>\n         </xga:gemeindeSchluessel>", 1), "nicht aus 8 Ziffern"},
		{"bad date", strings.Replace(valid, "2016-08-01", "01.08.2016", 1), "kein gültiges Datum"},
		{"bad birth date", strings.Replace(valid, "12101965", "19651012", 1), "kein gültiges Geburtsdatum"},
		{"bad time", strings.Replace(valid, "2019-10-24T00:00:00+02:00", "gestern", 1), "kein gültiger Zeitpunkt"},
		{"no satz", valid[:strings.Index(valid, "<xga:satz>")] + "</xga:abh.gewerbemeldung.0500>", "Element satz fehlt"},
		{"no leser key", strings.Replace(valid, "<code>azr</code>", "<code></code>", 1), "Pflichtelement ist leer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(strings.NewReader(tt.in))
			var inv *InvalidError
			if !errors.As(err, &inv) {
				t.Fatalf("Parse error = %v, want *InvalidError", err)
			}
			if !strings.Contains(inv.Reason(), tt.want) {
				t.Errorf("reason = %q, want it to contain %q", inv.Reason(), tt.want)
			}
			if !strings.HasPrefix(err.Error(), "xgewerbe: ") {
				t.Errorf("Error() = %q lacks the package prefix", err.Error())
			}
		})
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestParseReadError(t *testing.T) {
	t.Parallel()
	_, err := Parse(io.MultiReader(strings.NewReader("<x>"), failingReader{}))
	var inv *InvalidError
	if err == nil || errors.As(err, &inv) || !strings.Contains(err.Error(), "connection reset") {
		t.Errorf("Parse error = %v, want the read error", err)
	}
}

func TestInvalidErrorReasonCapsList(t *testing.T) {
	t.Parallel()
	e := &InvalidError{}
	for i := range 12 {
		e.Problems = append(e.Problems, Problem{Line: i + 1, Message: "x"})
	}
	r := e.Reason()
	if !strings.Contains(r, "(12 Fehler)") || !strings.Contains(r, "und 2 weitere") || strings.Contains(r, "Zeile 11") {
		t.Errorf("Reason = %q", r)
	}
}
