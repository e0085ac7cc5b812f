package fim

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/form"
)

const fixtures = "../testdata/xdatenfelder"

var now = time.Date(2025, 6, 15, 10, 0, 0, 0, time.UTC)

func importFile(t testing.TB, path string, opts Options) (*Result, error) {
	t.Helper()
	fh, err := os.Open(filepath.Join(fixtures, path))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	return Import(fh, opts)
}

// fields indexes all fields of a form by ID.
func fields(f *form.Form) map[string]*form.Field {
	out := map[string]*form.Field{}
	var walk func([]form.Item)
	walk = func(items []form.Item) {
		for _, it := range items {
			switch it := it.(type) {
			case *form.Field:
				out[it.ID] = it
			case *form.Group:
				walk(it.Items)
			}
		}
	}
	for _, s := range f.Steps {
		walk(s.Items)
	}
	return out
}

// checkWorking makes sure an imported form can be used end to end.
func checkWorking(t *testing.T, f *form.Form) {
	t.Helper()
	st := f.Evaluate(nil, now)
	for _, s := range f.Steps {
		if _, err := st.Step(s.ID, nil); err != nil {
			t.Fatal(err)
		}
	}
	st.ValidateAll()
	st.Summary()
	if _, err := form.JSONSchema(f); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := form.Parse(bytes.NewReader(b)); err != nil {
		t.Fatalf("imported form does not re-parse: %v", err)
	}
}

func TestImportValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file    string
		version string
		title   string
		steps   int
		check   func(t *testing.T, r *Result)
	}{
		{"lilithwittmann-ozg/BlaueKarte.xml", "2.0", "Antrag auf Blaue Karte EU", 12, checkBlaueKarte},
		{"lilithwittmann-ozg/WaBeKa.xml", "1", "Waffenbesitzkarte nach § 10 Absatz 1 WaffG", 7, func(t *testing.T, r *Result) {
			if fs := fields(r.Form); fs["F00000073"] == nil || fs["F00000073"].Kind != form.KindInput {
				t.Errorf("Anrede without code list should be free text")
			}
		}},
		{"flxbe-xmlstruct/xdf3.xml", "3.0.0", "Eine Bezeichnung", 1, func(t *testing.T, r *Result) {
			f := fields(r.Form)["F00001"]
			if f == nil || f.MaxLength != 1 || f.Pattern != "test" || f.Default != "Ein Inhalt" || f.Label != "Familienname" {
				t.Errorf("F00001: %+v", f)
			}
			if len(r.Form.Rules) != 1 || r.Form.Rules[0].Script != "function script() {}" || r.Form.Rules[0].Kind != form.RuleNote {
				t.Errorf("rules: %+v", r.Form.Rules)
			}
		}},
		{"flxbe-tests/v2-data/simple.xml", "2.0", "Test", 1, func(t *testing.T, r *Result) {
			s := r.Form.Steps[0]
			f := fields(r.Form)["F60000227"]
			if s.Title != "Natürliche Person" || f == nil || !f.Required || f.MinLength != 1 || f.MaxLength != 120 || f.Hint != "Hilfe Eingabe" {
				t.Errorf("step %q, field %+v", s.Title, f)
			}
			if f.FIM == nil || f.FIM.ID != "F60000227" || f.FIM.Version != "1.1" {
				t.Errorf("FIM ref %+v", f.FIM)
			}
		}},
		{"flxbe-tests/v2-data/minimal.xml", "2.0", "Test", 1, nil},
		{"flxbe-tests/v2-data/rule.xml", "2.0", "Test", 1, func(t *testing.T, r *Result) {
			if len(r.Form.Rules) != 1 || r.Form.Rules[0].ID != "R60000037" {
				t.Errorf("rules: %+v", r.Form.Rules)
			}
		}},
		{"flxbe-tests/v2-data/data-field-rule.xml", "2.0", "Test", 1, nil},
		{"flxbe-tests/v2-data/data-group-rule.xml", "2.0", "Test", 1, nil},
		{"flxbe-tests/v2-data/label.xml", "2.0", "Test", 1, func(t *testing.T, r *Result) {
			if f := fields(r.Form)["F123"]; f.Kind != form.KindLabel || f.Content != "Hinweis Inhalt" {
				t.Errorf("label: %+v", f)
			}
		}},
		{"flxbe-tests/v2-data/select.xml", "2.0", "Test", 1, func(t *testing.T, r *Result) {
			if f := fields(r.Form)["F123"]; f.Kind != form.KindInput || len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "urn:de:example") {
				t.Errorf("unresolved code list: %+v %v", f, r.Warnings)
			}
		}},
		{"flxbe-tests/v3-data/simple.xml", "3.0.0", "Anschrift in Deutschland", 1, func(t *testing.T, r *Result) {
			g, ok := r.Form.Steps[0].Items[0].(*form.Group)
			if !ok || g.ID != "G60000000086" || !g.Card.Optional() {
				t.Fatalf("optional group: %+v", r.Form.Steps[0].Items[0])
			}
			f := fields(r.Form)["F60000000243"]
			if f.MaxLength != 55 || f.Hint != "Geben Sie an, wie die Straße heißt." || !f.Required {
				t.Errorf("field: %+v", f)
			}
			if len(r.Form.Rules) != 1 {
				t.Errorf("the rule attached twice must be kept once: %+v", r.Form.Rules)
			}
			// The optional group may stay empty; once started, the street is required.
			res := r.Form.Evaluate(nil, now).ValidateAll()
			if !res.OK() {
				t.Errorf("empty optional group: %v", res.Problems)
			}
		}},
		{"flxbe-tests/v3-data/input.xml", "3.0.0", "Anschrift in Deutschland", 1, func(t *testing.T, r *Result) {
			f := fields(r.Form)["F60000000243"]
			if f.Kind != form.KindInput || f.Pattern != "abc" || f.MaxLength != 1 || f.Default != "Some Content" {
				t.Errorf("field: %+v", f)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			r, err := importFile(t, tt.file, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Version != tt.version || r.Form.Title != tt.title || len(r.Form.Steps) != tt.steps {
				t.Errorf("version %q title %q steps %d", r.Version, r.Form.Title, len(r.Form.Steps))
			}
			checkWorking(t, r.Form)
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

func checkBlaueKarte(t *testing.T, r *Result) {
	f := r.Form
	if f.ID != "s00000121" || f.Version != "1.0" || f.FIM.ID != "S00000121" {
		t.Errorf("form %q %q %+v", f.ID, f.Version, f.FIM)
	}
	fs := fields(f)
	// Reused FIM elements get unique IDs and keep their FIM ID.
	if fs["F00000035"] == nil || fs["F00000035_2"] == nil || fs["F00000035_2"].FIM.ID != "F00000035" {
		t.Errorf("reused Ort field: %v %v", fs["F00000035"], fs["F00000035_2"])
	}
	// "F00001028 … ist nur dann zu befüllen, wenn F00001027 … bejaht wurde."
	if fs["F00001028"].VisibleIf != "F00001027 == true" || fs["F00001045"].VisibleIf != "F00001041 == true" {
		t.Errorf("rules not translated: %q %q", fs["F00001028"].VisibleIf, fs["F00001045"].VisibleIf)
	}
	files := 0
	for _, fd := range fs {
		if fd.Type == form.File {
			files++
		}
	}
	if files != 8 {
		t.Errorf("%d file fields, want 8", files)
	}
	// The address line field (2:5) became a repeatable group.
	var line *form.Group
	var walk func([]form.Item)
	walk = func(items []form.Item) {
		for _, it := range items {
			if g, ok := it.(*form.Group); ok {
				if g.ID == "GF00000087" {
					line = g
				}
				walk(g.Items)
			}
		}
	}
	for _, s := range f.Steps {
		walk(s.Items)
	}
	if line == nil || line.Card != (form.Cardinality{Min: 2, Max: 5}) {
		t.Errorf("repeatable field: %+v", line)
	}
	// First step, empty: required fields are reported, conditional ones are not.
	st := f.Evaluate(nil, now)
	res, _ := st.ValidateStep("s1")
	if len(res.Problems) == 0 {
		t.Error("no problems on an empty first step")
	}
	res, _ = f.Evaluate(map[string][]string{"F00001027": {"nein"}}, now).ValidateStep("s6")
	for _, p := range res.Problems {
		if p.FieldPath == "F00001028" {
			t.Error("hidden field reported")
		}
	}
	res, _ = f.Evaluate(map[string][]string{"F00001027": {"ja"}}, now).ValidateStep("s6")
	v, _ := f.Evaluate(map[string][]string{"F00001027": {"ja"}}, now).Step("s6", res.Problems)
	if v.Title != "Angaben zur Krankenversicherung" {
		t.Errorf("step 6 is %q", v.Title)
	}
	if len(r.Warnings) == 0 || len(f.Rules) != 3 {
		t.Errorf("warnings %v rules %d", r.Warnings, len(f.Rules))
	}
}

func TestImportCodeListResolver(t *testing.T) {
	t.Parallel()
	r, err := importFile(t, "flxbe-tests/v2-data/select.xml", Options{FormID: "auswahl", CodeList: func(uri, version string) ([]form.Option, bool) {
		if uri != "urn:de:example" || version != "1" {
			return nil, false
		}
		return []form.Option{{Code: "a", Label: "Alpha"}, {Code: "b", Label: "Beta"}}, true
	}})
	if err != nil {
		t.Fatal(err)
	}
	f := fields(r.Form)["F123"]
	if r.Form.ID != "auswahl" || f.Kind != form.KindSelect || len(f.Choices()) != 2 || len(r.Warnings) != 0 {
		t.Errorf("resolved select: %+v %v", f, r.Warnings)
	}
}

func TestImportInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want string
	}{
		{"flxbe-tests/v2-data/duplicate-optional-value.xml", "Zeile 15: Das Element <xdf:beschreibung> kommt in <xdf:stammdatenschema> doppelt vor."},
		{"flxbe-tests/v2-data/duplicate-required-value.xml", "Zeile 13: Das Element <xdf:name> kommt in <xdf:stammdatenschema> doppelt vor."},
		{"flxbe-tests/v2-data/unknown-namespace.xml", `Unbekannter Namensraum "urn:xoev-de:fim:standard:xdatenfelder_unknown"`},
		{"flxbe-tests/v3-data/duplicate-id-node.xml", "Das Element <xdf:id> kommt in <xdf:identifikation> doppelt vor."},
		{"flxbe-tests/v3-data/empty-id-node.xml", "Das Element <xdf:id> ist leer."},
		{"flxbe-tests/v3-data/missing-id-node.xml", "Das Element <xdf:id> fehlt in <xdf:identifikation>."},
		{"flxbe-tests/v3-data/unexpected-node.xml", "Unerwartetes Element <xdf:unknown> in <xdf:identifikation>."},
		{"flxbe-tests/v3-data/invalid-freigabestatus.xml", `Ungültiger Freigabestatus "10"`},
		{"flxbe-tests/v3-data/unknown-namespace.xml", `Unbekannter Namensraum "urn:xoev-de:fim:standard:xdatenfelder_unknown"`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			_, err := importFile(t, tt.file, Options{})
			var fe *Error
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

const v3Head = `<?xml version="1.0" encoding="UTF-8"?>
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_3.0.0">
<xdf:header><xdf:nachrichtID>1</xdf:nachrichtID></xdf:header>
<xdf:stammdatenschema><xdf:identifikation><xdf:id>S1</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation><xdf:name>Test</xdf:name>`

const v3Tail = `</xdf:stammdatenschema></xdf:xdatenfelder.stammdatenschema.0102>`

func fieldXML(card, kind, dataType, extra string) string {
	return `<xdf:struktur><xdf:anzahl>` + card + `</xdf:anzahl><xdf:enthaelt><xdf:datenfeld><xdf:identifikation><xdf:id>F1</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation><xdf:name>Feld</xdf:name><xdf:feldart><code>` +
		kind + `</code></xdf:feldart><xdf:datentyp><code>` + dataType + `</code></xdf:datentyp>` + extra + `</xdf:datenfeld></xdf:enthaelt></xdf:struktur>`
}

func TestImportSynthetic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		xml     string
		wantErr string
		check   func(t *testing.T, r *Result)
	}{
		{"not xml", "Hallo", "kein XML-Element", nil},
		{"broken xml", v3Head + "<xdf:struktur>", "wohlgeformtes XML", nil},
		{"no namespace", `<a/>`, "keinen Namensraum", nil},
		{"wrong message", `<x:foo xmlns:x="urn:xoev-de:fim:standard:xdatenfelder_2"/>`, "Unbekannte Nachricht", nil},
		{"latin1", `<?xml version="1.0" encoding="ISO-8859-1"?><a/>`, "Zeichenkodierung", nil},
		{"unknown datatype", v3Head + fieldXML("1:1", "input", "money", "") + v3Tail, `Unbekannter Datentyp "money"`, nil},
		{"unknown kind", v3Head + fieldXML("1:1", "slider", "text", "") + v3Tail, `Unbekannte Feldart "slider"`, nil},
		{"bad cardinality", v3Head + fieldXML("viele", "input", "text", "") + v3Tail, `Ungültige Anzahl "viele"`, nil},
		{"missing datatype", v3Head + `<xdf:struktur><xdf:anzahl>1:1</xdf:anzahl><xdf:enthaelt><xdf:datenfeld><xdf:identifikation><xdf:id>F1</xdf:id></xdf:identifikation><xdf:feldart><code>input</code></xdf:feldart></xdf:datenfeld></xdf:enthaelt></xdf:struktur>` + v3Tail, "fehlt der Datentyp", nil},
		{"empty enthaelt", v3Head + `<xdf:struktur><xdf:anzahl>1:1</xdf:anzahl><xdf:enthaelt/></xdf:struktur>` + v3Tail, "<xdf:enthaelt> ist leer", nil},
		{"foreign element", v3Head + `<foo xmlns="urn:other"/>` + v3Tail, `Unerwartetes Element <foo> aus dem Namensraum "urn:other"`, nil},
		{"inline values", v3Head + fieldXML("1:1", "select", "text", `<xdf:inhalt>b</xdf:inhalt><xdf:werte><xdf:wert><xdf:code>a</xdf:code><xdf:name>Alpha</xdf:name></xdf:wert><xdf:wert><xdf:code>b</xdf:code><xdf:name>Beta</xdf:name><xdf:hilfe>Zweiter</xdf:hilfe></xdf:wert></xdf:werte>`) + v3Tail, "",
			func(t *testing.T, r *Result) {
				f := fields(r.Form)["F1"]
				if f.Kind != form.KindSelect || len(f.Options) != 2 || f.Options[1].Hint != "Zweiter" || f.Default != "b" || !f.Required {
					t.Errorf("select: %+v", f)
				}
			}},
		{"file", v3Head + fieldXML("0:1", "input", "file", `<xdf:maxSize>2048</xdf:maxSize><xdf:mediaType>application/pdf</xdf:mediaType><xdf:mediaType>kaputt</xdf:mediaType>`) + v3Tail, "",
			func(t *testing.T, r *Result) {
				f := fields(r.Form)["F1"]
				if f.MaxSize != 2048*1024 || len(f.Accept) != 1 || f.Required || len(r.Warnings) != 1 {
					t.Errorf("file: %+v %v", f, r.Warnings)
				}
			}},
		{"value bounds", v3Head + fieldXML("1:1", "input", "num_int", `<xdf:praezisierung minValue="1" maxValue="10"/>`) + v3Tail, "",
			func(t *testing.T, r *Result) {
				if f := fields(r.Form)["F1"]; f.Min != "1" || f.Max != "10" {
					t.Errorf("bounds: %+v", f)
				}
			}},
		{"bad bounds dropped", v3Head + fieldXML("1:1", "input", "date", `<xdf:praezisierung minValue="gestern" pattern="[a-"/>`) + v3Tail, "",
			func(t *testing.T, r *Result) {
				if f := fields(r.Form)["F1"]; f.Min != "" || f.Pattern != "" || len(r.Warnings) != 2 {
					t.Errorf("bounds: %+v %v", f, r.Warnings)
				}
			}},
		{"repeatable field", v3Head + fieldXML("1:*", "input", "text", "") + v3Tail, "",
			func(t *testing.T, r *Result) {
				g, ok := r.Form.Steps[0].Items[0].(*form.Group)
				if !ok || g.Card.Max != form.Many || g.ItemLabel != "Feld" {
					t.Errorf("wrapper: %+v", r.Form.Steps[0].Items[0])
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := Import(strings.NewReader(tt.xml), Options{})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkWorking(t, r.Form)
			tt.check(t, r)
		})
	}
}

func TestImportSizeLimit(t *testing.T) {
	t.Parallel()
	big := v3Head + "<!--" + strings.Repeat("x", MaxFileSize) + "-->" + v3Tail
	if _, err := Import(strings.NewReader(big), Options{}); err == nil || !strings.Contains(err.Error(), "größer als") {
		t.Errorf("err = %v", err)
	}
}

func FuzzFIMImport(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join(fixtures, "*", "*.xml"))
	more, _ := filepath.Glob(filepath.Join(fixtures, "*", "*", "*.xml"))
	for _, p := range append(paths, more...) {
		if strings.Contains(p, "BlaueKarte") || strings.Contains(p, "WaBeKa") {
			continue // large seeds make the fuzzer spend its time minimising
		}
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(v3Head + fieldXML("0:3", "select", "num_int", `<xdf:werte><xdf:wert><xdf:code>1</xdf:code><xdf:name>Eins</xdf:name></xdf:wert></xdf:werte>`) + v3Tail))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Import(bytes.NewReader(data), Options{})
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		checkWorking(t, r.Form)
	})
}
