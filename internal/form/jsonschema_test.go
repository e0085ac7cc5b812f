package form

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "rewrite golden files")

// loadSubmission reads an example submission (raw values) for a builtin form.
func loadSubmission(t testing.TB, id string) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "submissions", id+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var flat map[string]string
	if err := json.Unmarshal(data, &flat); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for k, v := range flat {
		out[k] = []string{v}
	}
	return out
}

func compileSchema(t testing.TB, f *Form) *jsonschema.Schema {
	t.Helper()
	b, err := JSONSchema(f)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("form.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("form.schema.json")
	if err != nil {
		t.Fatalf("%s: schema does not compile: %v", f.ID, err)
	}
	return s
}

// instance turns exported values into what a JSON decoder gives.
func instance(t testing.TB, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	x, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestJSONSchemaGolden(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"hundeanmeldung", "test"} {
		var f *Form
		if name == "test" {
			f = testForm(t)
		} else {
			f, _ = Builtin(name)
		}
		got, err := JSONSchema(f)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := JSONSchema(f)
		if !bytes.Equal(got, again) {
			t.Errorf("%s: output not stable", name)
		}
		path := filepath.Join("testdata", name+".schema.json")
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -run Golden -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: JSON Schema differs from %s (run go test -run Golden -update after checking the change)", name, path)
		}
	}
}

// TestBuiltinSubmissions fills every shipped form with a realistic
// example, validates it, and checks the exported JSON against the form's
// JSON Schema.
func TestBuiltinSubmissions(t *testing.T) {
	t.Parallel()
	fees := map[string]struct {
		field string
		want  any
	}{
		"hundeanmeldung":          {"F90100032", Money(69600)},
		"bewohnerparkausweis":     {"F90300024", Money(6140)},
		"sperrmuell-anmelden":     {"F90400033", Money(0)},
		"meldebescheinigung":      {"F90500015", Money(2500)},
		"geburtsurkunde":          {"F90600035", Money(3600)},
		"eheurkunde":              {"F90700035", Money(1200)},
		"sterbeurkunde":           {"F90800033", Money(2400)},
		"sondernutzungserlaubnis": {"F90900028", Money(58125)},
		"buechereiausweis":        {"F91100031", Money(0)},
	}
	for _, id := range BuiltinIDs() {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			f, _ := Builtin(id)
			r := loadSubmission(t, id)
			res := f.Evaluate(r, testNow).ValidateAll()
			if !res.OK() {
				t.Fatalf("example does not validate: %v", res.Problems)
			}
			if fee, ok := fees[id]; ok && !reflect.DeepEqual(res.Values[fee.field], fee.want) {
				t.Errorf("%s = %#v, want %#v", fee.field, res.Values[fee.field], fee.want)
			}
			s := compileSchema(t, f)
			data := f.Export(res.Values)
			if err := s.Validate(instance(t, data)); err != nil {
				t.Errorf("export does not match JSON Schema: %v", err)
			}
			// Breaking the submission must break the schema check.
			for k := range data {
				if fd, ok := f.idx.fields[k]; ok && fd.Required && fd.VisibleIf == "" && fd.group == nil && f.idx.steps[fd.StepID()].VisibleIf == "" {
					broken := map[string]any{}
					for k2, v := range data {
						if k2 != k {
							broken[k2] = v
						}
					}
					if err := s.Validate(instance(t, broken)); err == nil {
						t.Errorf("schema accepts a submission without required %s", k)
					}
					break
				}
			}
			data["F00000000"] = "unbekannt"
			if err := s.Validate(instance(t, data)); err == nil {
				t.Error("schema accepts an unknown key")
			}
		})
	}
}

func TestJSONSchemaRejects(t *testing.T) {
	t.Parallel()
	f := testForm(t)
	s := compileSchema(t, f)
	valid := `{"F1":true,"F15":true,"F5":2,"F6":24,"F3":"2025-05-01","G2":[{"F10":"Rex","F11":false}]}`
	tests := map[string]string{
		"valid":            "",
		"wrong type":       `{"F1":"ja","F15":true}`,
		"bad date":         `{"F1":true,"F15":true,"F3":"01.05.2025"}`,
		"checkbox false":   `{"F1":true,"F15":false}`,
		"too many dogs":    `{"F1":true,"F15":true,"G2":[{"F10":"A","F11":false},{"F10":"B","F11":false},{"F10":"C","F11":false},{"F10":"D","F11":false}]}`,
		"dog without name": `{"F1":true,"F15":true,"G2":[{"F11":false}]}`,
		"unknown option":   `{"F1":true,"F15":true,"F17":"c"}`,
		"cent fraction":    `{"F1":true,"F15":true,"F6":12.345}`,
		"int as float":     `{"F1":true,"F15":true,"F5":2.5}`,
	}
	for name, doc := range tests {
		if doc == "" {
			doc = valid
		}
		x, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		err = s.Validate(x)
		if (err == nil) != (name == "valid") {
			t.Errorf("%s: Validate = %v", name, err)
		}
	}
}
