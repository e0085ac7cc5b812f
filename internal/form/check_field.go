package form

import (
	"regexp"
	"strings"
)

const maxPatternLen = 500

var kinds = map[Kind]bool{KindInput: true, KindSelect: true, KindLabel: true, KindHidden: true, KindLocked: true}

var inputModes = map[string]bool{"none": true, "text": true, "decimal": true, "numeric": true, "tel": true, "search": true, "email": true, "url": true}

// autocompleteTokens are the HTML autofill field names (WHATWG) a field may use.
var autocompleteTokens = map[string]bool{
	"off": true, "on": true, "name": true, "honorific-prefix": true, "given-name": true, "additional-name": true,
	"family-name": true, "honorific-suffix": true, "nickname": true, "username": true, "organization-title": true,
	"organization": true, "street-address": true, "address-line1": true, "address-line2": true, "address-line3": true,
	"address-level1": true, "address-level2": true, "address-level3": true, "address-level4": true, "country": true,
	"country-name": true, "postal-code": true, "cc-name": true, "language": true, "bday": true, "bday-day": true,
	"bday-month": true, "bday-year": true, "sex": true, "url": true, "photo": true, "tel": true, "tel-country-code": true,
	"tel-national": true, "tel-area-code": true, "tel-local": true, "tel-extension": true, "email": true, "impp": true,
	"shipping": true, "billing": true, "home": true, "work": true, "mobile": true, "fax": true, "pager": true,
}

// validAutocomplete accepts a space-separated list of autofill tokens,
// optionally starting with a "section-…" token.
func validAutocomplete(s string) bool {
	for _, t := range strings.Fields(s) {
		if !autocompleteTokens[t] && !strings.HasPrefix(t, "section-") {
			return false
		}
	}
	return strings.TrimSpace(s) != ""
}

func (c *checker) checkField(path string, f *Field) {
	if !reFieldID.MatchString(f.ID) {
		c.add(path, "Die Feld-ID %q ist ungültig (F, dann Buchstaben, Ziffern oder _).", f.ID)
	}
	if !kinds[f.Kind] {
		c.add(path, "Die Feldart %q gibt es nicht (input, select, label, hidden, locked).", f.Kind)
		return
	}
	t, ok := TypeOf(f.Type)
	if !ok {
		c.add(path, "Den Datentyp %q gibt es nicht.", f.Type)
		return
	}
	f.typ = t
	f.hints = t.Input(f)
	switch f.Kind {
	case KindLabel:
		if f.Type != Text {
			c.add(path, "Ein Feld der Art label hat den Datentyp text.")
		}
		if strings.TrimSpace(f.Content) == "" && strings.TrimSpace(f.Label) == "" {
			c.add(path, "Ein Hinweisfeld (label) braucht einen Text (content).")
		}
	case KindHidden:
	default:
		if strings.TrimSpace(f.Label) == "" {
			c.add(path, "Das Feld hat keine Beschriftung (label).")
		}
	}
	if f.Required && f.Kind != KindInput && f.Kind != KindSelect {
		c.add(path, "required gilt nur für Eingabe- und Auswahlfelder, nicht für %s.", f.Kind)
	}
	if f.Type == File && f.Kind != KindInput {
		c.add(path, "Dateien können nur mit der Feldart input hochgeladen werden.")
	}
	if (len(f.Accept) > 0 || f.MaxSize != 0) && f.Type != File {
		c.add(path, "accept und maxSize gelten nur für Dateien.")
	}
	if f.Unit != "" && f.Type != Num && f.Type != NumInt {
		c.add(path, "unit gilt nur für num und num_int.")
	}
	c.checkChoices(path, f)
	c.checkWidget(path, f)
	if f.AutoComplete != "" && !validAutocomplete(f.AutoComplete) {
		c.add(path, "%q ist kein gültiger autocomplete-Wert (z. B. given-name, family-name, email).", f.AutoComplete)
	}
	if f.InputMode != "" && !inputModes[f.InputMode] {
		c.add(path, "%q ist kein gültiger inputmode.", f.InputMode)
	}
	// Patterns on other types are reported by the type's Check.
	if f.Pattern != "" && (f.Type == Text || f.Type == TextLatin) {
		if len(f.Pattern) > maxPatternLen {
			c.add(path, "Das Muster ist länger als %d Zeichen.", maxPatternLen)
		} else if re, err := regexp.Compile("^(?:" + f.Pattern + ")$"); err != nil {
			c.add(path, "Das Muster %q ist kein gültiger regulärer Ausdruck: %v", f.Pattern, err)
		} else {
			f.pattern = re
		}
	}
	for _, m := range t.Check(f) {
		c.add(path, "%s", m)
	}
	for code := range f.Messages {
		if !problemCodes[code] {
			c.add(path, "Für den Fehlercode %q gibt es keine Meldung zum Überschreiben.", code)
		}
	}
	c.checkDefault(path, f)
}

func (c *checker) checkChoices(path string, f *Field) {
	f.options = nil
	hasChoices := len(f.Options) > 0 || f.CodeList != ""
	if f.Kind != KindSelect {
		if hasChoices {
			c.add(path, "options und codeList gelten nur für Felder der Art select.")
		}
		return
	}
	switch {
	case len(f.Options) > 0 && f.CodeList != "":
		c.add(path, "Geben Sie entweder options oder codeList an, nicht beides.")
		return
	case f.CodeList != "":
		cl, ok := c.f.CodeLists[f.CodeList]
		if !ok {
			c.add(path, "Die Codeliste %q gibt es nicht.", f.CodeList)
			return
		}
		f.options = cl.Values
	case len(f.Options) > 0:
		c.checkOptions(path, f.Options)
		f.options = f.Options
	default:
		c.add(path, "Ein Auswahlfeld braucht options oder eine codeList.")
		return
	}
	for _, o := range f.options {
		if _, iss := f.typ.Parse(f, o.Code); iss != nil && o.Code != "" {
			c.add(path, "Der Code %q passt nicht zum Datentyp %s.", o.Code, f.Type)
		}
	}
}

func (c *checker) checkWidget(path string, f *Field) {
	ok := false
	switch f.Widget {
	case "":
		ok = true
	case "textarea":
		ok = f.Kind == KindInput && (f.Type == Text || f.Type == TextLatin || f.Type == Obj)
	case "radio", "select":
		ok = f.Kind == KindSelect
	case "checkbox":
		ok = f.Kind == KindInput && f.Type == Bool
	}
	if !ok {
		c.add(path, "Das Bedienelement %q passt nicht zu %s/%s.", f.Widget, f.Kind, f.Type)
	}
}

func (c *checker) checkDefault(path string, f *Field) {
	if f.Default == "" {
		return
	}
	if f.Kind == KindLabel {
		c.add(path, "Ein Hinweisfeld hat keinen Vorgabewert; verwenden Sie content.")
		return
	}
	if f.Kind == KindSelect {
		for _, o := range f.options {
			if o.Code == f.Default {
				return
			}
		}
		c.add(path, "Der Vorgabewert %q ist keiner der Codes.", f.Default)
		return
	}
	if _, iss := f.typ.Parse(f, strings.TrimSpace(f.Default)); iss != nil {
		c.add(path, "Der Vorgabewert %q passt nicht zum Datentyp %s.", f.Default, f.Type)
	}
}
