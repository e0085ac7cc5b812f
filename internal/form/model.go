package form

import "regexp"

// DataType is a FIM Datentyp: how a field's value is parsed, checked and stored.
type DataType string

// The FIM data types. Each one has a FieldType registered in a type_*.go file.
const (
	Text        DataType = "text"
	TextLatin   DataType = "text_latin"
	Date        DataType = "date"
	Time        DataType = "time"
	DateTime    DataType = "datetime"
	Bool        DataType = "bool"
	Num         DataType = "num"
	NumInt      DataType = "num_int"
	NumCurrency DataType = "num_currency"
	File        DataType = "file"
	Obj         DataType = "obj"
)

// Kind is a FIM Feldart: how a field takes part in the form.
type Kind string

// The FIM field kinds.
const (
	// KindInput is a field the citizen fills in.
	KindInput Kind = "input"
	// KindSelect is a choice from a code list.
	KindSelect Kind = "select"
	// KindLabel is text shown to the citizen; it holds no value.
	KindLabel Kind = "label"
	// KindHidden holds a value set by the server (default or calculation), never shown or posted.
	KindHidden Kind = "hidden"
	// KindLocked holds a value set by the server and shown read-only.
	KindLocked Kind = "locked"
)

// Many is Cardinality.Max for "*" (no upper limit other than MaxInstances).
const Many = -1

// MaxInstances caps the instances of any repeatable group, whatever its
// cardinality says, so that no request can make the engine do unbounded work.
const MaxInstances = 100

// Form is one version of a form schema. After Parse or Compile it is
// immutable and safe for concurrent use.
type Form struct {
	ID          string
	Version     string
	Title       string
	Description string
	// FIM names the Stammdatenschema the form was imported from, if any.
	FIM *FIMRef
	// CodeLists holds code lists that select fields refer to by name.
	CodeLists map[string]*CodeList
	Steps     []*Step
	Rules     []*Rule

	idx *index
}

// FIMRef identifies a FIM element (S…, G…, F…) and its version.
type FIMRef struct {
	ID      string
	Version string
}

// CodeList is a list of allowed codes, optionally tied to an XRepository code list.
type CodeList struct {
	URI     string
	Version string
	Values  []Option
}

// Option is one code of a code list.
type Option struct {
	Code  string
	Label string
	Hint  string
}

// Step is one page of the form.
type Step struct {
	ID    string
	Title string
	Hint  string
	// VisibleIf is an expression; the step is skipped when it is false.
	VisibleIf string
	Items     []Item

	visible *program
	index   int
}

// Item is a *Field or a *Group.
type Item interface {
	ItemID() string
	isItem()
}

// Cardinality is FIM's "min:max" count. For groups: 1:1 a plain group, 0:1
// an optional group (its required fields apply only once something in it is
// filled in), anything with Max > 1 or Many a repeatable group.
type Cardinality struct {
	Min int
	Max int
}

// Repeatable reports whether the group can have several instances.
func (c Cardinality) Repeatable() bool { return c.Max == Many || c.Max > 1 }

// Optional reports whether a non-repeatable group may be left empty as a whole.
func (c Cardinality) Optional() bool { return c.Min == 0 && c.Max == 1 }

// Group is a FIM Datenfeldgruppe: a fieldset, optionally repeatable.
type Group struct {
	ID    string
	Title string
	Hint  string
	// ItemLabel names one instance of a repeatable group ("Hund" → "Hund 1",
	// "Hund hinzufügen").
	ItemLabel string
	Card      Cardinality
	VisibleIf string
	Items     []Item
	FIM       *FIMRef

	visible *program
	dynamic bool   // visibility depends on answers on the same step
	parent  *Group // enclosing group, nil at step level
	scope   *Group // enclosing repeatable group (not the group itself), nil at root
	step    *Step
}

// ItemID returns the group's ID.
func (g *Group) ItemID() string { return g.ID }
func (g *Group) isItem()        {}

// Field is a FIM Datenfeld.
type Field struct {
	ID       string
	Label    string
	Hint     string
	Kind     Kind
	Type     DataType
	Required bool
	// MinLength and MaxLength count characters (runes); 0 means no limit.
	MinLength int
	MaxLength int
	// Min and Max bound the value in the type's notation: "10", "12,50",
	// "2024-01-01", "today", "today-18y", "08:00".
	Min string
	Max string
	// Pattern is an RE2 expression the whole text must match.
	Pattern string
	// Options or CodeList (a key of Form.CodeLists) list the codes of a select field.
	Options  []Option
	CodeList string
	// Widget chooses the control: "radio", "select", "checkbox", "textarea".
	// Empty means the type's default.
	Widget       string
	AutoComplete string
	InputMode    string
	// Default is the initial value in the type's input notation.
	Default string
	// Content is the text of a label field.
	Content string
	// Unit is shown after the input and value, e.g. "m²".
	Unit string
	// Accept lists media types a file field accepts; MaxSize is in bytes.
	Accept  []string
	MaxSize int64
	// VisibleIf is an expression; the field is hidden (and its value dropped) when false.
	VisibleIf string
	// Messages overrides the German message for a problem code ("required", "format", …).
	Messages map[string]string
	FIM      *FIMRef

	typ     FieldType
	hints   InputHints // typ.Input(f), computed once
	pattern *regexp.Regexp
	visible *program
	dynamic bool     // visibility depends on answers on the same step
	options []Option // resolved Options or CodeList values
	group   *Group   // innermost enclosing group
	scope   *Group   // innermost enclosing repeatable group
	step    *Step
}

// ItemID returns the field's ID.
func (f *Field) ItemID() string { return f.ID }
func (f *Field) isItem()        {}

// Choices returns the field's options (inline or from its code list).
func (f *Field) Choices() []Option { return f.options }

// RuleKind says what a rule does.
type RuleKind string

// The rule kinds.
const (
	// RuleValidate reports Message at Field when Expr is false.
	RuleValidate RuleKind = "validate"
	// RuleCalculate sets the hidden or locked Field to the value of Expr.
	RuleCalculate RuleKind = "calculate"
	// RuleNote documents a rule the engine cannot run (e.g. an imported FIM
	// script). It is kept for people and never executed.
	RuleNote RuleKind = "note"
)

// Rule is a cross-field validation, a calculation or a note.
type Rule struct {
	ID      string
	Kind    RuleKind
	Field   string
	Expr    string
	Message string
	// Description and Script document the rule; Script is never executed.
	Description string
	Script      string
	FIM         *FIMRef

	prog *program
}
