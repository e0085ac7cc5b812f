package receipt

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestRenderGolden(t *testing.T) {
	t.Parallel()
	pdf, err := RenderBytes(hundeanmeldung())
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	golden(t, "hundeanmeldung.golden", text)
	for _, want := range []string{
		"Antragsbestätigung", "DOR-2026-004711", "28.11.2026, 14:03 Uhr",
		"Jürgen Größmann", "„Fritzi“", "1.234,50 €", "(Fortsetzung)",
		"Seite 1 von 3", "Seite 3 von 3",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
}

func TestRenderMetadata(t *testing.T) {
	t.Parallel()
	pdf, err := RenderBytes(hundeanmeldung())
	if err != nil {
		t.Fatal(err)
	}
	info := runTool(t, pdf, "pdfinfo", "-isodates")
	for _, want := range []string{
		"Title:           Antragsbestätigung DOR-2026-004711",
		"Author:          Stadt Dorsten",
		"Creator:         Serviceportal",
		"CreationDate:    2026-11-28T14:03:27",
		"Page size:       595.28 x 841.89 pts (A4)",
		"Pages:           3",
	} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
	fonts := runTool(t, pdf, "pdffonts")
	rows := strings.Split(strings.TrimSpace(fonts), "\n")[2:]
	if len(rows) != 2 {
		t.Errorf("want the regular and bold font:\n%s", fonts)
	}
	for _, row := range rows {
		f := strings.Fields(row)
		if !strings.Contains(f[0], "dejavu") || f[len(f)-5] != "yes" {
			t.Errorf("fonts must be DejaVu and embedded:\n%s", fonts)
		}
	}
}

func TestRenderDeterministic(t *testing.T) {
	t.Parallel()
	first, err := RenderBytes(hundeanmeldung())
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		again, err := RenderBytes(hundeanmeldung())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, again) {
			t.Fatal("same receipt rendered to different bytes")
		}
	}
	other := hundeanmeldung()
	other.SubmittedAt = other.SubmittedAt.Add(time.Minute)
	moved, err := RenderBytes(other)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(first, moved) {
		t.Error("a different submission time gave the same bytes")
	}
}

func TestRenderRejectsIncomplete(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		spoil func(*Receipt)
		want  error
	}{
		{"no authority", func(r *Receipt) { r.Authority.Name = " " }, ErrNoAuthority},
		{"no tracking number", func(r *Receipt) { r.TrackingNumber = "" }, ErrNoTracking},
		{"no service", func(r *Receipt) { r.ServiceName = "\n" }, ErrNoService},
		{"no time", func(r *Receipt) { r.SubmittedAt = time.Time{} }, ErrNoTime},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := hundeanmeldung()
			tt.spoil(&r)
			var b bytes.Buffer
			if err := Render(&b, r); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if b.Len() != 0 {
				t.Error("wrote output despite the error")
			}
		})
	}
}

func TestRenderMinimal(t *testing.T) {
	t.Parallel()
	pdf, err := RenderBytes(Receipt{
		Authority:      Authority{Name: "Stadt Marl"},
		ServiceName:    "Sperrmüllanmeldung",
		TrackingNumber: "MAR-2026-000001",
		SubmittedAt:    time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	for _, want := range []string{"Sperrmüllanmeldung", "01.07.2026, 10:00 Uhr", "Seite 1 von 1", DefaultReceiptFooter} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	r := hundeanmeldung()
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := Render(&buf, r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/pdf")
}

// TestRenderLongText renders answers far longer than any form allows:
// rows taller than a page are split, and nothing is lost.
func TestRenderLongText(t *testing.T) {
	t.Parallel()
	r := hundeanmeldung()
	long := strings.Repeat("Sehr lange Begründung mit Umlauten äöü und ß. ", 600) + "ENDE-DER-ANGABE"
	word := strings.Repeat("0123456789", 300) // no break opportunity at all
	r.Sections = append(r.Sections, Section{Title: "Sehr lange Angaben", Rows: []Row{
		{Label: strings.Repeat("Langes Label ", 80), Value: long},
		{Label: "Ohne Leerzeichen", Value: word},
	}})
	pdf, err := RenderBytes(r)
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	for _, want := range []string{"ENDE-DER-ANGABE", "Sehr lange Angaben (Fortsetzung)", "Seite 7 von "} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	if got := strings.Count(strings.ReplaceAll(text, "\n", ""), "0123456789"); got < 290 {
		t.Errorf("the unbreakable value lost digits: %d of 300 runs survive", got)
	}
}

// TestRenderCleansText checks what happens to text the fonts cannot show
// or the PDF writer cannot encode.
func TestRenderCleansText(t *testing.T) {
	t.Parallel()
	r := hundeanmeldung()
	r.Sections = []Section{{Title: "Sonderfälle", Rows: []Row{
		{Label: "Zerlegte Umlaute", Value: "Mu\u0308ller Ko\u0308ln"},
		{Label: "Emoji", Value: "Hund 🐕 Bello"},
		{Label: "Steuerzeichen", Value: "A\x00B\x1bC\tD"},
		{Label: "Kaputtes UTF-8", Value: "X\xffY"},
	}}}
	pdf, err := RenderBytes(r)
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	for _, want := range []string{"Müller Köln", "Hund \uFFFD Bello", "ABC D", "X\uFFFDY"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}
