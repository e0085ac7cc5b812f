package form

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// MaxSchemaSize bounds a schema file read by Parse.
const MaxSchemaSize = 8 << 20

// maxDepth bounds the nesting of groups.
const maxDepth = 8

// The *Doc types mirror the JSON file format described in doc.go.
type formDoc struct {
	ID          string                  `json:"id"`
	Version     string                  `json:"version"`
	Title       string                  `json:"title"`
	Description string                  `json:"description,omitempty"`
	FIM         *fimDoc                 `json:"fim,omitempty"`
	CodeLists   map[string]*codeListDoc `json:"codeLists,omitempty"`
	Steps       []stepDoc               `json:"steps"`
	Rules       []ruleDoc               `json:"rules,omitempty"`
}

type fimDoc struct {
	ID      string `json:"id"`
	Version string `json:"version,omitempty"`
}

type codeListDoc struct {
	URI     string      `json:"uri,omitempty"`
	Version string      `json:"version,omitempty"`
	Values  []optionDoc `json:"values"`
}

type optionDoc struct {
	Code  flexString `json:"code"`
	Label string     `json:"label"`
	Hint  string     `json:"hint,omitempty"`
}

type stepDoc struct {
	ID        string            `json:"id"`
	Title     string            `json:"title"`
	Hint      string            `json:"hint,omitempty"`
	VisibleIf string            `json:"visibleIf,omitempty"`
	Items     []json.RawMessage `json:"items"`
}

type groupDoc struct {
	ID          string            `json:"id"`
	Title       string            `json:"title"`
	Hint        string            `json:"hint,omitempty"`
	ItemLabel   string            `json:"itemLabel,omitempty"`
	Cardinality string            `json:"cardinality,omitempty"`
	VisibleIf   string            `json:"visibleIf,omitempty"`
	Items       []json.RawMessage `json:"items"`
	FIM         *fimDoc           `json:"fim,omitempty"`
}

type fieldDoc struct {
	ID           string            `json:"id"`
	Label        string            `json:"label,omitempty"`
	Hint         string            `json:"hint,omitempty"`
	Kind         Kind              `json:"kind,omitempty"`
	Type         DataType          `json:"type,omitempty"`
	Required     bool              `json:"required,omitempty"`
	MinLength    int               `json:"minLength,omitempty"`
	MaxLength    int               `json:"maxLength,omitempty"`
	Min          flexString        `json:"min,omitempty"`
	Max          flexString        `json:"max,omitempty"`
	Pattern      string            `json:"pattern,omitempty"`
	Options      []optionDoc       `json:"options,omitempty"`
	CodeList     string            `json:"codeList,omitempty"`
	Widget       string            `json:"widget,omitempty"`
	AutoComplete string            `json:"autocomplete,omitempty"`
	InputMode    string            `json:"inputmode,omitempty"`
	Default      flexString        `json:"default,omitempty"`
	Content      string            `json:"content,omitempty"`
	Unit         string            `json:"unit,omitempty"`
	Accept       []string          `json:"accept,omitempty"`
	MaxSize      int64             `json:"maxSize,omitempty"`
	VisibleIf    string            `json:"visibleIf,omitempty"`
	Messages     map[string]string `json:"messages,omitempty"`
	FIM          *fimDoc           `json:"fim,omitempty"`
}

type ruleDoc struct {
	ID          string   `json:"id"`
	Kind        RuleKind `json:"kind"`
	Field       string   `json:"field,omitempty"`
	Expr        string   `json:"expr,omitempty"`
	Message     string   `json:"message,omitempty"`
	Description string   `json:"description,omitempty"`
	Script      string   `json:"script,omitempty"`
	FIM         *fimDoc  `json:"fim,omitempty"`
}

// flexString accepts a JSON string, number or boolean, so that authors can
// write "min": 0 as well as "min": "0".
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
		return nil
	}
	switch t := string(b); {
	case t == "true" || t == "false":
		*s = flexString(t)
	case t == "null":
		*s = ""
	default:
		if _, err := strconv.ParseFloat(t, 64); err != nil {
			return fmt.Errorf("erwartet Text, Zahl oder true/false, nicht %s", t)
		}
		*s = flexString(t)
	}
	return nil
}

