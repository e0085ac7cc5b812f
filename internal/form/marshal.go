package form

import (
	"encoding/json"
	"sort"
)

// MarshalJSON writes the form in the schema file format that Parse reads.
// Use json.MarshalIndent for a file people edit.
func (f *Form) MarshalJSON() ([]byte, error) {
	doc := formDoc{ID: f.ID, Version: f.Version, Title: f.Title, Description: f.Description, FIM: fimDocOf(f.FIM)}
	if len(f.CodeLists) > 0 {
		doc.CodeLists = make(map[string]*codeListDoc, len(f.CodeLists))
		for name, cl := range f.CodeLists {
			doc.CodeLists[name] = &codeListDoc{URI: cl.URI, Version: cl.Version, Values: optionDocs(cl.Values)}
		}
	}
	doc.Steps = make([]stepDoc, 0, len(f.Steps))
	for _, s := range f.Steps {
		items, err := itemDocs(s.Items)
		if err != nil {
			return nil, err
		}
		doc.Steps = append(doc.Steps, stepDoc{ID: s.ID, Title: s.Title, Hint: s.Hint, VisibleIf: s.VisibleIf, Items: items})
	}
	for _, r := range f.Rules {
		doc.Rules = append(doc.Rules, ruleDoc{ID: r.ID, Kind: r.Kind, Field: r.Field, Expr: r.Expr, Message: r.Message,
			Description: r.Description, Script: r.Script, FIM: fimDocOf(r.FIM)})
	}
	return json.Marshal(doc)
}

func itemDocs(items []Item) ([]json.RawMessage, error) {
	out := make([]json.RawMessage, 0, len(items))
	for _, it := range items {
		var v any
		switch it := it.(type) {
		case *Field:
			v = fieldDocOf(it)
		case *Group:
			sub, err := itemDocs(it.Items)
			if err != nil {
				return nil, err
			}
			card := it.Card.String()
			if card == "1:1" {
				card = ""
			}
			v = groupDoc{ID: it.ID, Title: it.Title, Hint: it.Hint, ItemLabel: it.ItemLabel, Cardinality: card,
				VisibleIf: it.VisibleIf, Items: sub, FIM: fimDocOf(it.FIM)}
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

func fieldDocOf(f *Field) fieldDoc {
	d := fieldDoc{ID: f.ID, Label: f.Label, Hint: f.Hint, Kind: f.Kind, Type: f.Type, Required: f.Required,
		MinLength: f.MinLength, MaxLength: f.MaxLength, Min: flexString(f.Min), Max: flexString(f.Max), Pattern: f.Pattern,
		Options: optionDocs(f.Options), CodeList: f.CodeList, Widget: f.Widget, AutoComplete: f.AutoComplete,
		InputMode: f.InputMode, Default: flexString(f.Default), Content: f.Content, Unit: f.Unit, Accept: f.Accept,
		MaxSize: f.MaxSize, VisibleIf: f.VisibleIf, Messages: f.Messages, FIM: fimDocOf(f.FIM)}
	if d.Kind == KindInput {
		d.Kind = ""
	}
	if d.Type == Text {
		d.Type = ""
	}
	return d
}

func optionDocs(os []Option) []optionDoc {
	if os == nil {
		return nil
	}
	out := make([]optionDoc, len(os))
	for i, o := range os {
		out[i] = optionDoc{Code: flexString(o.Code), Label: o.Label, Hint: o.Hint}
	}
	return out
}

func fimDocOf(r *FIMRef) *fimDoc {
	if r == nil {
		return nil
	}
	return &fimDoc{ID: r.ID, Version: r.Version}
}

// sortedKeys returns a map's keys in order, for stable output.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
