package form

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"
)

// parseCase is one input for a field type: the normalised form (Format of
// the parsed value) or the problem code expected.
type parseCase struct {
	in       string
	want     string // Format(Parse(in)); ignored when code is set
	wantCode string
}

func runParseCases(t *testing.T, f *Field, cases []parseCase) {
	t.Helper()
	typ, ok := TypeOf(f.Type)
	if !ok {
		t.Fatalf("type %s not registered", f.Type)
	}
	for _, c := range cases {
		v, iss := typ.Parse(f, c.in)
		switch {
		case c.wantCode != "" && iss == nil:
			t.Errorf("%s: Parse(%q) = %v, want problem %s", f.Type, c.in, v, c.wantCode)
		case c.wantCode != "" && iss.Code != c.wantCode:
			t.Errorf("%s: Parse(%q) code %s, want %s", f.Type, c.in, iss.Code, c.wantCode)
		case c.wantCode == "" && iss != nil:
			t.Errorf("%s: Parse(%q) problem %q", f.Type, c.in, iss.Message)
		case c.wantCode == "" && typ.Format(f, v) != c.want:
			t.Errorf("%s: Format(Parse(%q)) = %q, want %q", f.Type, c.in, typ.Format(f, v), c.want)
		}
		if iss != nil && !strings.Contains(iss.Message, "„") {
			t.Errorf("%s: message %q does not name the field", f.Type, iss.Message)
		}
	}
}

func TestTypeParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		field *Field
		cases []parseCase
	}{
		{&Field{Label: "Name", Type: Text}, []parseCase{
			{in: "Max  Mustermann", want: "Max Mustermann"},
			{in: "Zeile\nzwei", want: "Zeile zwei"},
			{in: "Ä Ö Ü ß", want: "Ä Ö Ü ß"},
			{in: "a\x00b", wantCode: CodeFormat},
			{in: "\xff", wantCode: CodeFormat},
		}},
		{&Field{Label: "Text", Type: Text, Widget: "textarea"}, []parseCase{
			{in: "Zeile 1\r\nZeile 2", want: "Zeile 1\nZeile 2"},
		}},
		{&Field{Label: "Geburtsdatum", Type: Date}, []parseCase{
			{in: "24.12.1990", want: "24.12.1990"},
			{in: "1.2.2024", want: "01.02.2024"},
			{in: "2024-02-29", want: "29.02.2024"},
			{in: "29.02.2023", wantCode: CodeFormat},
			{in: "31.04.2024", wantCode: CodeFormat},
			{in: "24.12.90", wantCode: CodeFormat},
			{in: "12/24/1990", wantCode: CodeFormat},
			{in: "gestern", wantCode: CodeFormat},
		}},
		{&Field{Label: "Uhrzeit", Type: Time}, []parseCase{
			{in: "14:30", want: "14:30"},
			{in: "9:05", want: "09:05"},
			{in: "14.30 Uhr", want: "14:30"},
			{in: "1430", want: "14:30"},
			{in: "8", want: "08:00"},
			{in: "24:00", wantCode: CodeFormat},
			{in: "12:60", wantCode: CodeFormat},
			{in: "mittags", wantCode: CodeFormat},
		}},
		{&Field{Label: "Termin", Type: DateTime}, []parseCase{
			{in: "24.12.2025 14:30", want: "24.12.2025 14:30"},
			{in: "24.12.2025, 9:00 Uhr", want: "24.12.2025 09:00"},
			{in: "24.12.2025 um 9:00", want: "24.12.2025 09:00"},
			{in: "2025-12-24T14:30", want: "24.12.2025 14:30"},
			{in: "2025-12-24T13:30:00Z", want: "24.12.2025 14:30"},
			{in: "24.12.2025", wantCode: CodeFormat},
			{in: "2025-12-24T25:00", wantCode: CodeFormat},
		}},
		{&Field{Label: "Kampfhund", Type: Bool}, []parseCase{
			{in: "true", want: "true"}, {in: "Ja", want: "true"}, {in: "on", want: "true"},
			{in: "nein", want: "false"}, {in: "0", want: "false"},
			{in: "vielleicht", wantCode: CodeFormat},
		}},
		{&Field{Label: "Fläche", Type: Num}, []parseCase{
			{in: "12,50", want: "12,5"},
			{in: "12.5", want: "12,5"},
			{in: "1.234,56", want: "1234,56"},
			{in: "1.234", want: "1234"},
			{in: "1 234,5", want: "1234,5"},
			{in: "-3,25", want: "-3,25"},
			{in: "−3", want: "-3"},
			{in: ",5", want: "0,5"},
			{in: "0", want: "0"},
			{in: "1,2,3", wantCode: CodeFormat},
			{in: "12.34.56", wantCode: CodeFormat},
			{in: "1.23,4", wantCode: CodeFormat},
			{in: "zwölf", wantCode: CodeFormat},
			{in: "1e5", wantCode: CodeFormat},
			{in: "1234567890123456", wantCode: CodeFormat},
		}},
		{&Field{Label: "Anzahl", Type: NumInt}, []parseCase{
			{in: "3", want: "3"}, {in: "1.000", want: "1000"}, {in: "007", want: "7"}, {in: "5,0", want: "5"},
			{in: "-2", want: "-2"},
			{in: "2,5", wantCode: CodeFormat},
			{in: "drei", wantCode: CodeFormat},
		}},
		{&Field{Label: "Betrag", Type: NumCurrency}, []parseCase{
			{in: "12,50", want: "12,50"},
			{in: "12,5", want: "12,50"},
			{in: "12", want: "12,00"},
			{in: "0,29", want: "0,29"},
			{in: "12,50 €", want: "12,50"},
			{in: "EUR 1.200", want: "1200,00"},
			{in: "1.234,5 Euro", want: "1234,50"},
			{in: "12.5", want: "12,50"},
			{in: "12,505", wantCode: CodeFormat},
			{in: "12,50 $", wantCode: CodeFormat},
		}},
		{&Field{Label: "Nachweis", Type: File}, []parseCase{
			{in: EncodeFileRef(FileRef{ID: "a1", Name: "scan.pdf", Size: 1200, MediaType: "application/pdf"}),
				want: `{"id":"a1","name":"scan.pdf","size":1200,"mediaType":"application/pdf"}`},
			{in: "scan.pdf", wantCode: CodeFormat},
			{in: `{"id":"","name":"x"}`, wantCode: CodeFormat},
		}},
		{&Field{Label: "Daten", Type: Obj}, []parseCase{
			{in: `{ "a": [1, 2] }`, want: `{"a":[1,2]}`},
			{in: `{"a":`, wantCode: CodeFormat},
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.field.Type), func(t *testing.T) {
			t.Parallel()
			runParseCases(t, tt.field, tt.cases)
		})
	}
}