// Parse reads a form schema in the JSON format described in the package
// documentation, checks it completely and compiles its expressions. All
// problems found are returned together in a *SchemaError.
func Parse(r io.Reader) (*Form, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSchemaSize+1))
	if err != nil {
		return nil, fmt.Errorf("form: reading schema: %w", err)
	}
	if len(data) > MaxSchemaSize {
		return nil, &SchemaError{Problems: []SchemaProblem{{Message: fmt.Sprintf("Die Schemadatei ist größer als %d MB.", MaxSchemaSize>>20)}}}
	}
	var doc formDoc
	if err := decodeStrict(data, &doc); err != nil {
		return nil, &SchemaError{Problems: []SchemaProblem{{Message: err.Error()}}}
	}
	d := &docReader{}
	f := d.form(&doc)
	if len(d.problems) > 0 {
		return nil, &SchemaError{Problems: d.problems}
	}
	if err := f.Compile(); err != nil {
		return nil, err
	}
	return f, nil
}

// decodeStrict decodes one JSON value, rejecting unknown keys and trailing
// data, with German messages.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return errors.New("Nach dem JSON-Objekt folgen weitere Daten.")
	}
	return nil
}

func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("JSON-Syntaxfehler bei Zeichen %d: %s", syn.Offset, syn.Error())
	case errors.As(err, &typ):
		return fmt.Errorf("„%s“ hat den falschen Typ: erwartet %s, gefunden %s", typ.Field, typ.Type, typ.Value)
	case errors.Is(err, io.EOF):
		return errors.New("Die Schemadatei ist leer.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("Die Schemadatei endet mitten im JSON.")
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return fmt.Errorf("unbekannter Schlüssel %s", name)
	}
	return errors.New(strings.TrimPrefix(msg, "json: "))
}

// docReader turns decoded documents into the model, collecting problems.
type docReader struct {
	problems []SchemaProblem
}

