package form

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// FieldType parses, checks, formats and describes the values of one data
// type. Each type lives in its own type_*.go file and registers itself in
// init; adding a type means adding one file.
//
// Values are typed Go values: string (text, text_latin, time), time.Time
// (date, datetime), bool, float64 (num), int (num_int), Money
// (num_currency), FileRef (file), json.RawMessage (obj). A nil value means
// "no value".
type FieldType interface {
	// Check reports problems with a field's settings when a schema is
	// loaded (bounds that do not parse, constraints the type cannot use).
	Check(f *Field) []string
	// Parse turns one trimmed, non-empty posted string into a value.
	Parse(f *Field, s string) (any, *Issue)
	// Validate checks a parsed value against the field's constraints.
	Validate(f *Field, v any, now time.Time) []Issue
	// Format renders a value for an input box; Format(Parse(s)) is the
	// normalised form of s ("12,5" → "12,50" for currency).
	Format(f *Field, v any) string
	// Display renders a value for people, e.g. on the summary page ("12,50 €").
	Display(f *Field, v any) string
	// Export gives the value for the JSON submission.
	Export(f *Field, v any) any
	// Expr gives the value as rule expressions see it; FromExpr converts
	// the result of a calculation back (false when it does not fit).
	Expr(f *Field, v any) any
	FromExpr(f *Field, x any) (any, bool)
	// JSONSchema describes an exported value (JSON Schema 2020-12).
	JSONSchema(f *Field) map[string]any
	// Input gives rendering hints for an input of this type.
	Input(f *Field) InputHints
}

// InputHints tell the renderer which HTML control to use.
type InputHints struct {
	// Type is the HTML input type ("text", "email", "tel", "file") or one of
	// "textarea", "select", "radio", "checkbox".
	Type         string
	InputMode    string
	AutoComplete string
	// Spellcheck is false for codes, numbers and dates.
	Spellcheck bool
	// Width suggests a width in characters (0: full width), e.g. 10 for dates.
	Width int
	// Suffix is shown after the input, e.g. "€" or "Uhr".
	Suffix string
}

// Issue is a problem a field type found in one value; the engine adds the
// field path to turn it into a Problem.
type Issue struct {
	Code    string
	Message string
}

// Error returns the message.
func (i *Issue) Error() string { return i.Message }

// Problem codes. Field.Messages may override the message of each.
const (
	CodeRequired  = "required"
	CodeFormat    = "format"
	CodeMinLength = "min_length"
	CodeMaxLength = "max_length"
	CodeMin       = "min"
	CodeMax       = "max"
	CodePattern   = "pattern"
	CodeCharset   = "charset"
	CodeOption    = "option"
	CodeFileType  = "file_type"
	CodeFileSize  = "file_size"
	CodeMinCount  = "min_count"
	CodeMaxCount  = "max_count"
	CodeRule      = "rule"
)

var problemCodes = map[string]bool{
	CodeRequired: true, CodeFormat: true, CodeMinLength: true, CodeMaxLength: true,
	CodeMin: true, CodeMax: true, CodePattern: true, CodeCharset: true, CodeOption: true,
	CodeFileType: true, CodeFileSize: true,
}

var registry = map[DataType]FieldType{}

// Register makes a field type available under its FIM name. It panics on a
// duplicate, as that is a programming error.
func Register(dt DataType, t FieldType) {
	if _, dup := registry[dt]; dup {
		panic(fmt.Sprintf("form: data type %q registered twice", dt))
	}
	registry[dt] = t
}

// TypeOf returns the registered field type for a data type.
func TypeOf(dt DataType) (FieldType, bool) {
	t, ok := registry[dt]
	return t, ok
}

// DataTypes lists the registered data types, sorted.
func DataTypes() []DataType {
	out := make([]DataType, 0, len(registry))
	for dt := range registry {
		out = append(out, dt)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// issue builds an Issue, preferring the field's own message for the code.
func issue(f *Field, code, def string) *Issue {
	if m := f.Messages[code]; m != "" {
		return &Issue{Code: code, Message: m}
	}
	return &Issue{Code: code, Message: def}
}

// quoted puts a label in German quotation marks for messages.
func quoted(f *Field) string {
	l := strings.TrimSpace(f.Label)
	if l == "" {
		l = f.ID
	}
	return "„" + strings.TrimRight(l, ":") + "“"
}
