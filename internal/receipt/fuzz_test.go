package receipt

import (
	"bytes"
	"strings"
	"testing"
)

// seeds are texts that have broken PDF writers before: controls, invalid
// UTF-8, combining marks, runes beyond the BMP, PDF string syntax, long
// unbroken words and many empty lines.
var seeds = []string{
	"", " ", "\x00\x01\x1b", "\xff\xfe", "a\u0308 o\u0308 u\u0308 ß",
	"😀 🐕 𝄞", "\uFFFF\uFFFE\uE000", "(unbalanced \\ ) (", "{nb} {nb}",
	"שלום עליכם", "日本語のテキスト", "\u200b\u200d\u00ad",
	strings.Repeat("x", 2000), strings.Repeat("\n", 300), strings.Repeat("Wort ", 500),
	"Zeile 1\r\nZeile 2\rZeile 3\u2028Zeile 4\tTab",
}

// maxFuzzText keeps each run short: the mutator grows strings to
// megabytes, and rendering hundreds of pages per run stalls the fuzzer.
const maxFuzzText = 6000

func FuzzRender(f *testing.F) {
	for i, s := range seeds {
		f.Add(s, seeds[(i+1)%len(seeds)], seeds[(i+2)%len(seeds)], uint8(i*7))
	}
	f.Fuzz(func(t *testing.T, label, value, title string, n uint8) {
		if len(label)+len(value)+len(title) > maxFuzzText {
			t.Skip("long texts are TestRenderLongText's job")
		}
		r := hundeanmeldung()
		rows := make([]Row, 0, int(n%12)+1)
		for i := 0; i <= int(n%12); i++ {
			rows = append(rows, Row{Label: label, Value: value, Heading: i%7 == 3, Level: i % 4})
		}
		r.Sections = append(r.Sections, Section{Title: title, Rows: rows})
		r.ApplicantName = label
		r.Attachments = append(r.Attachments, Attachment{Name: value, Size: int64(n) << 20, SHA512: title})
		r.NextSteps = value
		r.StatusURL = label
		r.Footer = title
		var b bytes.Buffer
		if err := Render(&b, r); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) {
			t.Fatalf("output starts with %q", b.Bytes()[:min(8, b.Len())])
		}
	})
}

func FuzzRenderDecision(f *testing.F) {
	for i, s := range seeds {
		f.Add(s, seeds[(i+3)%len(seeds)])
	}
	f.Fuzz(func(t *testing.T, subject, body string) {
		if len(subject)+len(body) > maxFuzzText {
			t.Skip("long texts are TestRenderLongText's job")
		}
		d := hundesteuerbescheid()
		d.Subject = "Bescheid über " + subject
		d.Body = append(d.Body, body, body)
		d.Recipient = append(d.Recipient, subject)
		d.LegalRemedy = body
		d.Signatory = subject
		var b bytes.Buffer
		if err := RenderDecision(&b, d); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) {
			t.Fatal("not a PDF")
		}
	})
}
