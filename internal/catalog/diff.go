package catalog

import (
	"fmt"
	"slices"

	"github.com/serviceportal/serviceportal/internal/form"
)

// FormDiff is what changed between two template versions, for the
// adopter who decides whether to take the new one.
type FormDiff struct {
	Title        string
	StepsAdded   []string
	StepsRemoved []string
	Added        []string
	Removed      []string
	Changed      []string
	FeeChanged   string
}

// Empty reports whether nothing changed.
func (d FormDiff) Empty() bool {
	return d.Title == "" && len(d.StepsAdded)+len(d.StepsRemoved)+len(d.Added)+len(d.Removed)+len(d.Changed) == 0 && d.FeeChanged == ""
}

// fieldInfo is what the diff compares of a field.
type fieldInfo struct {
	label, typ, step string
	required         bool
	options          int
}

func fieldsOf(f *form.Form) (map[string]fieldInfo, []string) {
	out := map[string]fieldInfo{}
	var order []string
	var walk func(step string, items []form.Item)
	walk = func(step string, items []form.Item) {
		for _, it := range items {
			switch x := it.(type) {
			case *form.Field:
				out[x.ID] = fieldInfo{label: x.Label, typ: string(x.Type), step: step, required: x.Required, options: len(x.Options)}
				order = append(order, x.ID)
			case *form.Group:
				walk(step, x.Items)
			}
		}
	}
	for _, s := range f.Steps {
		walk(s.Title, s.Items)
	}
	return out, order
}

// Diff compares two versions' forms and fees in readable German lines.
func Diff(from, to TemplateVersion) (FormDiff, error) {
	var d FormDiff
	a, err := from.Form()
	if err != nil {
		return d, err
	}
	b, err := to.Form()
	if err != nil {
		return d, err
	}
	if a.Title != b.Title {
		d.Title = fmt.Sprintf("Titel: „%s“ → „%s“", a.Title, b.Title)
	}
	stepTitles := func(f *form.Form) []string {
		var t []string
		for _, s := range f.Steps {
			t = append(t, s.Title)
		}
		return t
	}
	as, bs := stepTitles(a), stepTitles(b)
	for _, s := range bs {
		if !slices.Contains(as, s) {
			d.StepsAdded = append(d.StepsAdded, s)
		}
	}
	for _, s := range as {
		if !slices.Contains(bs, s) {
			d.StepsRemoved = append(d.StepsRemoved, s)
		}
	}
	fa, orderA := fieldsOf(a)
	fb, orderB := fieldsOf(b)
	for _, id := range orderB {
		nb := fb[id]
		na, ok := fa[id]
		switch {
		case !ok:
			d.Added = append(d.Added, fmt.Sprintf("„%s“ (%s)", nb.label, nb.step))
		case na != nb:
			d.Changed = append(d.Changed, describeChange(na, nb))
		}
	}
	for _, id := range orderA {
		if _, ok := fb[id]; !ok {
			d.Removed = append(d.Removed, fmt.Sprintf("„%s“ (%s)", fa[id].label, fa[id].step))
		}
	}
	if from.FeeKind != to.FeeKind || from.FeeCents != to.FeeCents {
		d.FeeChanged = fmt.Sprintf("Gebühr: %s → %s", feeText(from), feeText(to))
	}
	return d, nil
}

func describeChange(a, b fieldInfo) string {
	s := fmt.Sprintf("„%s“", b.label)
	if a.label != b.label {
		s = fmt.Sprintf("„%s“ heißt jetzt „%s“", a.label, b.label)
	}
	if a.required != b.required {
		if b.required {
			s += ", jetzt Pflichtangabe"
		} else {
			s += ", jetzt freiwillig"
		}
	}
	if a.typ != b.typ {
		s += fmt.Sprintf(", Typ %s → %s", a.typ, b.typ)
	}
	if a.options != b.options {
		s += fmt.Sprintf(", %d statt %d Auswahlmöglichkeiten", b.options, a.options)
	}
	if a.step != b.step {
		s += fmt.Sprintf(", jetzt im Schritt „%s“", b.step)
	}
	return s
}

func feeText(v TemplateVersion) string {
	if v.FeeKind == "fixed" {
		return fmt.Sprintf("%d,%02d €", v.FeeCents/100, v.FeeCents%100)
	}
	if v.FeeKind == "free" {
		return "kostenlos"
	}
	return "nach Aufwand"
}
