package receipt

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func hundesteuerbescheid() Decision {
	return Decision{
		Authority:      dorsten,
		Recipient:      []string{"Herrn", "Jürgen Größmann", "Lippestraße 12a", "46282 Dorsten"},
		Date:           time.Date(2026, 12, 7, 23, 30, 0, 0, time.UTC), // already 8 December in Berlin
		TrackingNumber: "DOR-2026-004711",
		Caseworker:     "Frau Schäfer",
		Subject:        "Bescheid über die Festsetzung der Hundesteuer ab dem 1. November 2026",
		Salutation:     "Sehr geehrter Herr Größmann,",
		Body: []string{
			"auf Ihre Anmeldung vom 28.11.2026 setze ich die Hundesteuer für Ihre Hunde „Bello“ und „Frieda“ wie folgt fest:",
			"Hund 1 (Bello): 120,00 € jährlich\nHund 2 (Frieda, ermäßigt um 50 % im ersten Jahr): 78,00 € jährlich\nZusammen: 198,00 € jährlich",
			"Die Steuer für November und Dezember 2026 beträgt anteilig 33,00 €. Sie wird am 15.01.2027 per SEPA-Lastschrift " +
				"von Ihrem Konto DE02 1203 0000 0000 2020 51 eingezogen. Ab 2027 wird die Jahressteuer in vier Raten zum " +
				"15. Februar, 15. Mai, 15. August und 15. November fällig.",
			"Die Steuermarken Nr. 2026-0471 und Nr. 2026-0472 liegen diesem Bescheid bei. Der Hund muss die Steuermarke " +
				"außerhalb der Wohnung sichtbar tragen (§ 8 der Hundesteuersatzung der Stadt Dorsten).",
			"Begründung: Nach § 2 der Hundesteuersatzung ist steuerpflichtig, wer einen Hund in seinen Haushalt aufgenommen hat. " +
				"Sie haben Bello am 01.11.2026 und Frieda am 15.11.2026 aufgenommen. Für Hunde aus einem Tierheim ermäßigt sich " +
				"die Steuer nach § 5 Abs. 3 der Satzung im ersten Jahr um die Hälfte.",
		},
		LegalRemedy: "Gegen diesen Bescheid können Sie innerhalb eines Monats nach Bekanntgabe Klage beim Verwaltungsgericht " +
			"Gelsenkirchen, Bahnhofsvorplatz 3, 45879 Gelsenkirchen, erheben. Die Klage ist schriftlich oder zur Niederschrift " +
			"beim Urkundsbeamten der Geschäftsstelle einzulegen; sie kann auch elektronisch nach Maßgabe des § 55a VwGO erhoben werden. " +
			"Die Erhebung einer Klage hat keine aufschiebende Wirkung (§ 80 Abs. 2 Nr. 1 VwGO); die festgesetzte Steuer ist " +
			"daher auch dann zum Fälligkeitstermin zu zahlen.",
		Signatory: "Sabine Schäfer",
		Footer:    "Stadt Dorsten · Steueramt · Sprechzeiten: Mo–Fr 8–12 Uhr, Do 14–17:30 Uhr",
	}
}

func TestRenderDecisionGolden(t *testing.T) {
	t.Parallel()
	d := hundesteuerbescheid()
	// Enough extra text for a second page, to see the running header.
	for i := 1; i <= 4; i++ {
		d.Body = append(d.Body, strings.Repeat("Hinweis zur Zahlung: Bitte geben Sie bei Überweisungen immer das "+
			"Kassenzeichen an, damit wir Ihre Zahlung zuordnen können. ", 3))
	}
	var b bytes.Buffer
	if err := RenderDecision(&b, d); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	text := pdfText(t, b.Bytes())
	golden(t, "hundesteuerbescheid.golden", text)
	for _, want := range []string{
		"Bescheid über die Festsetzung der Hundesteuer", "08.12.2026", "198,00 €",
		"Rechtsbehelfsbelehrung", "Im Auftrag", "Sabine Schäfer", MachineNote,
		"Seite 1 von 2", "Seite 2 von 2", "Bescheid vom 08.12.2026 · DOR-2026-004711",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	info := runTool(t, b.Bytes(), "pdfinfo")
	if !strings.Contains(info, "Title:           Bescheid über die Festsetzung") {
		t.Errorf("title missing:\n%s", info)
	}
}

func TestRenderDecisionDeterministic(t *testing.T) {
	t.Parallel()
	var a, b bytes.Buffer
	if err := RenderDecision(&a, hundesteuerbescheid()); err != nil {
		t.Fatal(err)
	}
	if err := RenderDecision(&b, hundesteuerbescheid()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("same decision rendered to different bytes")
	}
}

func TestRenderDecisionRejectsIncomplete(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		spoil func(*Decision)
		want  error
	}{
		{"no authority", func(d *Decision) { d.Authority.Name = "" }, ErrNoAuthority},
		{"no recipient", func(d *Decision) { d.Recipient = []string{" ", ""} }, ErrNoRecipient},
		{"no subject", func(d *Decision) { d.Subject = "" }, ErrNoSubject},
		{"no date", func(d *Decision) { d.Date = time.Time{} }, ErrNoDate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := hundesteuerbescheid()
			tt.spoil(&d)
			var b bytes.Buffer
			if err := RenderDecision(&b, d); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if b.Len() != 0 {
				t.Error("wrote output despite the error")
			}
		})
	}
}
