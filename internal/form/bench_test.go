package form

import (
	"fmt"
	"html/template"
	"io"
	"strings"
	"testing"
)

// benchForm builds a form whose first step has 60 fields of mixed types,
// and raw values in which every third field is wrong.
func benchForm(b *testing.B) (*Form, map[string][]string) {
	b.Helper()
	var items []string
	r := map[string][]string{}
	for i := 1; i <= 60; i++ {
		id := fmt.Sprintf("F%02d", i)
		bad := i%3 == 0
		switch i % 6 {
		case 0:
			items = append(items, fmt.Sprintf(`{"id":%q,"label":"Datum %d","type":"date","required":true,"hint":"TT.MM.JJJJ"}`, id, i))
			r[id] = []string{map[bool]string{true: "31.02.2024", false: "01.02.2024"}[bad]}
		case 1:
			items = append(items, fmt.Sprintf(`{"id":%q,"label":"Name %d","type":"text_latin","required":true,"maxLength":50,"autocomplete":"family-name"}`, id, i))
			r[id] = []string{"Mustermann"}
		case 2:
			items = append(items, fmt.Sprintf(`{"id":%q,"label":"Betrag %d","type":"num_currency","min":0,"max":1000}`, id, i))
			r[id] = []string{"12,50"}
		case 3:
			items = append(items, fmt.Sprintf(`{"id":%q,"label":"Auswahl %d","kind":"select","required":true,"options":[{"code":"a","label":"A"},{"code":"b","label":"B"},{"code":"c","label":"C"}]}`, id, i))
			if !bad {
				r[id] = []string{"b"}
			}
		case 4:
			items = append(items, fmt.Sprintf(`{"id":%q,"label":"Frage %d","type":"bool","required":true,"hint":"Ja oder Nein"}`, id, i))
			r[id] = []string{"ja"}
		case 5:
			items = append(items, fmt.Sprintf(`{"id":%q,"label":"PLZ %d","required":true,"pattern":"[0-9]{5}","autocomplete":"postal-code","visibleIf":"F04 == true"}`, id, i))
			r[id] = []string{"46282"}
		}
	}
	src := `{"id":"bench","version":"1","title":"Bench","steps":[{"id":"s1","title":"Viele Felder","items":[` +
		strings.Join(items, ",") + `]},{"id":"s2","title":"Ende","items":[{"id":"F99","label":"Ok","type":"bool"}]}]}`
	return mustParse(b, src), r
}

// BenchmarkRenderModel measures building the rendering model of a 60-field
// step with errors (evaluation included, validation done beforehand), the
// part the web layer adds on top of executing the HTML template.
func BenchmarkRenderModel(b *testing.B) {
	f, r := benchForm(b)
	res, _ := f.Evaluate(r, testNow).ValidateStep("s1")
	if len(res.Problems) < 10 {
		b.Fatalf("want errors, got %d", len(res.Problems))
	}
	b.ReportAllocs()
	for b.Loop() {
		v, err := f.Evaluate(r, testNow).Step("s1", res.Problems)
		if err != nil || len(v.Errors) != len(res.Problems) {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateStep measures validating the same post.
func BenchmarkValidateStep(b *testing.B) {
	f, r := benchForm(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Evaluate(r, testNow).ValidateStep("s1"); err != nil {
			b.Fatal(err)
		}
	}
}

// bareTemplate renders 60 fields the simplest way, for comparing the model
// cost with the cost of the HTML itself (run both benchmarks together).
var bareTemplate = template.Must(template.New("bare").Parse(`<form method="post">{{range .}}
<div class="kern-form-input"><label for="{{.HTMLID}}">{{.Label}}</label>{{if .Hint}}<div id="{{.HintID}}">{{.Hint}}</div>{{end}}
{{if .Error}}<p id="{{.ErrorID}}" class="kern-error">{{.Error}}</p>{{end}}
<input id="{{.HTMLID}}" name="{{.Name}}" type="text" value="{{.Value}}"{{if .AutoComplete}} autocomplete="{{.AutoComplete}}"{{end}}{{if .DescribedBy}} aria-describedby="{{.DescribedBy}}"{{end}}></div>{{end}}
</form>`))

func BenchmarkBareTemplate60(b *testing.B) {
	f, r := benchForm(b)
	st := f.Evaluate(r, testNow)
	res, _ := st.ValidateStep("s1")
	v, _ := st.Step("s1", res.Problems)
	fields := make([]*FieldView, 0, len(v.Items))
	for _, it := range v.Items {
		fields = append(fields, it.Field)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := bareTemplate.Execute(io.Discard, fields); err != nil {
			b.Fatal(err)
		}
	}
}
