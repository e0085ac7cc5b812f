package xgewerbe

import (
	"bytes"
	"strings"
	"testing"
)

func rowsOf(secs []Section) map[string]string {
	m := map[string]string{}
	for _, s := range secs {
		for _, r := range s.Rows {
			m[s.Title+"/"+r.Label] = r.Value
		}
	}
	return m
}

func titles(secs []Section) []string {
	var out []string
	for _, s := range secs {
		out = append(out, s.Title)
	}
	return out
}

func TestSectionsAnmeldung(t *testing.T) {
	t.Parallel()
	a, err := Parse(bytes.NewReader(readFixture(t, "xgwa2.2-valid.xml")))
	if err != nil {
		t.Fatal(err)
	}
	secs := a.Sections()
	wantTitles := "Nachricht|Art der Anzeige|Betrieb|Inhaber/Gesellschafter|Tätigkeit|Beginn|Betriebsstätte|Zuständige Behörde"
	if got := strings.Join(titles(secs), "|"); got != wantTitles {
		t.Errorf("titles = %s\nwant     %s", got, wantTitles)
	}
	rows := rowsOf(secs)
	want := map[string]string{
		"Nachricht/Art der Anzeige":                  "Gewerbe-Anmeldung",
		"Nachricht/Standard":                         "XGewerbeanzeige 2.2",
		"Nachricht/Erstellt am":                      "24.10.2019, 00:00 Uhr",
		"Art der Anzeige/Art der Anzeige":            "Gewerbe-Anmeldung (GewA 1)",
		"Art der Anzeige/Grund":                      "Neuerrichtung/Neugründung (01)",
		"Betrieb/Name (Registereintrag)":             "Tibor Pick e.K.",
		"Betrieb/Rechtsform":                         "Eingetragener Kaufmann / eingetragene Kauffrau (e. K.) (170)",
		"Betrieb/Art des Betriebs":                   "Handwerk",
		"Betrieb/Niederlassung":                      "Hauptniederlassung (1)",
		"Betrieb/Handwerkskarte":                     "liegt vor (1), ausgestellt am 01.03.2012, von 03046 Cottbus, Stelle 00007",
		"Inhaber/Gesellschafter/Name":                "Tibor Pick",
		"Inhaber/Gesellschafter/Geburtsdatum":        "12.10.1965",
		"Inhaber/Gesellschafter/Anschrift":           "Ewald-Hase-Str. 4\n03044 Cottbus",
		"Inhaber/Gesellschafter/Staatsangehörigkeit": "Schlüssel 332",
		"Tätigkeit/Schwerpunkt der Tätigkeit":        "Friseur",
		"Tätigkeit/Wirtschaftszweig (WZ 2008)":       "96.02.1 – Friseurgewerbe (Damen- und Herrenfriseursalons)",
		"Tätigkeit/Weitere Tätigkeiten":              "Verkauf von Haarpflegeprodukten\nMake-up-Beratung",
		"Beginn/Beginn der Tätigkeit":                "01.08.2016",
		"Beginn/Datum der Anzeige":                   "02.07.2016",
		"Betriebsstätte/Anschrift":                   "Spremberger Str. 90\n03046 Cottbus",
		"Zuständige Behörde/Behörde":                 "Gewerbeamt Cottbus",
		"Zuständige Behörde/Gemeindeschlüssel (AGS)": "12052000",
		"Zuständige Behörde/Behördenkennung":         "MELDID 12052000",
	}
	for k, w := range want {
		if rows[k] != w {
			t.Errorf("%s = %q, want %q", k, rows[k], w)
		}
	}
	for _, s := range secs {
		for _, r := range s.Rows {
			if r.Value == "" || r.Label == "" {
				t.Errorf("empty row in %s: %+v", s.Title, r)
			}
		}
	}
}

// TestSectionsSeveralMeldungen uses KoSIT's 2.1 Anmeldung+Ummeldung
// example, repaired (its first Satz lacks satzErstellung).
func TestSectionsSeveralMeldungen(t *testing.T) {
	t.Parallel()
	src := strings.Replace(string(readFixture(t, "xgwa2.1-invalid-xsd.xml")),
		"<xga:anmeldung>", "<xga:anmeldung><xga:satzErstellung>2017-07-07T09:00:00+00:00</xga:satzErstellung>", 1)
	a, err := Parse(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	secs := a.Sections()
	rows := rowsOf(secs)
	want := map[string]string{
		"Nachricht/Art der Anzeige":                                            "Gewerbe-Anmeldung, Gewerbe-Ummeldung",
		"Meldung 1 von 2 (Gewerbe-Anmeldung): Beginn/Beginn der Tätigkeit":     "01.08.2017",
		"Meldung 2 von 2 (Gewerbe-Ummeldung): Wirksamkeit/Änderung wirksam ab": "01.12.2017",
		"Meldung 2 von 2 (Gewerbe-Ummeldung): Tätigkeit/Neu ausgeübt":          "Ja",
		"Meldung 2 von 2 (Gewerbe-Ummeldung): Art der Anzeige/Grund":           "Schlüssel 02",
		"Meldung 1 von 2 (Gewerbe-Anmeldung): Betrieb/Rechtsform":              "Gesellschaft mit beschränkter Haftung (GmbH) (350)",
		"Meldung 1 von 2 (Gewerbe-Anmeldung): Inhaber/Gesellschafter/Funktion": "Gesetzliche/r Vertreter/in (3)",
		"Meldung 1 von 2 (Gewerbe-Anmeldung): Betrieb/Anzahl der Beteiligten":  "1",
	}
	for k, w := range want {
		if rows[k] != w {
			t.Errorf("%s = %q, want %q", k, rows[k], w)
		}
	}
}

func TestSectionsAbmeldungAndDatML(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want map[string]string
	}{
		{"xgwa2.1-valid.xml", map[string]string{
			"Aufgabe/Aufgabe des Betriebs zum":      "20.07.2017",
			"Art der Anzeige/Art der Anzeige":       "Gewerbe-Abmeldung (GewA 3)",
			"Betrieb/Geschäftsbezeichnung":          "DJ Rei Z",
			"Inhaber/Gesellschafter/Name":           "Dr. Wolfgang Rais",
			"Art der Anzeige/Ursache der Abmeldung": "Schlüssel 17",
		}},
		{"xgwa1.3-valid.xml", map[string]string{
			"Nachricht/Standard":         "XGewerbeanzeige 1.3",
			"Nachricht/Nachrichtentyp":   "DatML-RAW-Lieferung, Satzart ASID",
			"Betrieb/Fax":                "0355 333556",
			"Zuständige Behörde/Behörde": "Testgemeinde",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			a, err := Parse(bytes.NewReader(readFixture(t, tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			rows := rowsOf(a.Sections())
			for k, w := range tt.want {
				if rows[k] != w {
					t.Errorf("%s = %q, want %q", k, rows[k], w)
				}
			}
		})
	}
}
