package form

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

func init() { Register(Obj, objType{}) }

// maxObjSize bounds an obj value; FIM uses obj for small structured blobs.
const maxObjSize = 64 << 10

// objType is FIM's "obj": a structured value, here any JSON document. It is
// meant for hidden and locked fields the server fills; as an input it is a
// text area that takes JSON. Values are compacted json.RawMessage.
type objType struct{}

func (objType) Check(f *Field) []string {
	var out []string
	if f.Min != "" || f.Max != "" {
		out = append(out, "min und max gelten nicht für obj.")
	}
	return append(out, noTextConstraints(f)...)
}

func (objType) Parse(f *Field, s string) (any, *Issue) {
	var buf bytes.Buffer
	if len(s) > maxObjSize || json.Compact(&buf, []byte(s)) != nil {
		return nil, issue(f, CodeFormat, fmt.Sprintf("Die Angabe bei %s ist kein gültiges JSON. Prüfen Sie Klammern und Anführungszeichen.", quoted(f)))
	}
	return json.RawMessage(buf.Bytes()), nil
}

func (objType) Validate(*Field, any, time.Time) []Issue { return nil }

func (objType) Format(_ *Field, v any) string {
	if m, ok := v.(json.RawMessage); ok {
		return string(m)
	}
	return ""
}

func (o objType) Display(f *Field, v any) string { return o.Format(f, v) }

func (objType) Export(_ *Field, v any) any {
	if m, ok := v.(json.RawMessage); ok {
		return m
	}
	return nil
}

func (objType) Expr(_ *Field, v any) any {
	m, ok := v.(json.RawMessage)
	if !ok {
		return nil
	}
	var x any
	if json.Unmarshal(m, &x) != nil {
		return nil
	}
	return x
}

func (objType) FromExpr(_ *Field, x any) (any, bool) {
	b, err := json.Marshal(x)
	if err != nil || len(b) > maxObjSize {
		return nil, false
	}
	return json.RawMessage(b), true
}

func (objType) JSONSchema(*Field) map[string]any { return map[string]any{} }

func (objType) Input(*Field) InputHints { return InputHints{Type: "textarea"} }
