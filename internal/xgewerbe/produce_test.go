package xgewerbe

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden file (review the diff against the KoSIT example!)")

// gladbeck is a made-up Anmeldung with every part of KoSIT's 2.2 example.
func gladbeck() Input {
	return Input{
		NachrichtenUUID:  "6f1c2a4e-0b7d-4e3a-9c55-2d8f7e1a9b01",
		AnzeigeUUID:      "c3d2b1a0-8e7f-4d6c-b5a4-93827160f5e4",
		GewerbebetriebID: "9a0e7d3c-5f21-4b8e-a6d4-3c1b2e0f7a55",
		Erstellt:         time.Date(2026, 3, 2, 10, 15, 0, 0, berlin),
		Nachricht:        NachrichtAuslaenderbehoerde,
		Produktversion:   "1.4.0",
		Leser: Behoerde{
			Praefix: "azr", Kennung: "000100",
			KennungListe: "urn:de:xauslaender:codelist:abhkennung", KennungVersion: "14",
			Name:      "Ausländerbehörde (Testdaten)",
			Anschrift: Anschrift{Strasse: "Kurt-Schumacher-Allee", HausNr: "1", PLZ: "45657", Ort: "Recklinghausen"},
			Kontakte:  []Kontakt{{"01", "abh@kreis-re.example"}, {"09", "https://kreis-re.example"}},
		},
		AGS: "05562014",
		Amt: Amt{
			Name:      "Stadt Gladbeck, Gewerbeamt",
			Anschrift: Anschrift{Strasse: "Willy-Brandt-Platz", HausNr: "2", PLZ: "45964", Ort: "Gladbeck"},
			Kontakte:  []Kontakt{{"01", "gewerbe@gladbeck.example"}, {"02", "02043 99-0"}},
		},
		Aktenzeichen: "GEW-2026-0042",
		Betriebsname: "Friseursalon Yılmaz e.K.",
		Rechtsform:   "170",
		Register:     &Registereintrag{Art: "A", Nummer: "4711", Ort: "Gelsenkirchen", PLZ: "45879", Gericht: "Z9999"},
		Betriebsstaette: Anschrift{
			Strasse: "Hochstraße", HausNr: "12", PLZ: "45964", Ort: "Gladbeck", Staat: "276",
		},
		BetriebArt:    BetriebArt{Handwerk: true},
		Niederlassung: "1",
		Vollzeit:      1,
		Teilzeit:      2,
		Handwerkskarte: &Nachweis{
			Status: "1", AusgestelltAm: Date{2025, time.November, 20}, VonPLZ: "48151", VonOrt: "Münster", VonSchluessel: "00099",
		},
		Personen: []Person{{
			Funktion: "1", Familienname: "Yılmaz", Vorname: "Ayşe", Geburtsname: "Demir", Geschlecht: "2",
			Geburtsdatum: Date{1988, time.March, 7}, Geburtsort: "Ankara", Geburtsland: "Türkei",
			Staatsangehoerigkeiten: []string{"163"},
			Anschrift:              Anschrift{Strasse: "Buerer Straße", HausNr: "5", PLZ: "45964", Ort: "Gladbeck", Staat: "276"},
			Kontakte:               []Kontakt{{"02", "02043 123456"}},
			Aufenthaltstitel: &Nachweis{
				Status: "1", AusgestelltAm: Date{2019, time.May, 14}, VonName: "Kreis Recklinghausen", VonPLZ: "45657", VonOrt: "Recklinghausen",
			},
		}},
		Taetigkeit:          "Friseursalon",
		WZ:                  "96021",
		Stichwort:           "Friseurgewerbe (Damen- und Herrenfriseursalons)",
		WeitereTaetigkeiten: []string{"Verkauf von Haarpflegeprodukten", "Kosmetikberatung"},
		Beginn:              Date{2026, time.April, 1},
		Eingang:             Date{2026, time.March, 2},
		Grund:               "01",
	}
}

// TestProduceGolden compares with testdata/golden/anmeldung-2.2.xml, which
// was written by hand from KoSIT's xgwa2.2-valid.xml (same elements in the
// same order; only the municipal street key is left out).
func TestProduceGolden(t *testing.T) {
	t.Parallel()
	got, err := Produce(gladbeck())
	if err != nil {
		t.Fatal(err)
	}
	matchGolden(t, "anmeldung-2.2.xml", got)
}

// matchGolden compares got with testdata/golden/name; -update rewrites the
// file first.
func matchGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Produce differs from %s:\n%s", path, lineDiff(string(want), string(got)))
	}
}

