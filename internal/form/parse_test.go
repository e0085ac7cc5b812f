package form

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// schema builds a one-step form around the given items and rules JSON.
func schema(items string, rules string) string {
	if rules == "" {
		rules = "[]"
	}
	return `{"id":"test","version":"1","title":"Test","steps":[{"id":"s1","title":"Eins","items":[` + items + `]}],"rules":` + rules + `}`
}

func mustParse(t testing.TB, src string) *Form {
	t.Helper()
	f, err := Parse(strings.NewReader(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return f
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want []string // substrings of the error, all must appear
	}{
		{"empty", ``, []string{"leer"}},
		{"syntax", `{"id":`, []string{"endet mitten"}},
		{"unknown key", `{"id":"x","version":"1","title":"T","stepz":[]}`, []string{`unbekannter Schlüssel "stepz"`}},
		{"unknown field key", schema(`{"id":"F1","label":"A","lable":"B"}`, ""), []string{`s1/F1`, `"lable"`}},
		{"wrong type", schema(`{"id":"F1","label":"A","required":"ja"}`, ""), []string{"falschen Typ"}},
		{"no steps", `{"id":"x","version":"1","title":"T","steps":[]}`, []string{"keinen Schritt"}},
		{"bad form id", `{"id":"X Y","version":"1","title":"T","steps":[{"id":"s","title":"S","items":[{"id":"F1","label":"A"}]}]}`, []string{"Formular-ID"}},
		{"missing title and version", `{"id":"x","steps":[{"id":"s","title":"S","items":[{"id":"F1","label":"A"}]}]}`, []string{"Version fehlt", "Titel des Formulars"}},
		{"empty step", `{"id":"x","version":"1","title":"T","steps":[{"id":"s","title":"S","items":[]}]}`, []string{"keine Felder"}},
		{"duplicate step", `{"id":"x","version":"1","title":"T","steps":[{"id":"s","title":"S","items":[{"id":"F1","label":"A"}]},{"id":"s","title":"S","items":[{"id":"F2","label":"A"}]}]}`, []string{`Schritt-ID "s" kommt mehrfach`}},
		{"item without id", schema(`{"label":"A"}`, ""), []string{"mit F (Feld) oder G (Gruppe)"}},
		{"duplicate id", schema(`{"id":"F1","label":"A"},{"id":"G1","title":"G","items":[{"id":"F1","label":"B"}]}`, ""), []string{`"F1" kommt mehrfach`}},
		{"bad kind and type", schema(`{"id":"F1","label":"A","kind":"slider"},{"id":"F2","label":"B","type":"money"}`, ""), []string{`Feldart "slider"`, `Datentyp "money"`}},
		{"missing label", schema(`{"id":"F1"}`, ""), []string{"keine Beschriftung"}},
		{"select without options", schema(`{"id":"F1","label":"A","kind":"select"}`, ""), []string{"options oder eine codeList"}},
		{"empty code list", `{"id":"x","version":"1","title":"T","codeLists":{"l":{"values":[]}},"steps":[{"id":"s","title":"S","items":[{"id":"F1","label":"A","kind":"select","codeList":"l"}]}]}`, []string{"codeLists/l", "keine Werte"}},
		{"unknown code list", schema(`{"id":"F1","label":"A","kind":"select","codeList":"nope"}`, ""), []string{`Codeliste "nope" gibt es nicht`}},
		{"duplicate code", schema(`{"id":"F1","label":"A","kind":"select","options":[{"code":"a","label":"A"},{"code":"a","label":"B"}]}`, ""), []string{`Code "a" kommt mehrfach`}},
		{"code type", schema(`{"id":"F1","label":"A","kind":"select","type":"num_int","options":[{"code":"x","label":"A"}]}`, ""), []string{`"x" passt nicht zum Datentyp num_int`}},
		{"options on input", schema(`{"id":"F1","label":"A","options":[{"code":"a","label":"A"}]}`, ""), []string{"nur für Felder der Art select"}},
		{"bad pattern", schema(`{"id":"F1","label":"A","pattern":"[0-9"}`, ""), []string{"kein gültiger regulärer Ausdruck"}},
		{"pattern on date", schema(`{"id":"F1","label":"A","type":"date","pattern":"x"}`, ""), []string{"gelten nur für Text"}},
		{"length order", schema(`{"id":"F1","label":"A","minLength":5,"maxLength":2}`, ""), []string{"minLength (5) ist größer als maxLength (2)"}},
		{"bad bounds", schema(`{"id":"F1","label":"A","type":"date","min":"morgen"},{"id":"F2","label":"B","type":"num","min":10,"max":"1"}`, ""), []string{`"morgen" ist kein Datum`, "min (10) ist größer als max (1)"}},
		{"bad default", schema(`{"id":"F1","label":"A","type":"num_int","default":"zwei"}`, ""), []string{`Vorgabewert "zwei"`}},
		{"bad autocomplete", schema(`{"id":"F1","label":"A","autocomplete":"vorname"}`, ""), []string{`"vorname" ist kein gültiger autocomplete-Wert`}},
		{"bad widget", schema(`{"id":"F1","label":"A","widget":"checkbox"}`, ""), []string{`Bedienelement "checkbox"`}},
		{"required label", schema(`{"id":"F1","kind":"label","content":"Hinweis","required":true}`, ""), []string{"required gilt nur"}},
		{"file on locked", schema(`{"id":"F0","label":"X"},{"id":"F1","label":"A","kind":"locked","type":"file"}`, ""), []string{"nur mit der Feldart input"}},
		{"only hidden", schema(`{"id":"F1","kind":"hidden"}`, ""), []string{"nur versteckte Felder"}},
		{"bad cardinality", schema(`{"id":"G1","title":"G","cardinality":"3:2","items":[{"id":"F1","label":"A"}]}`, ""), []string{`Anzahl "3:2" ist nicht sinnvoll`}},
		{"cardinality syntax", schema(`{"id":"G1","title":"G","cardinality":"viele","items":[{"id":"F1","label":"A"}]}`, ""), []string{"min:max"}},
		{"too many instances", schema(`{"id":"G1","title":"G","cardinality":"1:1000","items":[{"id":"F1","label":"A"}]}`, ""), []string{"zu groß"}},
		{"group without title", schema(`{"id":"G1","items":[{"id":"F1","label":"A"}]}`, ""), []string{"keinen Titel"}},
		{"unknown name in condition", schema(`{"id":"F1","label":"A","visibleIf":"F9 == true"}`, ""), []string{`Sichtbarkeit „F9 == true“`, `"F9" gibt es nicht`}},
		{"condition not bool", schema(`{"id":"F1","label":"A"},{"id":"F2","label":"B","visibleIf":"len(F1) + 1"}`, ""), []string{"Sichtbarkeit"}},
		{"method call", schema(`{"id":"F1","label":"A","type":"date"},{"id":"F2","label":"B","visibleIf":"F1.Year() > 2000"}`, ""), []string{"Methodenaufrufe"}},
		{"range", schema(`{"id":"F1","label":"A"},{"id":"F2","label":"B","visibleIf":"len(1..100000000) > 0"}`, ""), []string{`Operator ".."`}},
		{"disabled builtin", schema(`{"id":"F1","label":"A"},{"id":"F2","label":"B","visibleIf":"now() != nil"}`, ""), []string{"now"}},
		{"matches", schema(`{"id":"F1","label":"A"},{"id":"F2","label":"B","visibleIf":"F1 matches 'a+'"}`, ""), []string{`"matches"`}},
		{"env", schema(`{"id":"F1","label":"A"},{"id":"F2","label":"B","visibleIf":"$env.F1 == 'a'"}`, ""), []string{"$env"}},
		{"too many loops", schema(`{"id":"G1","title":"G","cardinality":"0:5","items":[{"id":"F1","label":"A"}]},{"id":"F2","label":"B","visibleIf":"all(G1, any(G1, all(G1, true)))"}`, ""), []string{"Schleifen"}},
		{"repeat scope", schema(`{"id":"G1","title":"G","cardinality":"0:5","items":[{"id":"F1","label":"A"}]},{"id":"F2","label":"B","visibleIf":"F1 == 'x'"}`, ""), []string{"liegt in der wiederholbaren Gruppe G1"}},
		{"later step", `{"id":"x","version":"1","title":"T","steps":[{"id":"a","title":"A","visibleIf":"F2 == true","items":[{"id":"F1","label":"A"}]},{"id":"b","title":"B","items":[{"id":"F2","label":"B","type":"bool"}]}]}`, []string{"erst im späteren Schritt „b“"}},
		{"rule problems", schema(`{"id":"F1","label":"A"},{"id":"F2","label":"B"}`, `[
			{"id":"R1","kind":"validate","field":"F9","expr":"true","message":"x"},
			{"id":"R2","kind":"validate","field":"F1","expr":"true"},
			{"id":"R3","kind":"calculate","field":"F1","expr":"1"},
			{"id":"R4","kind":"explain"},
			{"id":"R4","kind":"note"},
			{"id":"X5","kind":"note","description":"d"}]`), []string{`Feld "F9" gibt es nicht`, "keine Fehlermeldung", "hidden oder locked", `Regelart "explain"`, `"R4" kommt mehrfach`, "Notiz hat keinen Text", `Regel-ID "X5"`}},
		{"self calculation", schema(`{"id":"F1","label":"A"},{"id":"F2","label":"B","kind":"locked","type":"num"}`, `[{"id":"R1","kind":"calculate","field":"F2","expr":"(F2 ?? 0) + 1"}]`), []string{"liest ihr eigenes Ergebnis"}},
		{"double calculation", schema(`{"id":"F1","label":"A"},{"id":"F2","label":"B","kind":"locked","type":"num"}`, `[{"id":"R1","kind":"calculate","field":"F2","expr":"1"},{"id":"R2","kind":"calculate","field":"F2","expr":"2"}]`), []string{"schon von R1 berechnet"}},
		{"deep nesting", schema(strings.Repeat(`{"id":"G1","title":"G","items":[`, 10)+`{"id":"F1","label":"A"}`+strings.Repeat(`]}`, 10), ""), []string{"tiefer als 8 Ebenen"}},
		{"trailing data", schema(`{"id":"F1","label":"A"}`, "") + `{}`, []string{"weitere Daten"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(strings.NewReader(tt.src))
			var se *SchemaError
			if !errors.As(err, &se) {
				t.Fatalf("Parse error = %v, want *SchemaError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

func TestParseReportsAllProblems(t *testing.T) {
	t.Parallel()
	_, err := Parse(strings.NewReader(schema(`{"id":"F1"},{"id":"F2","label":"B","type":"nope"},{"id":"G3","title":"","items":[]}`, "")))
	var se *SchemaError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v", err)
	}
	if len(se.Problems) != 4 {
		t.Errorf("got %d problems, want 4: %v", len(se.Problems), err)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	t.Parallel()
	for _, id := range BuiltinIDs() {
		f, _ := Builtin(id)
		a, err := json.MarshalIndent(f, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		g, err := Parse(bytes.NewReader(a))
		if err != nil {
			t.Fatalf("%s: re-parse: %v", id, err)
		}
		b, _ := json.MarshalIndent(g, "", "  ")
		if !bytes.Equal(a, b) {
			t.Errorf("%s: round trip differs", id)
		}
	}
}

func TestParseSizeLimit(t *testing.T) {
	t.Parallel()
	big := strings.Repeat(" ", MaxSchemaSize+1)
	if _, err := Parse(strings.NewReader(big)); err == nil || !strings.Contains(err.Error(), "größer als") {
		t.Errorf("err = %v", err)
	}
}
