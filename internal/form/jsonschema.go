package form

import (
	"encoding/json"
	"errors"
	"fmt"
)

// JSONSchema exports a JSON Schema (draft 2020-12) for the submissions of
// a form version, i.e. for the output of Form.Export. Fields whose
// visibility depends on answers, fields in optional groups and calculated
// fields are never required, since a valid submission may leave them out.
// The output is stable: the same form gives the same bytes.
func JSONSchema(f *Form) ([]byte, error) {
	if f == nil || f.idx == nil {
		return nil, errors.New("form: JSONSchema needs a compiled form")
	}
	root := objectSchema(f, collectScope(f.rootItems()))
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$comment"] = fmt.Sprintf("Formular %s, Version %s", f.ID, f.Version)
	root["title"] = f.Title
	if f.Description != "" {
		root["description"] = f.Description
	}
	b, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("form: JSON Schema: %w", err)
	}
	return append(b, '\n'), nil
}

// scoped is an item of one scope with whether it is unconditionally present.
type scoped struct {
	item        Item
	conditional bool
}

// rootItems returns the steps' items with the steps' conditions attached.
func (f *Form) rootItems() []scoped {
	var out []scoped
	for _, st := range f.Steps {
		for _, it := range st.Items {
			out = append(out, scoped{item: it, conditional: st.VisibleIf != ""})
		}
	}
	return out
}

// collectScope flattens plain groups: their fields belong to the enclosing
// object. Conditions and optional groups make their contents conditional.
func collectScope(items []scoped) []scoped {
	var out []scoped
	for _, s := range items {
		g, ok := s.item.(*Group)
		if !ok || g.Card.Repeatable() {
			out = append(out, s)
			continue
		}
		cond := s.conditional || g.VisibleIf != "" || g.Card.Optional()
		sub := make([]scoped, len(g.Items))
		for i, it := range g.Items {
			sub[i] = scoped{item: it, conditional: cond}
		}
		out = append(out, collectScope(sub)...)
	}
	return out
}

func objectSchema(f *Form, items []scoped) map[string]any {
	props := map[string]any{}
	required := []string{}
	for _, s := range items {
		switch it := s.item.(type) {
		case *Field:
			if it.Kind == KindLabel {
				continue
			}
			props[it.ID] = fieldSchema(it)
			if it.Required && !s.conditional && it.VisibleIf == "" {
				required = append(required, it.ID)
			}
		case *Group:
			sub := make([]scoped, len(it.Items))
			for i, x := range it.Items {
				sub[i] = scoped{item: x}
			}
			arr := map[string]any{"type": "array", "title": it.Title, "items": objectSchema(f, collectScope(sub))}
			if it.Card.Min > 0 {
				arr["minItems"] = it.Card.Min
			}
			arr["maxItems"] = MaxInstances
			if it.Card.Max != Many {
				arr["maxItems"] = it.Card.Max
			}
			props[it.ID] = arr
			if it.Card.Min > 0 && !s.conditional && it.VisibleIf == "" {
				required = append(required, it.ID)
			}
		}
	}
	return map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false}
}

func fieldSchema(f *Field) map[string]any {
	s := f.typ.JSONSchema(f)
	s["title"] = f.Label
	if f.Hint != "" {
		s["description"] = f.Hint
	}
	if f.Kind == KindSelect {
		enum := make([]any, 0, len(f.options))
		for _, o := range f.options {
			if v, iss := f.typ.Parse(f, o.Code); iss == nil {
				enum = append(enum, f.typ.Export(f, v))
			}
		}
		s["enum"] = enum
	}
	if f.Kind == KindHidden || f.Kind == KindLocked {
		s["readOnly"] = true
	}
	return s
}
