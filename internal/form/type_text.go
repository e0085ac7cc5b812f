package form

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

func init() { Register(Text, textType{}) }

// textType is free text. text_latin (type_text_latin.go) shares it and adds
// a character-set check.
type textType struct {
	latin bool
}

func (textType) Check(f *Field) []string {
	var out []string
	if f.MinLength < 0 || f.MaxLength < 0 {
		out = append(out, "minLength und maxLength dürfen nicht negativ sein.")
	}
	if f.MaxLength > 0 && f.MinLength > f.MaxLength {
		out = append(out, fmt.Sprintf("minLength (%d) ist größer als maxLength (%d).", f.MinLength, f.MaxLength))
	}
	if f.Min != "" || f.Max != "" {
		out = append(out, "min und max gelten nicht für Text; verwenden Sie minLength und maxLength.")
	}
	return out
}

func (t textType) Parse(f *Field, s string) (any, *Issue) {
	if !utf8.ValidString(s) {
		return nil, issue(f, CodeFormat, fmt.Sprintf("Die Eingabe bei %s enthält ungültige Zeichen. Geben Sie den Text erneut ein.", quoted(f)))
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if f.Widget != "textarea" {
		// Browsers drop line breaks from one-line inputs; pasted ones become spaces.
		s = strings.Join(strings.Fields(s), " ")
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return nil, issue(f, CodeFormat, fmt.Sprintf("Die Eingabe bei %s enthält unsichtbare Steuerzeichen. Geben Sie den Text erneut ein, ohne ihn einzufügen.", quoted(f)))
		}
	}
	return s, nil
}

func (t textType) Validate(f *Field, v any, _ time.Time) []Issue {
	s, _ := v.(string)
	var out []Issue
	n := utf8.RuneCountInString(s)
	if f.MinLength > 0 && n < f.MinLength {
		out = append(out, *issue(f, CodeMinLength, fmt.Sprintf("Geben Sie bei %s mindestens %d Zeichen ein.", quoted(f), f.MinLength)))
	}
	if f.MaxLength > 0 && n > f.MaxLength {
		out = append(out, *issue(f, CodeMaxLength, fmt.Sprintf("%s darf höchstens %d Zeichen lang sein. Kürzen Sie die Eingabe um %d Zeichen.", quoted(f), f.MaxLength, n-f.MaxLength)))
	}
	if t.latin {
		if bad, ok := firstNonLatin(s); !ok {
			out = append(out, *issue(f, CodeCharset, fmt.Sprintf("Das Zeichen „%c“ ist bei %s nicht erlaubt. Verwenden Sie lateinische Buchstaben und übliche Satzzeichen.", bad, quoted(f))))
		}
	}
	if f.pattern != nil && !f.pattern.MatchString(s) {
		out = append(out, *issue(f, CodePattern, fmt.Sprintf("Prüfen Sie die Eingabe bei %s: Sie hat nicht das erwartete Format.", quoted(f))))
	}
	return out
}

func (textType) Format(_ *Field, v any) string  { s, _ := v.(string); return s }
func (textType) Display(_ *Field, v any) string { s, _ := v.(string); return s }
func (textType) Export(_ *Field, v any) any     { return v }
func (textType) Expr(_ *Field, v any) any       { return v }

func (textType) FromExpr(_ *Field, x any) (any, bool) {
	switch x := x.(type) {
	case string:
		return x, true
	case int:
		return fmt.Sprint(x), true
	case float64:
		return formatFloat(x), true
	case bool:
		if x {
			return "Ja", true
		}
		return "Nein", true
	}
	return nil, false
}

func (textType) JSONSchema(f *Field) map[string]any {
	s := map[string]any{"type": "string"}
	if f.MinLength > 0 {
		s["minLength"] = f.MinLength
	}
	if f.MaxLength > 0 {
		s["maxLength"] = f.MaxLength
	}
	if f.Pattern != "" {
		s["pattern"] = "^(?:" + f.Pattern + ")$"
	}
	return s
}

func (textType) Input(f *Field) InputHints {
	h := InputHints{Type: "text", AutoComplete: f.AutoComplete, InputMode: f.InputMode, Spellcheck: true}
	switch f.AutoComplete {
	case "email":
		h.Type, h.Spellcheck = "email", false
	case "tel", "tel-national":
		h.Type, h.Spellcheck = "tel", false
	case "url":
		h.Type, h.Spellcheck = "url", false
	case "postal-code":
		h.Spellcheck, h.Width = false, 10
		if h.InputMode == "" {
			h.InputMode = "numeric"
		}
	case "":
	default:
		h.Spellcheck = false // names and addresses are not dictionary words
	}
	if f.Widget == "textarea" {
		h.Type = "textarea"
	}
	if f.MaxLength > 0 && f.MaxLength <= 20 && h.Type == "text" {
		h.Width = f.MaxLength
	}
	return h
}