func (d *docReader) add(path, format string, args ...any) {
	d.problems = append(d.problems, SchemaProblem{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (d *docReader) form(doc *formDoc) *Form {
	f := &Form{ID: doc.ID, Version: doc.Version, Title: doc.Title, Description: doc.Description, FIM: fimRef(doc.FIM)}
	if len(doc.CodeLists) > 0 {
		f.CodeLists = make(map[string]*CodeList, len(doc.CodeLists))
		for name, cl := range doc.CodeLists {
			if cl == nil {
				d.add("codeLists/"+name, "Die Codeliste ist leer.")
				continue
			}
			f.CodeLists[name] = &CodeList{URI: cl.URI, Version: cl.Version, Values: options(cl.Values)}
		}
	}
	for i := range doc.Steps {
		sd := &doc.Steps[i]
		s := &Step{ID: sd.ID, Title: sd.Title, Hint: sd.Hint, VisibleIf: sd.VisibleIf}
		s.Items = d.items(sd.ID, sd.Items, 1)
		f.Steps = append(f.Steps, s)
	}
	for _, rd := range doc.Rules {
		f.Rules = append(f.Rules, &Rule{ID: rd.ID, Kind: rd.Kind, Field: rd.Field, Expr: rd.Expr, Message: rd.Message,
			Description: rd.Description, Script: rd.Script, FIM: fimRef(rd.FIM)})
	}
	return f
}

func (d *docReader) items(path string, raws []json.RawMessage, depth int) []Item {
	if depth > maxDepth {
		d.add(path, "Gruppen sind tiefer als %d Ebenen verschachtelt.", maxDepth)
		return nil
	}
	var out []Item
	for i, raw := range raws {
		var head struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(raw, &head)
		where := fmt.Sprintf("%s/%d", path, i+1)
		if head.ID != "" {
			where = path + "/" + head.ID
		}
		switch {
		case strings.HasPrefix(head.ID, "F"):
			var fd fieldDoc
			if err := decodeStrict(raw, &fd); err != nil {
				d.add(where, "%v", err)
				continue
			}
			out = append(out, fieldFromDoc(&fd))
		case strings.HasPrefix(head.ID, "G"):
			var gd groupDoc
			if err := decodeStrict(raw, &gd); err != nil {
				d.add(where, "%v", err)
				continue
			}
			g := &Group{ID: gd.ID, Title: gd.Title, Hint: gd.Hint, ItemLabel: gd.ItemLabel, VisibleIf: gd.VisibleIf, FIM: fimRef(gd.FIM)}
			card, err := ParseCardinality(gd.Cardinality)
			if err != nil {
				d.add(where, "%v", err)
			}
			g.Card = card
			g.Items = d.items(where, gd.Items, depth+1)
			out = append(out, g)
		default:
			d.add(where, "Jedes Element braucht eine ID, die mit F (Feld) oder G (Gruppe) beginnt.")
		}
	}
	return out
}

func fieldFromDoc(fd *fieldDoc) *Field {
	f := &Field{ID: fd.ID, Label: fd.Label, Hint: fd.Hint, Kind: fd.Kind, Type: fd.Type, Required: fd.Required,
		MinLength: fd.MinLength, MaxLength: fd.MaxLength, Min: string(fd.Min), Max: string(fd.Max), Pattern: fd.Pattern,
		Options: options(fd.Options), CodeList: fd.CodeList, Widget: fd.Widget, AutoComplete: fd.AutoComplete,
		InputMode: fd.InputMode, Default: string(fd.Default), Content: fd.Content, Unit: fd.Unit, Accept: fd.Accept,
		MaxSize: fd.MaxSize, VisibleIf: fd.VisibleIf, Messages: fd.Messages, FIM: fimRef(fd.FIM)}
	if f.Kind == "" {
		f.Kind = KindInput
	}
	if f.Type == "" {
		f.Type = Text
	}
	return f
}

func options(ds []optionDoc) []Option {
	if ds == nil {
		return nil
	}
	out := make([]Option, len(ds))
	for i, o := range ds {
		out[i] = Option{Code: string(o.Code), Label: o.Label, Hint: o.Hint}
	}
	return out
}

func fimRef(d *fimDoc) *FIMRef {
	if d == nil {
		return nil
	}
	return &FIMRef{ID: d.ID, Version: d.Version}
}

// ParseCardinality reads FIM's "min:max" notation ("1:1", "0:1", "1:*",
// "2:5"); the empty string means "1:1".
func ParseCardinality(s string) (Cardinality, error) {
	if s == "" {
		return Cardinality{Min: 1, Max: 1}, nil
	}
	lo, hi, ok := strings.Cut(strings.TrimSpace(s), ":")
	min, err1 := strconv.Atoi(lo)
	max, err2 := strconv.Atoi(hi)
	if hi == "*" {
		max, err2 = Many, nil
	}
	switch {
	case !ok || err1 != nil || err2 != nil:
		return Cardinality{Min: 1, Max: 1}, fmt.Errorf("Die Anzahl %q hat nicht die Form min:max (z. B. 1:1, 0:1, 1:*).", s)
	case min < 0 || (max != Many && (max < 1 || max < min)):
		return Cardinality{Min: 1, Max: 1}, fmt.Errorf("Die Anzahl %q ist nicht sinnvoll: es muss 0 ≤ min ≤ max und max ≥ 1 gelten.", s)
	case min > MaxInstances || max > MaxInstances:
		return Cardinality{Min: 1, Max: 1}, fmt.Errorf("Die Anzahl %q ist zu groß: höchstens %d Einträge sind möglich (oder *).", s, MaxInstances)
	}
	return Cardinality{Min: min, Max: max}, nil
}

// String writes the cardinality in FIM notation.
func (c Cardinality) String() string {
	if c.Max == Many {
		return strconv.Itoa(c.Min) + ":*"
	}
	return strconv.Itoa(c.Min) + ":" + strconv.Itoa(c.Max)
}
