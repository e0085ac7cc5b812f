package fim

import (
	"fmt"
	"mime"
	"regexp"
	"strconv"
	"strings"

	"github.com/serviceportal/serviceportal/internal/form"
)

// converter turns read elements into a form.
type converter struct {
	opts     Options
	used     map[string]int
	warnings []string
	origin   map[*form.Field]fieldInfo
	notes    []*form.Rule
	noted    map[*rule]bool
}

// fieldInfo remembers what the rule translation needs about a field.
type fieldInfo struct {
	fimID string
	scope *form.Group // innermost repeatable group
	order int         // position in the document
}

func newConverter(opts Options) *converter {
	return &converter{opts: opts, used: map[string]int{}, origin: map[*form.Field]fieldInfo{}, noted: map[*rule]bool{}}
}

var (
	reIDChars = regexp.MustCompile(`[^A-Za-z0-9_]`)
	reFormID  = regexp.MustCompile(`[^a-z0-9-]+`)
)

// uniqueID makes a form ID from a FIM ID: it must start with prefix and be
// unique in the form, so reused FIM elements get a suffix.
func (c *converter) uniqueID(fimID string, prefix string) string {
	id := reIDChars.ReplaceAllString(fimID, "_")
	if !strings.HasPrefix(id, prefix) || len(id) == 1 {
		id = prefix + id
	}
	if len(id) > 56 {
		id = id[:56]
	}
	c.used[id]++
	if n := c.used[id]; n > 1 {
		id += "_" + strconv.Itoa(n)
		c.used[id]++
	}
	return id
}

func first(s ...string) string {
	for _, x := range s {
		if strings.TrimSpace(x) != "" {
			return strings.TrimSpace(x)
		}
	}
	return ""
}

func (c *converter) form(schema *element) (*form.Form, error) {
	id := c.opts.FormID
	if id == "" {
		id = strings.Trim(reFormID.ReplaceAllString(strings.ToLower(schema.id), "-"), "-")
		if id == "" {
			id = "fim-import"
		}
		if len(id) > 64 {
			id = id[:64]
		}
	}
	f := &form.Form{ID: id, Version: first(schema.version, "1"), Title: first(schema.label, schema.name, schema.id),
		Description: schema.description, FIM: &form.FIMRef{ID: schema.id, Version: schema.version}}
	var top []form.Item
	var cards []form.Cardinality
	for _, ch := range schema.children {
		it, card, err := c.child(ch, nil)
		if err != nil {
			return nil, err
		}
		if it != nil {
			top = append(top, it)
			cards = append(cards, card)
		}
	}
	c.applyRules(schema.rules, top)
	f.Steps = c.steps(f.Title, top, cards)
	if len(f.Steps) == 0 {
		c.warn("Das Stammdatenschema enthält keine Datenfelder; das Formular zeigt nur einen Hinweis.")
		f.Steps = []*form.Step{{ID: "s1", Title: f.Title, Items: []form.Item{&form.Field{ID: c.uniqueID("F_HINWEIS", "F"),
			Kind: form.KindLabel, Type: form.Text, Content: "Dieses Formular enthält keine Eingabefelder."}}}}
	}
	f.Rules = c.notes
	return f, nil
}

// steps lays out the top-level items: a plain group is a page of its own
// with its items directly on it, other groups get a page each, and runs of
// fields share a page.
func (c *converter) steps(title string, top []form.Item, cards []form.Cardinality) []*form.Step {
	var steps []*form.Step
	var run []form.Item
	flush := func() {
		if len(run) == 0 {
			return
		}
		t := "Weitere Angaben"
		if len(steps) == 0 && len(run) == len(top) {
			t = title
		}
		steps = append(steps, &form.Step{Title: t, Items: run})
		run = nil
	}
	for i, it := range top {
		g, ok := it.(*form.Group)
		if !ok {
			run = append(run, it)
			continue
		}
		flush()
		st := &form.Step{Title: g.Title, Hint: g.Hint, Items: []form.Item{g}}
		if c := cards[i]; c.Min == 1 && c.Max == 1 && g.VisibleIf == "" {
			st.Items = g.Items
		}
		steps = append(steps, st)
	}
	flush()
	// A page with nothing to show joins the page before it (or after it).
	var out []*form.Step
	for i, st := range steps {
		if hasShown(st.Items) {
			out = append(out, st)
			continue
		}
		if len(out) > 0 {
			out[len(out)-1].Items = append(out[len(out)-1].Items, st.Items...)
		} else if i+1 < len(steps) {
			steps[i+1].Items = append(st.Items, steps[i+1].Items...)
		}
	}
	for i, st := range out {
		st.ID = "s" + strconv.Itoa(i+1)
	}
	return out
}

