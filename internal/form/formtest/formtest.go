// Package formtest holds the large-form fixture that the form engine's and
// the web layer's benchmarks share, so that issue 4's comparison (a real
// step page against a bare html/template rendering of the same fields)
// measures the same form and the same answers on both sides.
//
// It deliberately does not import the form package: the form package's own
// tests use it too, and an import would make a cycle.
package formtest

import (
	"fmt"
	"html/template"
	"strings"
)

// Bench60Step is the step of Bench60 that holds the 60 fields.
const Bench60Step = "s1"

// Bench60 returns the JSON of a form whose first step has 60 fields of
// mixed kinds (dates, names, amounts, select radios, yes/no questions and
// postcodes that a yes/no answer shows), and raw answers in which every
// third field is wrong: 20 errors, the error summary of a badly filled page.
func Bench60() (src string, raw map[string][]string) {
	var items []string
	raw = map[string][]string{}
	for i := 1; i <= 60; i++ {
		id := fmt.Sprintf("F%02d", i)
		bad := i%3 == 0
		switch i % 6 {
		case 0:
			items = append(items, fmt.Sprintf(`{"id":%q,"label":"Datum %d","type":"date","required":true,"hint":"TT.MM.JJJJ"}`, id, i))
			raw[id] = []string{map[bool]string{true: "31.02.2024", false: "01.02.2024"}[bad]}
		case 1:
			items = append(items, fmt.Sprintf(`{"id":%q,"label":"Name %d","type":"text_latin","required":true,"maxLength":50,"autocomplete":"family-name"}`, id, i))
			raw[id] = []string{"Mustermann"}
		case 2:
			items = append(items, fmt.Sprintf(`{"id":%q,"label":"Betrag %d","type":"num_currency","min":0,"max":1000}`, id, i))
			raw[id] = []string{"12,50"}
		case 3:
			items = append(items, fmt.Sprintf(`{"id":%q,"label":"Auswahl %d","kind":"select","required":true,"options":[{"code":"a","label":"A"},{"code":"b","label":"B"},{"code":"c","label":"C"}]}`, id, i))
			if !bad {
				raw[id] = []string{"b"}
			}
		case 4:
			items = append(items, fmt.Sprintf(`{"id":%q,"label":"Frage %d","type":"bool","required":true,"hint":"Ja oder Nein"}`, id, i))
			raw[id] = []string{"ja"}
		case 5:
			items = append(items, fmt.Sprintf(`{"id":%q,"label":"PLZ %d","required":true,"pattern":"[0-9]{5}","autocomplete":"postal-code","visibleIf":"F04 == true"}`, id, i))
			raw[id] = []string{"46282"}
		}
	}
	src = `{"id":"bench","version":"1","title":"Bench","steps":[{"id":"` + Bench60Step + `","title":"Viele Felder","items":[` +
		strings.Join(items, ",") + `]},{"id":"s2","title":"Ende","items":[{"id":"F99","label":"Ok","type":"bool"}]}]}`
	return src, raw
}

// BareTemplate renders a list of field views (form.FieldView) the simplest
// way html/template allows: label, hint, error and one input with its
// autocomplete and aria-describedby. It is the ceiling of goal 7.1.5: what
// the HTML of the fields costs before the portal's own markup, functions
// and layout.
var BareTemplate = template.Must(template.New("bare").Parse(`<form method="post">{{range .}}
<div class="kern-form-input"><label for="{{.HTMLID}}">{{.Label}}</label>{{if .Hint}}<div id="{{.HintID}}">{{.Hint}}</div>{{end}}
{{if .Error}}<p id="{{.ErrorID}}" class="kern-error">{{.Error}}</p>{{end}}
<input id="{{.HTMLID}}" name="{{.Name}}" type="text" value="{{.Value}}"{{if .AutoComplete}} autocomplete="{{.AutoComplete}}"{{end}}{{if .DescribedBy}} aria-describedby="{{.DescribedBy}}"{{end}}></div>{{end}}
</form>`))