func TestTypeValidate(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 6, 15, 10, 0, 0, 0, berlin)
	tests := []struct {
		name     string
		field    *Field
		in       string
		wantCode string // "" = valid
	}{
		{"minLength ok", &Field{Type: Text, MinLength: 2}, "ab", ""},
		{"minLength", &Field{Type: Text, MinLength: 2}, "a", CodeMinLength},
		{"maxLength counts runes", &Field{Type: Text, MaxLength: 3}, "äöü", ""},
		{"maxLength", &Field{Type: Text, MaxLength: 3}, "äöüß", CodeMaxLength},
		{"pattern ok", &Field{Type: Text, Pattern: "[0-9]{5}"}, "46282", ""},
		{"pattern whole value", &Field{Type: Text, Pattern: "[0-9]{5}"}, "462821", CodePattern},
		{"latin ok", &Field{Type: TextLatin}, "Ðorđe Čaušević-Müller", ""},
		{"latin typographic quotes", &Field{Type: TextLatin}, "„Haus“ – Nr. 3", ""},
		{"latin cyrillic", &Field{Type: TextLatin}, "Мюллер", CodeCharset},
		{"latin emoji", &Field{Type: TextLatin}, "Max 🐶", CodeCharset},
		{"date max today", &Field{Type: Date, Max: "today"}, "16.06.2025", CodeMax},
		{"date today ok", &Field{Type: Date, Max: "today"}, "15.06.2025", ""},
		{"date min today+7d", &Field{Type: Date, Min: "today+7d"}, "21.06.2025", CodeMin},
		{"date min today+7d ok", &Field{Type: Date, Min: "today+7d"}, "22.06.2025", ""},
		{"date min iso", &Field{Type: Date, Min: "1900-01-01"}, "31.12.1899", CodeMin},
		{"date age bound", &Field{Type: Date, Max: "today-18y"}, "16.06.2007", CodeMax},
		{"time range", &Field{Type: Time, Min: "08:00", Max: "18:00"}, "07:59", CodeMin},
		{"time range ok", &Field{Type: Time, Min: "08:00", Max: "18:00"}, "18:00", ""},
		{"datetime now", &Field{Type: DateTime, Min: "now"}, "15.06.2025 09:59", CodeMin},
		{"num min decimal comma", &Field{Type: Num, Min: "0,5"}, "0,4", CodeMin},
		{"num max", &Field{Type: Num, Max: "500"}, "500,01", CodeMax},
		{"int range", &Field{Type: NumInt, Min: "1", Max: "10"}, "11", CodeMax},
		{"currency max", &Field{Type: NumCurrency, Max: "100"}, "100,01", CodeMax},
		{"currency min ok", &Field{Type: NumCurrency, Min: "0,01"}, "0,01", ""},
		{"file type", &Field{Type: File, Accept: []string{"application/pdf", "image/*"}},
			EncodeFileRef(FileRef{ID: "1", Name: "a.exe", Size: 1, MediaType: "application/x-msdownload"}), CodeFileType},
		{"file type wildcard", &Field{Type: File, Accept: []string{"application/pdf", "image/*"}},
			EncodeFileRef(FileRef{ID: "1", Name: "a.png", Size: 1, MediaType: "image/png"}), ""},
		{"file size", &Field{Type: File, MaxSize: 1 << 20},
			EncodeFileRef(FileRef{ID: "1", Name: "a.pdf", Size: 2 << 20, MediaType: "application/pdf"}), CodeFileSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := tt.field
			f.Label = "Feld"
			if f.Pattern != "" {
				f.pattern = regexp.MustCompile("^(?:" + f.Pattern + ")$")
			}
			typ, _ := TypeOf(f.Type)
			if msgs := typ.Check(f); len(msgs) > 0 {
				t.Fatalf("Check: %v", msgs)
			}
			v, iss := typ.Parse(f, tt.in)
			if iss != nil {
				t.Fatalf("Parse(%q): %s", tt.in, iss.Message)
			}
			issues := typ.Validate(f, v, now)
			switch {
			case tt.wantCode == "" && len(issues) > 0:
				t.Errorf("Validate(%q) = %v, want none", tt.in, issues)
			case tt.wantCode != "" && (len(issues) != 1 || issues[0].Code != tt.wantCode):
				t.Errorf("Validate(%q) = %v, want %s", tt.in, issues, tt.wantCode)
			}
		})
	}
}