func hasShown(items []form.Item) bool {
	for _, it := range items {
		switch it := it.(type) {
		case *form.Field:
			if it.Kind != form.KindHidden {
				return true
			}
		case *form.Group:
			if hasShown(it.Items) {
				return true
			}
		}
	}
	return false
}

// child converts one struktur entry. scope is the innermost repeatable group.
func (c *converter) child(ch child, scope *form.Group) (form.Item, form.Cardinality, error) {
	card, err := form.ParseCardinality(ch.card)
	if err != nil {
		return nil, card, errorAt(ch.n, "Ungültige Anzahl %q bei %s: %v", ch.card, ch.el.id, err)
	}
	el := ch.el
	ref := &form.FIMRef{ID: el.id, Version: el.version}
	if el.kind == "" { // a group
		g := &form.Group{ID: c.uniqueID(el.id, "G"), Title: first(el.label, el.name, el.id), Hint: el.hint, Card: card, FIM: ref}
		inner := scope
		if card.Repeatable() {
			g.ItemLabel, inner = g.Title, g
		}
		for _, sub := range el.children {
			it, _, err := c.child(sub, inner)
			if err != nil {
				return nil, card, err
			}
			if it != nil {
				g.Items = append(g.Items, it)
			}
		}
		c.applyRules(el.rules, g.Items)
		if len(g.Items) == 0 {
			c.warn("Die Datenfeldgruppe %s „%s“ enthält keine Felder und wurde weggelassen.", el.id, g.Title)
			return nil, card, nil
		}
		return g, card, nil
	}
	if card.Repeatable() {
		// A repeatable field becomes a repeatable group with one field.
		g := &form.Group{ID: c.uniqueID("G"+el.id, "G"), Card: card, FIM: ref}
		f, err := c.field(el, form.Cardinality{Min: 1, Max: 1}, g)
		if err != nil {
			return nil, card, err
		}
		g.Title, g.ItemLabel, g.Items = f.Label, f.Label, []form.Item{f}
		c.applyRules(el.rules, g.Items)
		return g, card, nil
	}
	f, err := c.field(el, card, scope)
	if err != nil {
		return nil, card, err
	}
	c.applyRules(el.rules, []form.Item{f})
	return f, card, nil
}

var kinds = map[string]form.Kind{"input": form.KindInput, "select": form.KindSelect, "label": form.KindLabel, "hidden": form.KindHidden, "locked": form.KindLocked}

func (c *converter) field(el *element, card form.Cardinality, scope *form.Group) (*form.Field, error) {
	kind, ok := kinds[el.kind]
	if !ok {
		return nil, errorAt(el.n, "Unbekannte Feldart %q im Datenfeld %s; erlaubt sind input, select, label, hidden und locked.", el.kind, el.id)
	}
	dt := form.DataType(el.dataType)
	typ, ok := form.TypeOf(dt)
	if !ok {
		return nil, errorAt(el.n, "Unbekannter Datentyp %q im Datenfeld %s.", el.dataType, el.id)
	}
	f := &form.Field{ID: c.uniqueID(el.id, "F"), Label: first(el.label, el.name, el.id), Hint: el.hint, Kind: kind, Type: dt,
		FIM: &form.FIMRef{ID: el.id, Version: el.version}}
	c.origin[f] = fieldInfo{fimID: el.id, scope: scope, order: len(c.origin)}
	switch {
	case kind == form.KindLabel:
		f.Type, f.Content = form.Text, first(el.content, el.hint, f.Label)
		if f.Content == el.hint {
			f.Hint = ""
		}
		return f, nil
	case dt == form.File && kind != form.KindInput:
		c.warn("Datenfeld %s: Dateien werden immer hochgeladen; Feldart %s wurde zu input.", el.id, kind)
		f.Kind, kind = form.KindInput, form.KindInput
	}
	f.Required = card.Min >= 1 && (kind == form.KindInput || kind == form.KindSelect)
	c.constraints(el, f, typ)
	if kind == form.KindSelect {
		c.choices(el, f)
	}
	if dt == form.File {
		c.fileLimits(el, f)
	}
	if v := strings.TrimSpace(el.content); v != "" && f.Kind != form.KindSelect {
		if _, iss := typ.Parse(f, v); iss == nil {
			f.Default = v
		} else {
			c.warn("Datenfeld %s: Der Inhalt %q passt nicht zum Datentyp %s und wurde nicht als Vorgabe übernommen.", el.id, v, dt)
		}
	}
	return f, nil
}

