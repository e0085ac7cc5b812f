package form

import (
	"fmt"
	"strings"
	"time"
)

func init() { Register(Bool, boolType{}) }

// boolType is a yes/no answer. It renders as two radio buttons ("Ja",
// "Nein", posting "true"/"false") or, with widget "checkbox", as a single
// checkbox; a required checkbox must be ticked (consent, declarations).
type boolType struct{}

var boolWords = map[string]bool{
	"true": true, "ja": true, "j": true, "yes": true, "1": true, "on": true, "wahr": true,
	"false": false, "nein": false, "n": false, "no": false, "0": false, "off": false, "falsch": false,
}

func (boolType) Check(f *Field) []string {
	var out []string
	if f.Min != "" || f.Max != "" {
		out = append(out, "min und max gelten nicht für bool.")
	}
	return append(out, noTextConstraints(f)...)
}

func (boolType) Parse(f *Field, s string) (any, *Issue) {
	if b, ok := boolWords[strings.ToLower(s)]; ok {
		return b, nil
	}
	return nil, issue(f, CodeFormat, fmt.Sprintf("Wählen Sie bei %s „Ja“ oder „Nein“.", quoted(f)))
}

func (boolType) Validate(*Field, any, time.Time) []Issue { return nil }

func (boolType) Format(_ *Field, v any) string {
	if b, ok := v.(bool); ok {
		if b {
			return "true"
		}
		return "false"
	}
	return ""
}

func (boolType) Display(_ *Field, v any) string {
	if b, ok := v.(bool); ok {
		if b {
			return "Ja"
		}
		return "Nein"
	}
	return ""
}

func (boolType) Export(_ *Field, v any) any { return v }
func (boolType) Expr(_ *Field, v any) any   { return v }

func (boolType) FromExpr(_ *Field, x any) (any, bool) {
	b, ok := x.(bool)
	return b, ok
}

func (boolType) JSONSchema(f *Field) map[string]any {
	s := map[string]any{"type": "boolean"}
	if f.Widget == "checkbox" && f.Required {
		s["const"] = true
	}
	return s
}

func (boolType) Input(f *Field) InputHints {
	t := "radio"
	if f.Widget == "checkbox" {
		t = "checkbox"
	}
	return InputHints{Type: t}
}

// boolOptions are the two answers of a yes/no question rendered as radios.
var boolOptions = []Option{{Code: "true", Label: "Ja"}, {Code: "false", Label: "Nein"}}