// TestProduceRoundTrip checks Parse(Produce(x)) == x.
func TestProduceRoundTrip(t *testing.T) {
	t.Parallel()
	minimal := Input{
		NachrichtenUUID: "11111111-2222-4333-8444-555555555555", AnzeigeUUID: "21111111-2222-4333-8444-555555555555",
		GewerbebetriebID: "31111111-2222-4333-8444-555555555555",
		Erstellt:         time.Date(2026, 7, 1, 8, 0, 0, 0, berlin), Nachricht: NachrichtAllgemein,
		Leser: Behoerde{Praefix: "xga", Kennung: "121499900001", Name: "Verteilplattform"},
		AGS:   "05562012", Amt: Amt{Name: "Stadt Dorsten"},
		Betriebsname: "Kiosk am Markt", Rechtsform: "180",
		Betriebsstaette: Anschrift{Strasse: "Markt", HausNr: "3", PLZ: "46282", Ort: "Dorsten"},
		BetriebArt:      BetriebArt{Handel: true}, Niederlassung: "1", Nebenerwerb: true,
		Personen:   []Person{{Funktion: "1", Familienname: "Becker", Vorname: "Jonas", Geburtsdatum: Date{Year: 1990, Month: time.May}}},
		Taetigkeit: "Einzelhandel mit Zeitschriften & Süßwaren <Kiosk>",
		Beginn:     Date{2026, time.August, 1}, Eingang: Date{2026, time.July, 1}, Grund: "01",
	}
	for name, in := range map[string]Input{"gladbeck": gladbeck(), "minimal": minimal} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out, err := Produce(in)
			if err != nil {
				t.Fatal(err)
			}
			a, err := Parse(bytes.NewReader(out))
			if err != nil {
				t.Fatalf("Parse(Produce): %v", err)
			}
			back, err := a.AsInput()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, in) {
				t.Errorf("round trip changed the input:\n got %+v\nwant %+v", back, in)
			}
		})
	}
}

// TestEncodeReproducesExample re-encodes the parsed 2.2 example: every
// element, attribute and value must come back in the same order, which
// shows that the model and writer cover the example completely.
func TestEncodeReproducesExample(t *testing.T) {
	t.Parallel()
	src := readFixture(t, "xgwa2.2-valid.xml")
	a, err := Parse(bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	want, got := outline(t, src), outline(t, encode22(a))
	if want != got {
		t.Errorf("re-encoded example differs:\n%s", lineDiff(want, got))
	}
}

// outline lists a document's elements with attributes and trimmed text.
func outline(t *testing.T, doc []byte) string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	var b strings.Builder
	depth := 0
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch x := tok.(type) {
		case xml.StartElement:
			fmt.Fprintf(&b, "%s%s", strings.Repeat(" ", depth), x.Name.Local)
			for _, at := range x.Attr {
				fmt.Fprintf(&b, " %s=%q", at.Name.Local, at.Value)
			}
			b.WriteByte('\n')
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if s := strings.TrimSpace(string(x)); s != "" {
				fmt.Fprintf(&b, "%s= %s\n", strings.Repeat(" ", depth), s)
			}
		}
	}
	return b.String()
}

func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("first difference at line %d:\nwant: %s\n got: %s", i+1, wl, gl)
		}
	}
	return "(no difference)"
}

func TestProduceRefusesIncompleteInput(t *testing.T) {
	t.Parallel()
	in := gladbeck()
	in.AGS = "5562014"
	in.Personen[0].Familienname = ""
	in.Taetigkeit = ""
	in.AnzeigeUUID = "nope"
	_, err := Produce(in)
	if err == nil {
		t.Fatal("Produce accepted incomplete input")
	}
	for _, w := range []string{"Gemeindeschlüssel (AGS", "Familienname der Person 1 fehlt", "Tätigkeit fehlt", "UUID der Anzeige fehlt oder ist keine UUID"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
}

func TestProduceDefaults(t *testing.T) {
	t.Parallel()
	in := gladbeck()
	in.Nachricht, in.Niederlassung, in.Grund, in.Eingang = "", "", "", Date{}
	out, err := Produce(in)
	if err != nil {
		t.Fatal(err)
	}
	a, err := Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	m := a.Meldungen[0]
	if a.Nachricht != NachrichtAllgemein || a.Nachrichtentyp != "0300" || m.Gewerbe.Niederlassung != "1" ||
		m.Gruende[0] != "01" || m.DatumMeldung != (Date{2026, time.March, 2}) {
		t.Errorf("defaults not applied: %s %s %s %v %v", a.Nachricht, a.Nachrichtentyp, m.Gewerbe.Niederlassung, m.Gruende, m.DatumMeldung)
	}
	if m.Gewerbe.Betrieb.Name != "Friseursalon Yılmaz e.K." {
		t.Errorf("registered name = %q", m.Gewerbe.Betrieb.Name)
	}
}