func (c *converter) constraints(el *element, f *form.Field, typ form.FieldType) {
	k := el.constraints
	text := f.Type == form.Text || f.Type == form.TextLatin
	for _, l := range []struct {
		v   string
		dst *int
	}{{k.MinLength, &f.MinLength}, {k.MaxLength, &f.MaxLength}} {
		if l.v == "" {
			continue
		}
		n, err := strconv.Atoi(l.v)
		if err != nil || n < 0 || !text {
			c.warn("Datenfeld %s: Die Längenangabe %q wurde nicht übernommen.", el.id, l.v)
			continue
		}
		*l.dst = n
	}
	if f.MaxLength > 0 && f.MinLength > f.MaxLength {
		c.warn("Datenfeld %s: minLength ist größer als maxLength; beide wurden nicht übernommen.", el.id)
		f.MinLength, f.MaxLength = 0, 0
	}
	if k.Pattern != "" {
		if _, err := regexp.Compile("^(?:" + k.Pattern + ")$"); err == nil && text && len(k.Pattern) <= 500 {
			f.Pattern = k.Pattern
		} else {
			c.warn("Datenfeld %s: Das Muster %q wurde nicht übernommen.", el.id, k.Pattern)
		}
	}
	if !text {
		f.Min, f.Max = k.MinValue, k.MaxValue
		if msgs := typ.Check(f); len(msgs) > 0 {
			c.warn("Datenfeld %s: Die Wertgrenzen %q bis %q wurden nicht übernommen (%s)", el.id, k.MinValue, k.MaxValue, strings.Join(msgs, " "))
			f.Min, f.Max = "", ""
		}
	} else if k.MinValue != "" || k.MaxValue != "" {
		c.warn("Datenfeld %s: Wertgrenzen gelten nicht für Text und wurden nicht übernommen.", el.id)
	}
}

// choices fills the options of a select field from inline values or a
// resolved code list; without any the field becomes a text input.
func (c *converter) choices(el *element, f *form.Field) {
	opts := el.values
	source := "die eingebetteten Werte"
	if len(opts) == 0 && el.codeList.uri != "" && c.opts.CodeList != nil {
		if resolved, ok := c.opts.CodeList(el.codeList.uri, el.codeList.version); ok {
			opts, source = resolved, "die Codeliste "+el.codeList.uri
		}
	}
	typ, _ := form.TypeOf(f.Type)
	seen := map[string]bool{}
	for _, o := range opts {
		o.Code, o.Label = strings.TrimSpace(o.Code), strings.TrimSpace(o.Label)
		if o.Code == "" || seen[o.Code] {
			continue
		}
		if _, iss := typ.Parse(f, o.Code); iss != nil {
			c.warn("Datenfeld %s: Der Code %q passt nicht zum Datentyp %s; das Feld wird als Text geführt.", el.id, o.Code, f.Type)
			f.Type = form.Text
			typ, _ = form.TypeOf(form.Text)
		}
		seen[o.Code] = true
		f.Options = append(f.Options, form.Option{Code: o.Code, Label: first(o.Label, o.Code), Hint: o.Hint})
	}
	if len(f.Options) == 0 {
		what := "hat keine Werte"
		if el.codeList.uri != "" {
			what = fmt.Sprintf("verweist auf die Codeliste %s (Version %s), die nicht vorliegt", el.codeList.uri, first(el.codeList.version, "?"))
		}
		c.warn("Datenfeld %s „%s“ %s; es wird als Freitext abgefragt.", el.id, f.Label, what)
		f.Kind = form.KindInput
		return
	}
	if v := strings.TrimSpace(el.content); v != "" {
		if seen[v] {
			f.Default = v
		} else {
			c.warn("Datenfeld %s: Die Vorgabe %q ist keiner der Codes aus %s.", el.id, v, source)
		}
	}
}

// fileLimits takes the media types and the maximum size (XDatenfelder 3
// gives it in kilobytes) of a file field.
func (c *converter) fileLimits(el *element, f *form.Field) {
	for _, mt := range el.mediaTypes {
		if _, _, err := mime.ParseMediaType(mt); err == nil && strings.Contains(mt, "/") {
			f.Accept = append(f.Accept, mt)
		} else {
			c.warn("Datenfeld %s: Der Medientyp %q wurde nicht übernommen.", el.id, mt)
		}
	}
	if el.maxSize != "" {
		if kb, err := strconv.ParseInt(el.maxSize, 10, 64); err == nil && kb > 0 && kb < 1<<30 {
			f.MaxSize = kb * 1024
		} else {
			c.warn("Datenfeld %s: Die Höchstgröße %q wurde nicht übernommen.", el.id, el.maxSize)
		}
	}
}
