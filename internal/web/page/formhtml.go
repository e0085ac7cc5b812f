package page

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/serviceportal/serviceportal/internal/form"
)

// formItems writes the fields and groups of a form step: labels, hints,
// errors, the aria-describedby and aria-invalid wiring, fieldsets for
// radio buttons and groups, the instances of repeatable groups with their
// buttons.
//
// It is Go rather than template markup for one reason: cost. html/template
// looks up every {{.Field}} by reflection and calls its escaper through
// reflection, and a field's markup needs twenty or more such actions. A
// 60-field step with errors took about 3.6 times a bare html/template
// rendering of the same fields; goal 7.1.5 allows 1.5 (BenchmarkStepPage60
// in internal/web measures it).
//
// Escaping is html/template's own: every value goes through e, which
// replaces what html/template's escapers replace in text, in RCDATA
// (textarea) and in double-quoted attributes. The markup has no URL,
// script, style or unquoted attribute, the only other contexts
// html/template would treat differently. TestFormItemsMatchTemplate renders
// every shipped form and a form of hostile strings both ways
// (testdata/form_fields.html is the template this replaced) and demands
// the same bytes.
func formItems(items []form.ItemView) template.HTML {
	var w htmlWriter
	w.Grow(len(items) * 600)
	w.items(items)
	return template.HTML(w.String()) // #nosec G203 -- every value went through e, which escapes as html/template does (TestFormItemsMatchTemplate, FuzzEscapeMatchesTemplate)
}

// htmlWriter builds the markup; s writes markup, e writes an escaped value.
type htmlWriter struct{ strings.Builder }

func (w *htmlWriter) s(markup string) { w.WriteString(markup) }

// e writes v escaped as html/template's htmlEscaper, attrEscaper and
// rcdataEscaper do for plain strings (htmlReplacementTable): NUL becomes
// U+FFFD, and " & ' + < > become entities. These are all ASCII, so going
// through bytes is the same as going through runes, and other bytes,
// invalid UTF-8 included, pass unchanged as they do there.
func (w *htmlWriter) e(v string) {
	last := 0
	for i := 0; i < len(v); i++ {
		var repl string
		switch v[i] {
		case 0:
			repl = "\uFFFD"
		case '"':
			repl = "&#34;"
		case '&':
			repl = "&amp;"
		case '\'':
			repl = "&#39;"
		case '+':
			repl = "&#43;"
		case '<':
			repl = "&lt;"
		case '>':
			repl = "&gt;"
		default:
			continue
		}
		w.WriteString(v[last:i])
		w.WriteString(repl)
		last = i + 1
	}
	w.WriteString(v[last:])
}

// attr writes ` name="value"` when value is not empty.
func (w *htmlWriter) attr(name, value string) {
	if value != "" {
		w.s(" ")
		w.s(name)
		w.s(`="`)
		w.e(value)
		w.s(`"`)
	}
}

// flag writes markup when on is true: a class, " hidden", " checked".
func (w *htmlWriter) flag(on bool, markup string) {
	if on {
		w.s(markup)
	}
}

func (w *htmlWriter) items(items []form.ItemView) {
	for _, it := range items {
		switch {
		case it.Field != nil:
			w.field(it.Field)
		case it.Group != nil:
			w.group(it.Group)
		}
	}
}

// hint and errorText write a field's or group's hint and error lines, the
// targets of its aria-describedby; nothing when there is no text.
func (w *htmlWriter) hint(text, id string)      { w.note("div", "kern-hint", text, id) }
func (w *htmlWriter) errorText(text, id string) { w.note("p", "kern-error", text, id) }

func (w *htmlWriter) note(tag, class, text, id string) {
	if text == "" {
		return
	}
	w.s("<" + tag + ` class="` + class + `" id="`)
	w.e(id)
	w.s(`">`)
	w.e(text)
	w.s("</" + tag + ">")
}

