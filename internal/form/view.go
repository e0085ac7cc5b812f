package form

// StepView is the rendering model of one step: everything an html/template
// needs, with visibility already applied. It holds no HTML.
type StepView struct {
	FormID      string
	FormVersion string
	FormTitle   string
	StepID      string
	Title       string
	Hint        string
	// Number and Total count the steps that apply ("Schritt 2 von 5").
	Number   int
	Total    int
	Progress string
	// PrevStepID and NextStepID are "" at the ends.
	PrevStepID string
	NextStepID string
	IsFirst    bool
	IsLast     bool
	Items      []ItemView
	// Errors is the error summary, in page order; each links to its field.
	Errors []ErrorLink
}

// ErrorLink is one entry of the error summary.
type ErrorLink struct {
	Href    string // "#f-G01-0-F02"
	Message string
}

// ItemView is a field or a group; exactly one pointer is set.
type ItemView struct {
	Field *FieldView
	Group *GroupView
}

// FieldView is one field ready for rendering.
type FieldView struct {
	ID      string // field ID, "F01"
	Name    string // HTML name, "G01[0].F01"
	HTMLID  string // id of the input (of the first radio), "f-G01-0-F01"
	Label   string
	Hint    string
	Content string // text of a label field
	Kind    Kind
	Type    DataType
	// Control is the element to render: "text", "email", "tel", "url",
	// "textarea", "select", "radio", "checkbox", "file", "readonly" (locked
	// fields) or "label" (text only).
	Control      string
	InputMode    string
	AutoComplete string
	Spellcheck   bool
	Width        int    // suggested width in characters, 0 = full
	Suffix       string // shown after the input: "€", "Uhr", "m²"
	Required     bool
	// Value is the input's value: what the citizen typed, or the default
	// or calculated value in input notation.
	Value string
	// Display is the value for people (locked fields, uploaded file).
	Display string
	Checked bool // checkbox
	Options []OptionView
	// File is the uploaded file of a file field, if any.
	File        *FileRef
	Accept      string // for the accept attribute: "application/pdf,image/*"
	MaxSize     int64
	MaxSizeText string // "10 MB"
	Error       string
	HintID      string
	ErrorID     string
	// DescribedBy is the value for aria-describedby (hint and error ids).
	DescribedBy string
	// Visible is false only for Dynamic fields that the current answers on
	// this page hide; render them with the hidden attribute.
	Visible bool
	// Dynamic fields depend on answers on the same page; after the citizen
	// changes those, the page's next submission decides.
	Dynamic bool
}

// OptionView is one radio button or select option.
type OptionView struct {
	Value    string
	Label    string
	Hint     string
	HTMLID   string
	HintID   string
	Selected bool
}

// GroupView is a fieldset; repeatable groups carry their instances and the
// add/remove buttons (name "action", value AddAction/RemoveAction, handled
// by Form.ApplyAction).
type GroupView struct {
	ID         string
	Path       string // "G01" or "G01[0].G03"
	HTMLID     string // "g-G01"
	Legend     string
	Hint       string
	HintID     string
	Repeatable bool
	Optional   bool
	Items      []ItemView // plain groups
	Instances  []InstanceView
	// CountName/Count are a hidden input that keeps the number of instances.
	CountName string
	Count     int
	Min       int
	Max       int // Many (-1) for no limit
	CanAdd    bool
	AddAction string
	AddLabel  string
	Error     string
	ErrorID   string
	Visible   bool
	Dynamic   bool
}

// InstanceView is one instance of a repeatable group.
type InstanceView struct {
	Index        int
	Number       int    // Index+1
	Path         string // "G01[1]"
	HTMLID       string
	Legend       string // "Hund 2"
	Items        []ItemView
	CanRemove    bool
	RemoveAction string
	RemoveLabel  string
}
