// Package form is the form engine: FIM-aligned form schemas, a field-type
// registry, rules, server-side validation, a rendering model for
// html/template, a check-your-answers model, JSON Schema export and the
// schemas of the portal's own online services. It knows no HTTP, no HTML
// and no database; see fim/ for the XDatenfelder import.
//
// # Schema files
//
// A form version is one JSON document (Parse reads it, Form.MarshalJSON
// writes it). Unknown keys are errors. Example:
//
//	{
//	  "id": "hundeanmeldung",            // [a-z0-9-], 1–64 characters
//	  "version": "1.0.0",
//	  "title": "Hund anmelden",
//	  "description": "…",
//	  "fim": {"id": "S00000121", "version": "1.0"},   // optional origin
//	  "codeLists": {
//	    "hunderassen": {"uri": "urn:…", "version": "1", "values": [{"code": "dackel", "label": "Dackel"}]}
//	  },
//	  "steps": [
//	    {"id": "hunde", "title": "Angaben zu Ihren Hunden", "hint": "…", "visibleIf": "…",
//	     "items": [ …fields and groups… ]}
//	  ],
//	  "rules": [
//	    {"id": "R01", "kind": "validate", "field": "F15", "expr": "F15 >= F14", "message": "…"},
//	    {"id": "R02", "kind": "calculate", "field": "F31", "expr": "len(G10)"},
//	    {"id": "R03", "kind": "note", "description": "…", "script": "… never executed …"}
//	  ]
//	}
//
// Items are told apart by their ID: "F…" is a field (FIM Datenfeld), "G…"
// a group (FIM Datenfeldgruppe). Field and group IDs are unique in the
// whole form ([A-Za-z0-9_] after the letter). A group:
//
//	{"id": "G10", "title": "Hunde", "hint": "…", "cardinality": "1:5",
//	 "itemLabel": "Hund", "visibleIf": "…", "items": [ … ]}
//
// cardinality is FIM's min:max: "1:1" (default) a plain fieldset, "0:1" an
// optional group (its required fields apply only once one of its fields is
// filled in), max > 1 or "*" a repeatable group (at most MaxInstances).
// A field:
//
//	{"id": "F12", "label": "Rasse", "hint": "…",
//	 "kind": "select",            // input (default), select, label, hidden, locked
//	 "type": "text",              // text (default), text_latin, date, time, datetime,
//	                              // bool, num, num_int, num_currency, file, obj
//	 "required": true,
//	 "minLength": 1, "maxLength": 50, "pattern": "[0-9]{5}",   // text types; pattern is RE2, whole value
//	 "min": "today-18y", "max": "today",                        // value bounds in the type's notation
//	 "options": [{"code": "r", "label": "Rüde", "hint": "…"}],  // or "codeList": "hunderassen"
//	 "widget": "radio",           // radio|select (select), checkbox (bool), textarea (text)
//	 "autocomplete": "given-name", "inputmode": "numeric",
//	 "default": "1", "content": "Text of a label field", "unit": "m²",
//	 "accept": ["application/pdf", "image/*"], "maxSize": 10485760,  // file
//	 "visibleIf": "F11 == true",
//	 "messages": {"required": "Geben Sie Ihren Vornamen ein."},       // override by problem code
//	 "fim": {"id": "F60000227", "version": "1.1.0"}}
//
// Bounds: numbers in German or plain notation ("0,5", 500); dates as
// JJJJ-MM-TT or relative "today", "today+7d", "today-18y", "today+3m";
// times "08:00"; date-times "2025-01-31T08:00" or "now".
//
// # Expressions
//
// visibleIf, validate and calculate use expr-lang/expr, compiled once by
// Parse/Compile. An expression reads field values by ID: at form level
// every field outside repeatable groups and each repeatable group as an
// array of objects (len(G10), count(G10, .F17 == true), sum(G20, .F23 ?? 0));
// inside a repeatable group also the fields of the same instance. An empty
// field is nil: comparisons with it are false ("F11 == true"), arithmetic
// with it fails, and a failing expression makes the condition false, the
// validation not apply and the calculation empty. Values: text, select and
// time are strings, date and datetime time.Time, bool bool, num and
// num_currency float64 (euros), num_int int, file {name, size, mediaType}.
//
// Only these functions exist: today(), age(date), days(from, to),
// filled(x) and the builtins len, all, any, none, one, count, sum, filter,
// map, abs, ceil, floor, round, min, max, trim, upper, lower, first, last.
// Method calls, ranges (1..n), regular expressions (matches) and $env are
// rejected; expressions have at most 200 nodes and two loops. Conditions
// may only read answers from the same or earlier steps.
//
// # Raw values and names
//
// Posted values are map[string][]string (url.Values works). Names: "F01"
// for a field outside repeatable groups, "G01[0].F02" inside instance 0
// of G01, "G01[0].G03[1].F04" for nested groups, "G01.count" for the
// instance count (a hidden input). A draft is the same map for all steps:
// MergeStep replaces one step's part of it with a post, dropping keys that
// are not this step's inputs. File fields hold EncodeFileRef strings set by
// the upload layer. ApplyAction performs the add/remove buttons of
// repeatable groups without JavaScript.
//
// # Using a form
//
//	st := f.Evaluate(raw, time.Now())       // parse, calculate, decide visibility
//	res, _ := st.ValidateStep("hunde")     // res.Problems: German, in page order
//	view, _ := st.Step("hunde", res.Problems) // *StepView for the template
//	sum := st.Summary()                    // check-your-answers
//	final := st.ValidateAll()              // before submitting
//	data := f.Export(final.Values)         // JSON keyed by field ID
//	schema, _ := JSONSchema(f)             // validates data
//
// Messages shown to citizens are German and say what to do ("Geben Sie
// „Geburtsdatum“ im Format TT.MM.JJJJ ein, zum Beispiel 24.12.1990.").
// Dates are accepted as TT.MM.JJJJ or ISO, numbers with decimal comma
// ("12,50", "1.234,5"), amounts with or without "€".
//
// # Field types
//
// Each data type implements FieldType in its own type_*.go file and
// registers itself in init with Register: parsing (with German messages),
// validation, normalising (Format), display, JSON export, the value seen by
// expressions, the JSON Schema fragment and input hints (HTML input type,
// inputmode, autocomplete). A new type is one file.
package form