// group writes a fieldset; a repeatable group's holds its instances, the
// hidden count, its error and the add and remove buttons.
func (w *htmlWriter) group(g *form.GroupView) {
	w.s("\n\n" + `<fieldset class="kern-fieldset sp-group`)
	w.flag(g.Repeatable && g.Error != "", " kern-fieldset--error")
	w.s(`" id="`)
	w.e(g.HTMLID)
	w.s(`"`)
	w.flag(!g.Visible, " hidden")
	w.s(">\n  " + `<legend class="kern-label kern-label--large">`)
	w.e(g.Legend)
	w.s("</legend>\n  ")
	w.hint(g.Hint, g.HintID)
	if !g.Repeatable {
		w.s("\n  " + `<div class="kern-fieldset__body">`)
		w.items(g.Items)
		w.s("</div>\n</fieldset>\n\n")
		return
	}
	w.s("\n  ")
	w.errorText(g.Error, g.ErrorID)
	w.s("\n  " + `<input type="hidden" name="`)
	w.e(g.CountName)
	w.s(`" value="` + strconv.Itoa(g.Count) + "\">\n  ")
	for _, in := range g.Instances {
		w.s("\n  " + `<fieldset class="kern-fieldset sp-instance" id="`)
		w.e(in.HTMLID)
		w.s("\">\n    " + `<legend class="kern-label">`)
		w.e(in.Legend)
		w.s("</legend>\n    " + `<div class="kern-fieldset__body">`)
		w.items(in.Items)
		w.s("</div>\n    ")
		if in.CanRemove {
			w.button("tertiary", in.RemoveAction, in.RemoveLabel)
		}
		w.s("\n  </fieldset>\n  ")
	}
	w.s("\n  ")
	if g.CanAdd {
		w.button("secondary", g.AddAction, g.AddLabel)
	}
	w.s("\n</fieldset>\n\n")
}

// button writes an add or remove button of a repeatable group.
func (w *htmlWriter) button(kind, action, label string) {
	w.s(`<button class="kern-btn kern-btn--` + kind + `" type="submit" name="action" value="`)
	w.e(action)
	w.s(`"><span class="kern-label">`)
	w.e(label)
	w.s(`</span></button>`)
}

func (w *htmlWriter) field(f *form.FieldView) {
	switch f.Control {
	case "label":
		w.s("\n" + `<p class="sp-text"`)
		w.flag(!f.Visible, " hidden")
		w.s(">")
		w.e(f.Content)
		w.s("</p>\n\n")
	case "radio":
		w.radio(f)
	case "checkbox":
		w.checkbox(f)
	default:
		w.input(f)
	}
}

// radio writes radio buttons in a fieldset that carries the field's label,
// hint, error and aria-describedby; an option's own hint is tied to its
// button.
func (w *htmlWriter) radio(f *form.FieldView) {
	w.s("\n\n" + `<fieldset class="kern-fieldset`)
	w.flag(f.Error != "", " kern-fieldset--error")
	w.s(`" id="`)
	w.e(f.HTMLID)
	w.s(`-gruppe"`)
	w.flag(!f.Visible, " hidden")
	w.attr("aria-describedby", f.DescribedBy)
	w.s(">\n  " + `<legend class="kern-label">`)
	w.e(f.Label)
	w.flag(!f.Required, ` <span class="kern-label__optional">(freiwillig)</span>`)
	w.s("</legend>\n  ")
	w.hint(f.Hint, f.HintID)
	w.s("\n  ")
	w.errorText(f.Error, f.ErrorID)
	w.s("\n  " + `<div class="kern-fieldset__body">` + "\n  ")
	for _, o := range f.Options {
		w.s(`<div class="kern-form-check"><input class="kern-form-check__radio`)
		w.flag(f.Error != "", " kern-form-check__radio--error")
		w.s(`" type="radio"`)
		w.idName(o.HTMLID, f.Name)
		w.s(` value="`)
		w.e(o.Value)
		w.s(`"`)
		w.flag(o.Selected, " checked")
		w.attr("aria-describedby", o.HintID)
		w.s(`><label class="kern-label" for="`)
		w.e(o.HTMLID)
		w.s(`">`)
		w.e(o.Label)
		w.s(`</label>`)
		w.hint(o.Hint, o.HintID)
		w.s(`</div>`)
	}
	w.s("\n  </div>\n</fieldset>\n\n")
}

// checkbox writes a single box; the hidden input before it sends "" when
// the box is cleared, so that unticking is saved.
func (w *htmlWriter) checkbox(f *form.FieldView) {
	w.s("\n\n" + `<div class="kern-form-check"`)
	w.flag(!f.Visible, " hidden")
	w.s(">\n  " + `<input type="hidden" name="`)
	w.e(f.Name)
	w.s(`" value="">` + "\n  " + `<input class="kern-form-check__checkbox`)
	w.flag(f.Error != "", " kern-form-check__checkbox--error")
	w.s(`" type="checkbox"`)
	w.idName(f.HTMLID, f.Name)
	w.s(` value="true"`)
	w.flag(f.Checked, " checked")
	w.invalid(f)
	w.s(">\n  " + `<label class="kern-label" for="`)
	w.e(f.HTMLID)
	w.s(`">`)
	w.e(f.Label)
	w.s("</label>\n  ")
	w.hint(f.Hint, f.HintID)
	w.s("\n  ")
	w.errorText(f.Error, f.ErrorID)
	w.s("\n</div>\n\n")
}

