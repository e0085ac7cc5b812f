// Package fim imports FIM XDatenfelder schemas (versions 2.0 and 3.0.0,
// and older 1.x exports)
// into forms of package form.
//
// Both a Stammdatenschema message (xdatenfelder.stammdatenschema.0102) and,
// for 3.0.0, a single Datenfeldgruppe message
// (xdatenfelder.datenfeldgruppe.0103) are accepted. The reader is strict:
// unknown elements, elements that may occur once but occur twice, missing
// or empty IDs, invalid release states and unknown namespaces are rejected
// with a German message naming the element and line.
//
// Mapping:
//   - Datenfeld → form.Field with the same Feldart, Datentyp, label
//     (bezeichnungEingabe, else name), hint (hilfetextEingabe),
//     praezisierung (length, value bounds, pattern), inhalt (label text or
//     default), media types for files; cardinality 1:… makes it required.
//   - Datenfeldgruppe → form.Group with its cardinality: 0:1 optional,
//     max > 1 repeatable. A field with max > 1 is wrapped in a repeatable group.
//   - The top-level elements become steps: each 1:1 group is a step of its
//     own (its fields directly on the page), other groups one step each,
//     runs of top-level fields one step "Weitere Angaben".
//   - Inline code lists (XDatenfelder 3 werte) become options. References to
//     XRepository code lists are resolved through Options.CodeList; without
//     it the field is asked as free text, with a warning.
//   - Regeln are never executed. Rules in the common wording "… ist/sind nur
//     dann zu befüllen, wenn "F… …" bejaht/verneint wurde" become visibility
//     conditions; every rule is kept as a note with its text and script.
//   - FIM reuses elements (the same Ort field in two addresses). Form IDs
//     must be unique, so later uses get a suffix (F00000035_2); Field.FIM
//     keeps the original ID and version.
//
// Older XDatenfelder 1 exports (xdatenfelder.stammdatenschema.0102001) are
// read as well, on a best-effort basis.
package fim

import (
	"fmt"
	"io"
	"strings"

	"github.com/serviceportal/serviceportal/internal/form"
)

// Options tune an import.
type Options struct {
	// CodeList resolves a code list reference (canonical URI and version
	// from XRepository) to its codes. Unresolved select fields become free
	// text fields.
	CodeList func(uri, version string) ([]form.Option, bool)
	// FormID replaces the form ID derived from the schema ID.
	FormID string
}

// Result is an imported form with notes on what was approximated.
type Result struct {
	Form *form.Form
	// Version is the XDatenfelder version of the file: "1", "2.0" or "3.0.0".
	Version string
	// Warnings say, in German, what the import changed or left out.
	Warnings []string
}

// Import reads an XDatenfelder file and converts it into a compiled form.
func Import(r io.Reader, opts Options) (*Result, error) {
	root, err := readTree(r)
	if err != nil {
		return nil, err
	}
	version := ""
	switch root.space {
	case nsV2:
		version = "2.0"
	case nsV3:
		version = "3.0.0"
	case nsV1:
		version = "1"
	case "":
		return nil, errorAt(root, "Das Wurzelelement <%s> hat keinen Namensraum; erwartet wird XDatenfelder 2 oder 3.", root.name)
	default:
		return nil, errorAt(root, "Unbekannter Namensraum %q; erwartet wird XDatenfelder 1 (%s), 2 (%s) oder 3 (%s).", root.space, nsV1, nsV2, nsV3)
	}
	rd := &reader{ns: root.space, sp: versionSpecs[root.space], rules: map[string]*rule{}}
	m, err := rd.children(root, messageSpec)
	if err != nil {
		return nil, err
	}
	var schema *element
	switch root.name {
	case "xdatenfelder.stammdatenschema.0102", "xdatenfelder.stammdatenschema.0102001":
		sn := m["stammdatenschema"]
		if len(sn) == 0 || len(m["datenfeldgruppe"]) > 0 {
			return nil, errorAt(root, "Die Nachricht muss genau ein <xdf:stammdatenschema> enthalten.")
		}
		if schema, err = rd.element(sn[0], "schema"); err != nil {
			return nil, err
		}
	case "xdatenfelder.datenfeldgruppe.0103":
		gn := m["datenfeldgruppe"]
		if len(gn) == 0 || len(m["stammdatenschema"]) > 0 {
			return nil, errorAt(root, "Die Nachricht muss genau eine <xdf:datenfeldgruppe> enthalten.")
		}
		g, err := rd.element(gn[0], "group")
		if err != nil {
			return nil, err
		}
		schema = &element{n: g.n, id: g.id, version: g.version, name: g.name, label: g.label, hint: g.hint,
			description: g.description, children: []child{{card: "1:1", el: g, n: g.n}}}
	default:
		return nil, errorAt(root, "Unbekannte Nachricht <xdf:%s>; erwartet wird xdatenfelder.stammdatenschema.0102 oder xdatenfelder.datenfeldgruppe.0103.", root.name)
	}
	c := newConverter(opts)
	f, err := c.form(schema)
	if err != nil {
		return nil, err
	}
	if err := f.Compile(); err != nil {
		return nil, &Error{Message: "Das Schema ließ sich nicht in ein gültiges Formular übersetzen: " + strings.TrimPrefix(err.Error(), "form: ")}
	}
	return &Result{Form: f, Version: version, Warnings: c.warnings}, nil
}

func (c *converter) warn(format string, args ...any) {
	if len(c.warnings) < 500 {
		c.warnings = append(c.warnings, fmt.Sprintf(format, args...))
	}
}
