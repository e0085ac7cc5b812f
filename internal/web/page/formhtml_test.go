package page

import (
	"encoding/json"
	"fmt"
	"html/template"
	"strings"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/form"
	"github.com/serviceportal/serviceportal/internal/form/formtest"
)

// hostile is put in every text a form author or a citizen controls: it
// holds every character html/template escapes, a NUL, a closing tag, an
// event handler, non-ASCII text and a byte that is not UTF-8 (JSON turns
// it into U+FFFD in the form, answers keep it).
const hostile = "</textarea><script>alert(\"x'&+\")</script>\x00 onmouseover=x ü€\xff"

// hostileForm has every control the step page renders (text, date,
// amount with unit, textarea, radio with option hints, select, checkbox,
// locked value, label text, file with upload, plain and repeatable groups)
// with hostile labels, hints and options.
func hostileForm(t *testing.T) *form.Form {
	t.Helper()
	h, _ := json.Marshal(hostile)
	src := strings.NewReplacer("H", string(h)).Replace(`{"id":"hostile","version":"1","title":"X","steps":[{"id":"s1","title":"Alles","hint":H,"items":[
	{"id":"F01","label":H,"hint":H,"required":true,"autocomplete":"street-address","maxLength":40},
	{"id":"F02","label":H,"type":"date"},
	{"id":"F03","label":H,"type":"num","unit":H},
	{"id":"F04","label":H,"widget":"textarea"},
	{"id":"F05","label":H,"kind":"select","hint":H,"options":[{"code":"a","label":H,"hint":H},{"code":"b","label":H,"hint":H}]},
	{"id":"F06","label":H,"kind":"select","widget":"select","required":true,"options":[{"code":"a","label":H},{"code":"b","label":H}]},
	{"id":"F07","label":H,"type":"bool","widget":"checkbox","hint":H,"required":true},
	{"id":"F08","label":H,"kind":"locked","type":"num_currency","default":"12.5"},
	{"id":"F09","kind":"label","content":H},
	{"id":"F10","label":H,"type":"file","accept":["application/pdf","image/png"],"maxSize":1048576},
	{"id":"F11","label":H,"type":"bool","required":true},
	{"id":"F12","label":H,"visibleIf":"F11 == true"},
	{"id":"G01","title":H,"hint":H,"items":[{"id":"F13","label":H,"required":true}]},
	{"id":"G02","title":H,"hint":H,"cardinality":"2:3","itemLabel":H,"items":[
		{"id":"F14","label":H,"required":true},
		{"id":"G03","title":H,"items":[{"id":"F15","label":H,"type":"file"}]}
	]}
]},{"id":"s2","title":"Ende","items":[{"id":"F99","label":"Ok","type":"bool"}]}]}`)
	f, err := form.Parse(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestFormItemsMatchTemplate holds formItems to the template it replaced:
// for every step of every shipped form, empty and with the errors of an
// empty post, for the 60-field benchmark form and for a form full of
// hostile strings and answers, the bytes must be the same as
// testdata/form_fields.html renders through html/template. That keeps the
// markup and, above all, html/template's escaping.
func TestFormItemsMatchTemplate(t *testing.T) {
	ref := template.Must(template.New("ref").Funcs(template.FuncMap{"width": widthClass}).ParseFiles("testdata/form_fields.html"))
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	check := func(name string, f *form.Form, raw map[string][]string) {
		t.Helper()
		st := f.Evaluate(raw, now)
		for _, step := range f.Steps {
			res, err := st.ValidateStep(step.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, problems := range [][]form.Problem{nil, res.Problems} {
				v, err := st.Step(step.ID, problems)
				if err != nil {
					t.Fatal(err)
				}
				var want strings.Builder
				if err := ref.ExecuteTemplate(&want, "items", v.Items); err != nil {
					t.Fatal(err)
				}
				if got := string(formItems(v.Items)); got != want.String() {
					t.Errorf("%s, step %s, %d problems: differs from the template at byte %d\ngot:  %q\nwant: %q",
						name, step.ID, len(problems), firstDiff(got, want.String()), around(got, want.String()), around(want.String(), got))
				}
			}
		}
	}
	for _, id := range form.BuiltinIDs() {
		f, err := form.Builtin(id)
		if err != nil {
			t.Fatal(err)
		}
		check(id, f, nil)
	}
	src, raw := formtest.Bench60()
	bench, err := form.Parse(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	check("bench60", bench, raw)

	f := hostileForm(t)
	answers := map[string][]string{}
	for _, name := range []string{"F01", "F02", "F03", "F04", "F05", "F06", "F12", "F13", "G02[0].F14", "G02[1].F14"} {
		answers[name] = []string{hostile}
	}
	answers["F07"], answers["F11"] = []string{"true"}, []string{"ja"}
	upload := form.EncodeFileRef(form.FileRef{ID: "a1", Name: hostile + ".pdf", Size: 1234, MediaType: "application/pdf"})
	answers["F10"], answers["G02[1].G03.F15"] = []string{upload}, []string{upload}
	check("hostile", f, answers)
	check("hostile, empty", f, nil)
	got := string(formItems(mustStep(t, f, answers).Items))
	if strings.Contains(got, "<script") || !strings.Contains(got, "&lt;script&gt;") {
		t.Errorf("hostile text not escaped:\n%s", got)
	}
	// An option's hint is announced with its radio button (the template
	// used to give every option's hint the field's hint id).
	if !strings.Contains(got, `id="f-F05-1" name="F05" value="b" aria-describedby="f-F05-1-hint">`) || !strings.Contains(got, `<div class="kern-hint" id="f-F05-1-hint">`) {
		t.Errorf("option hint not tied to its radio button:\n%s", got)
	}
}

func mustStep(t *testing.T, f *form.Form, raw map[string][]string) *form.StepView {
	t.Helper()
	v, err := f.RenderStep("s1", raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func firstDiff(a, b string) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

// around shows a from a little before its first difference with b.
func around(a, b string) string {
	i := max(firstDiff(a, b)-80, 0)
	return fmt.Sprint(a[i:min(len(a), i+240)])
}

// BenchmarkFormItems measures the fields of the 60-field step alone.
func BenchmarkFormItems(b *testing.B) {
	src, raw := formtest.Bench60()
	f, err := form.Parse(strings.NewReader(src))
	if err != nil {
		b.Fatal(err)
	}
	st := f.Evaluate(raw, time.Now())
	res, _ := st.ValidateStep(formtest.Bench60Step)
	v, _ := st.Step(formtest.Bench60Step, res.Problems)
	b.ReportAllocs()
	for b.Loop() {
		if len(formItems(v.Items)) == 0 {
			b.Fatal("empty")
		}
	}
}
