package receipt

import (
	"bytes"
	"crypto/sha512"
	"encoding/hex"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// needTool skips when a poppler tool is missing, except on CI where the
// tools are installed and a missing one is an error.
func needTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not found (apt-get install -y poppler-utils): %v", name, err)
		}
		t.Skipf("%s not installed (apt-get install -y poppler-utils)", name)
	}
	return p
}

// runTool feeds pdf to a poppler tool that reads "-" as stdin.
func runTool(t testing.TB, pdf []byte, name string, args ...string) string {
	t.Helper()
	bin := needTool(t, name)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	args = append(args, in)
	if name == "pdftotext" {
		args = append(args, "-")
	}
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v: %s", name, err, stderr.String())
	}
	if s := stderr.String(); s != "" {
		t.Errorf("%s complains: %s", name, s)
	}
	return string(out)
}

// pdfText is the layout text of pdf with whitespace normalised: runs of
// spaces become one, empty lines go, and a page break becomes a marker
// line, so the golden files survive small spacing changes in poppler.
func pdfText(t testing.TB, pdf []byte) string {
	t.Helper()
	raw := runTool(t, pdf, "pdftotext", "-layout", "-enc", "UTF-8")
	var b strings.Builder
	pages := strings.Split(strings.TrimRight(raw, "\f\n"), "\f")
	for i, p := range pages {
		if i > 0 {
			b.WriteString("--- Seitenumbruch ---\n")
		}
		for _, l := range strings.Split(p, "\n") {
			if f := strings.Fields(l); len(f) > 0 {
				b.WriteString(strings.Join(f, " "))
				b.WriteByte('\n')
			}
		}
	}
	return b.String()
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("text of the PDF differs from %s (go test -update rewrites it):\n%s", path, diff(string(want), got))
	}
}

// diff names the first differing line; enough to find a layout change.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return "line " + strconv.Itoa(i+1) + ":\nwant: " + a + "\ngot:  " + b
		}
	}
	return "(no line differs)"
}

func sha(s string) string {
	h := sha512.Sum512([]byte(s))
	return hex.EncodeToString(h[:])
}

// dorsten is the authority of the fixtures.
var dorsten = Authority{
	Name:       "Stadt Dorsten",
	Department: "Fachbereich Finanzen – Steueramt",
	Street:     "Halterner Straße 5",
	Postcode:   "46284",
	City:       "Dorsten",
	Phone:      "+49 2362 66-0",
	Email:      "steueramt@dorsten.de",
	Website:    "https://www.dorsten.de",
}