// idName writes the id and name attributes of a control.
func (w *htmlWriter) idName(id, name string) {
	w.s(` id="`)
	w.e(id)
	w.s(`" name="`)
	w.e(name)
	w.s(`"`)
}

// invalid writes an input's aria-describedby (hint and error) and marks it
// invalid while it has an error.
func (w *htmlWriter) invalid(f *form.FieldView) {
	w.attr("aria-describedby", f.DescribedBy)
	w.flag(f.Error != "", ` aria-invalid="true"`)
}

// input writes a labelled control: a text input of f.Control's type, a
// textarea, a select, a file input or a read-only value.
func (w *htmlWriter) input(f *form.FieldView) {
	bad := f.Error != ""
	w.s("\n\n" + `<div class="kern-form-input`)
	w.flag(bad, " kern-form-input--error")
	w.s(`"`)
	w.flag(!f.Visible, " hidden")
	w.s(">\n  " + `<label class="kern-label" for="`)
	w.e(f.HTMLID)
	w.s(`">`)
	w.e(f.Label)
	w.flag(!f.Required && f.Control != "readonly", ` <span class="kern-label__optional">(freiwillig)</span>`)
	w.s("</label>\n  ")
	w.hint(f.Hint, f.HintID)
	w.s("\n  ")
	w.errorText(f.Error, f.ErrorID)
	w.s("\n  ")
	switch f.Control {
	case "textarea":
		w.s(`<textarea class="kern-form-input__input`)
		w.flag(bad, " kern-form-input__input--error")
		w.s(`"`)
		w.idName(f.HTMLID, f.Name)
		w.s(` rows="5"`)
		w.invalid(f)
		w.s(">")
		w.e(f.Value)
		w.s("</textarea>\n  ")
	case "select":
		w.s(`<div class="kern-form-input__select-wrapper"><select class="kern-form-input__select`)
		w.flag(bad, " kern-form-input__select--error")
		w.s(`"`)
		w.idName(f.HTMLID, f.Name)
		w.invalid(f)
		w.s(">")
		for _, o := range f.Options {
			w.s(`<option value="`)
			w.e(o.Value)
			w.s(`"`)
			w.flag(o.Selected, " selected")
			w.s(">")
			w.e(o.Label)
			w.s("</option>")
		}
		w.s("</select></div>\n  ")
	case "readonly":
		w.s(`<p class="sp-readonly" id="`)
		w.e(f.HTMLID)
		w.s(`">`)
		w.e(f.Display)
		w.s("</p>\n  ")
	case "file":
		w.file(f)
	default:
		w.s(`<input class="kern-form-input__input`)
		w.flag(bad, " kern-form-input__input--error")
		if f.Width != 0 {
			w.s(" sp-w" + strconv.Itoa(widthClass(f.Width)))
		}
		w.s(`"`)
		w.idName(f.HTMLID, f.Name)
		w.s(` type="`)
		w.e(f.Control)
		w.s(`" value="`)
		w.e(f.Value)
		w.s(`"`)
		w.attr("inputmode", f.InputMode)
		w.attr("autocomplete", f.AutoComplete)
		w.flag(!f.Spellcheck, ` spellcheck="false"`)
		w.invalid(f)
		w.s(">")
		if f.Suffix != "" {
			w.s(` <span class="sp-suffix">`)
			w.e(f.Suffix)
			w.s("</span>")
		}
		w.s("\n  ")
	}
	w.s("\n</div>\n\n")
}

// file writes a file input, the file already uploaded with a box to
// remove it, and the size limit.
func (w *htmlWriter) file(f *form.FieldView) {
	w.s("\n    ")
	if f.File != nil {
		w.s("<p>Hochgeladen: ")
		w.e(f.File.Name)
		w.s(" (" + strconv.FormatInt(f.File.Size, 10) + ` Bytes) <label class="sp-inline-check"><input type="checkbox" name="entfernen:`)
		w.e(f.Name)
		w.s(`" value="1"> entfernen</label></p>`)
	}
	w.s("\n    " + `<input class="kern-form-input__input`)
	w.flag(f.Error != "", " kern-form-input__input--error")
	w.s(`" type="file"`)
	w.idName(f.HTMLID, f.Name)
	w.attr("accept", f.Accept)
	w.invalid(f)
	w.s(">\n    ")
	if f.MaxSizeText != "" {
		w.s(`<p class="kern-hint">Höchstens `)
		w.e(f.MaxSizeText)
		w.s(".</p>")
	}
	w.s("\n  ")
}
