package form

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob("schemas/*.json")
	paths = append(paths, "testdata/test-form.json")
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(schema(`{"id":"F1","label":"A","visibleIf":"count(G1, .F2 > 1) > 0"}`, "")))
	f.Fuzz(func(t *testing.T, data []byte) {
		form, err := Parse(bytes.NewReader(data))
		if err != nil {
			if form != nil {
				t.Fatal("form and error")
			}
			return
		}
		// A parsed form must survive a round trip and evaluate without panics.
		out, err := json.Marshal(form)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(bytes.NewReader(out)); err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		st := form.Evaluate(nil, testNow)
		st.ValidateAll()
		st.Summary()
		for _, s := range form.Steps {
			if _, err := st.Step(s.ID, nil); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := JSONSchema(form); err != nil {
			t.Fatal(err)
		}
	})
}

// encodeRaw writes raw values as a query string, the fuzzer's input format.
func encodeRaw(r map[string][]string) string {
	return url.Values(r).Encode()
}

func FuzzValidate(f *testing.F) {
	forms := []*Form{testForm(f)}
	for _, id := range BuiltinIDs() {
		b, _ := Builtin(id)
		forms = append(forms, b)
	}
	schemas := make([]interface{ Validate(any) error }, len(forms))
	for i, fm := range forms {
		schemas[i] = compileSchema(f, fm)
	}
	f.Add(uint8(0), encodeRaw(raw("F1", "ja", "G2.count", "2", "G2[0].F10", "Rex", "G2[1].F11", "ja", "F5", "1.000")), "remove:G2[0]")
	f.Add(uint8(0), encodeRaw(raw("F1", "nein", "F3", "31.02.2024", "F5", "", "G2[0].G3[5].F13", "x")), "add:G2[0].G3")
	for i, id := range BuiltinIDs() {
		f.Add(uint8(i+1), encodeRaw(loadSubmission(f, id)), "")
	}
	f.Fuzz(func(t *testing.T, which uint8, query string, action string) {
		fm := forms[int(which)%len(forms)]
		r, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		st := fm.Evaluate(r, testNow)
		res := st.ValidateAll()
		for _, s := range fm.Steps {
			if _, err := st.ValidateStep(s.ID); err != nil {
				t.Fatal(err)
			}
			v, err := st.Step(s.ID, res.Problems)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range v.Errors {
				if !strings.HasPrefix(e.Href, "#") || e.Message == "" {
					t.Fatalf("bad error link %+v", e)
				}
			}
			if _, err := fm.MergeStep(s.ID, r, r); err != nil {
				t.Fatal(err)
			}
		}
		st.Summary()
		for _, p := range res.Problems {
			if p.Message == "" || p.Code == "" || p.StepID == "" {
				t.Fatalf("incomplete problem %+v", p)
			}
		}
		data := fm.Export(res.Values)
		if _, err := json.Marshal(data); err != nil {
			t.Fatal(err)
		}
		if res.OK() {
			// Whatever the engine accepts must match the form's JSON Schema.
			if err := schemas[int(which)%len(forms)].Validate(instance(t, data)); err != nil {
				t.Fatalf("accepted submission fails the JSON Schema: %v\n%v", err, data)
			}
		}
		if action != "" {
			if out, err := fm.ApplyAction(r, action); err == nil {
				fm.Evaluate(out, testNow).ValidateAll()
			}
		}
	})
}