// hundeanmeldung is a realistic receipt, long enough for two pages.
func hundeanmeldung() Receipt {
	return Receipt{
		Authority:      dorsten,
		ServiceName:    "Hund anmelden (Hundesteuer)",
		LeiKaKey:       "99110009104000",
		TrackingNumber: "DOR-2026-004711",
		SubmittedAt:    time.Date(2026, 11, 28, 13, 3, 27, 0, time.UTC),
		ApplicantName:  "Jürgen Größmann",
		Sections: []Section{
			{Title: "Halterin oder Halter", Rows: []Row{
				{Label: "Anrede", Value: "Herr"},
				{Label: "Vorname", Value: "Jürgen"},
				{Label: "Familienname", Value: "Größmann"},
				{Label: "Geburtsdatum", Value: "03.07.1979"},
				{Label: "Straße und Hausnummer", Value: "Lippestraße 12a"},
				{Label: "Postleitzahl und Ort", Value: "46282 Dorsten-Hervest"},
				{Label: "E-Mail-Adresse", Value: "j.groessmann@example.org"},
				{Label: "Telefonnummer (für Rückfragen, freiwillig)", Value: "02362 998877"},
			}},
			{Title: "Angaben zu den Hunden", Rows: []Row{
				{Label: "Hund 1", Heading: true},
				{Label: "Rufname", Value: "Bello", Level: 1},
				{Label: "Rasse", Value: "Deutscher Schäferhund", Level: 1},
				{Label: "Geburtsdatum des Hundes", Value: "14.02.2025", Level: 1},
				{Label: "Beginn der Haltung", Value: "01.11.2026", Level: 1},
				{Label: "Chipnummer (Transponder)", Value: "276098106543210", Level: 1},
				{Label: "Großer Hund im Sinne des § 11 LHundG NRW (mind. 40 cm Widerristhöhe oder 20 kg)", Value: "Ja", Level: 1},
				{Label: "Hund 2", Heading: true},
				{Label: "Rufname", Value: "Frieda „Fritzi“ von der Lippeaue", Level: 1},
				{Label: "Rasse", Value: "Mischling (Dackel × Terrier)", Level: 1},
				{Label: "Geburtsdatum des Hundes", Value: "30.09.2021", Level: 1},
				{Label: "Beginn der Haltung", Value: "15.11.2026", Level: 1},
				{Label: "Herkunft", Value: "Tierheim Dorsten e. V. – Übernahme mit Schutzvertrag", Level: 1},
			}},
			{Title: "Steuer und Ermäßigung", Rows: []Row{
				{Label: "Jahressteuer laut Satzung", Value: "Hund 1: 120,00 €\nHund 2: 156,00 € (Zweithund)\nZusammen: 276,00 € jährlich"},
				{Label: "Ermäßigung beantragt", Value: "Ja, für Hund 2 (Übernahme aus dem Tierheim)"},
				{Label: "Begründung der Ermäßigung", Value: strings.Repeat(
					"Frieda wurde am 15.11.2026 aus dem Tierheim Dorsten übernommen. "+
						"Die Satzung sieht für Hunde aus dem Tierheim im ersten Jahr eine Ermäßigung von 50 % vor; "+
						"der Schutzvertrag liegt als Anlage bei. ", 3) +
					"\n\nZusätzlich weise ich darauf hin, dass Bello bereits in Gladbeck angemeldet war; " +
					"die Abmeldebestätigung (Steuermarke Nr. 0815) habe ich beigefügt.\n" +
					"– Bitte senden Sie die Steuermarken an die oben genannte Anschrift.\n" +
					"– Für Rückfragen bin ich werktags ab 17 Uhr erreichbar."},
				{Label: "Bankverbindung (IBAN) für das SEPA-Lastschriftmandat", Value: "DE02 1203 0000 0000 2020 51"},
			}},
			{Title: "Erklärungen", Rows: []Row{
				{Label: "Datenschutzhinweise", Value: "Ich habe die Hinweise zur Verarbeitung meiner Daten gelesen."},
				{Label: "Richtigkeit der Angaben", Value: "Ich versichere, dass alle Angaben richtig und vollständig sind."},
			}},
		},
		Attachments: []Attachment{
			{Name: "Schutzvertrag_Tierheim_Dorsten.pdf", Size: 245_812, SHA512: sha("schutzvertrag")},
			{Name: "Abmeldebestätigung Gladbeck – Bello.jpg", Size: 1_834_220, SHA512: sha("abmeldung")},
			{Name: "Haftpflichtversicherung_Größmann_2026.pdf", Size: 98_304, SHA512: sha("haftpflicht")},
		},
		Payment: &Payment{AmountCents: 123450, Status: "bezahlt (Testzahlung)", Kassenzeichen: "5.0123.456789.0"},
		NextSteps: "Das Steueramt prüft Ihre Angaben in der Regel innerhalb von zwei Wochen. " +
			"Sie erhalten danach den Hundesteuerbescheid und die Steuermarken per Post.\n" +
			"Fehlt etwas, melden wir uns über Ihr Postfach im Serviceportal.",
		StatusURL: "https://serviceportal.dorsten.de/status/01JDQ7Z3M6W1V8K9R2T4Y5X0AB?s=9f8e7d6c5b4a39281706f5e4d3c2b1a0",
		Footer:    "Stadt Dorsten · Halterner Straße 5 · 46284 Dorsten · Diese Bestätigung wurde maschinell erstellt und ist ohne Unterschrift gültig.",
	}
}