func TestTypeDisplayAndExport(t *testing.T) {
	t.Parallel()
	tests := []struct {
		field       *Field
		in          string
		wantDisplay string
		wantJSON    string
	}{
		{&Field{Type: NumCurrency}, "1234,5", "1.234,50 €", "1234.5"},
		{&Field{Type: NumCurrency}, "0,29", "0,29 €", "0.29"},
		{&Field{Type: Num, Unit: "m²"}, "12345,5", "12.345,5 m²", "12345.5"},
		{&Field{Type: Num}, "1234", "1.234", "1234"},
		{&Field{Type: Num}, "123,5", "123,5", "123.5"},
		{&Field{Type: NumInt}, "1.000.000", "1.000.000", "1000000"},
		{&Field{Type: Date}, "1.2.2024", "01.02.2024", `"2024-02-01"`},
		{&Field{Type: DateTime}, "24.07.2025 14:30", "24.07.2025 14:30 Uhr", `"2025-07-24T14:30:00+02:00"`},
		{&Field{Type: DateTime}, "24.12.2025 14:30", "24.12.2025 14:30 Uhr", `"2025-12-24T14:30:00+01:00"`},
		{&Field{Type: Time}, "9.5", "", ""},
		{&Field{Type: Time}, "9:05", "09:05 Uhr", `"09:05"`},
		{&Field{Type: Bool}, "ja", "Ja", "true"},
		{&Field{Type: File}, EncodeFileRef(FileRef{ID: "x", Name: "scan.pdf", Size: 1536 * 1024, MediaType: "application/pdf"}),
			"scan.pdf (1,5 MB)", `{"id":"x","mediaType":"application/pdf","name":"scan.pdf","size":1572864}`},
	}
	for _, tt := range tests {
		f := tt.field
		f.Label = "Feld"
		typ, _ := TypeOf(f.Type)
		v, iss := typ.Parse(f, tt.in)
		if tt.wantDisplay == "" {
			if iss == nil {
				t.Errorf("%s: Parse(%q) accepted", f.Type, tt.in)
			}
			continue
		}
		if iss != nil {
			t.Fatalf("%s: Parse(%q): %s", f.Type, tt.in, iss.Message)
		}
		if got := typ.Display(f, v); got != tt.wantDisplay {
			t.Errorf("%s: Display(%q) = %q, want %q", f.Type, tt.in, got, tt.wantDisplay)
		}
		b, _ := json.Marshal(typ.Export(f, v))
		if string(b) != tt.wantJSON {
			t.Errorf("%s: Export(%q) = %s, want %s", f.Type, tt.in, b, tt.wantJSON)
		}
	}
}

func TestTypesRegistered(t *testing.T) {
	t.Parallel()
	want := []DataType{Bool, Date, DateTime, File, Num, NumCurrency, NumInt, Obj, Text, TextLatin, Time}
	got := DataTypes()
	if len(got) != len(want) {
		t.Fatalf("DataTypes() = %v", got)
	}
	for _, dt := range want {
		typ, ok := TypeOf(dt)
		if !ok {
			t.Fatalf("%s not registered", dt)
		}
		f := &Field{Type: dt, Label: "x"}
		if s := typ.JSONSchema(f); s == nil {
			t.Errorf("%s: no JSON Schema", dt)
		}
		if h := typ.Input(f); h.Type == "" {
			t.Errorf("%s: no input type", dt)
		}
	}
}

func TestInputHints(t *testing.T) {
	t.Parallel()
	tests := []struct {
		f                *Field
		typ, mode, autoc string
	}{
		{&Field{Type: Text, AutoComplete: "email"}, "email", "", "email"},
		{&Field{Type: Text, AutoComplete: "tel"}, "tel", "", "tel"},
		{&Field{Type: Text, AutoComplete: "postal-code"}, "text", "numeric", "postal-code"},
		{&Field{Type: TextLatin, AutoComplete: "given-name"}, "text", "", "given-name"},
		{&Field{Type: Text, Widget: "textarea"}, "textarea", "", ""},
		{&Field{Type: Num}, "text", "decimal", ""},
		{&Field{Type: NumInt}, "text", "numeric", ""},
		{&Field{Type: NumCurrency}, "text", "decimal", ""},
		{&Field{Type: Date, AutoComplete: "bday"}, "text", "", "bday"},
		{&Field{Type: Bool}, "radio", "", ""},
		{&Field{Type: Bool, Widget: "checkbox"}, "checkbox", "", ""},
		{&Field{Type: File}, "file", "", ""},
	}
	for _, tt := range tests {
		typ, _ := TypeOf(tt.f.Type)
		h := typ.Input(tt.f)
		if h.Type != tt.typ || h.InputMode != tt.mode || h.AutoComplete != tt.autoc {
			t.Errorf("%s/%s: %+v, want %s %s %s", tt.f.Type, tt.f.AutoComplete, h, tt.typ, tt.mode, tt.autoc)
		}
	}
}
