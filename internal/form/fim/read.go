package fim

import (
	"encoding/json"
	"strings"

	"github.com/serviceportal/serviceportal/internal/form"
)

// element is a Stammdatenschema, Datenfeldgruppe or Datenfeld as read from
// the file, before conversion.
type element struct {
	n           *node
	id, version string
	name        string
	label       string // bezeichnungEingabe (v3 schema: bezeichnung)
	hint        string // hilfetextEingabe (schema: hilfetext)
	description string
	children    []child
	rules       []*rule

	// Datenfeld only
	kind, dataType string
	constraints    constraints
	content        string
	values         []form.Option
	codeList       codeListRef
	mediaTypes     []string
	maxSize        string
}

// child is an entry of a struktur: the element and its cardinality.
type child struct {
	card string
	el   *element
	n    *node
}

type constraints struct {
	MinLength string `json:"minLength"`
	MaxLength string `json:"maxLength"`
	MinValue  string `json:"minValue"`
	MaxValue  string `json:"maxValue"`
	Pattern   string `json:"pattern"`
}

type codeListRef struct {
	uri, version string
}

// rule is a FIM Regel.
type rule struct {
	id, version, name string
	text              string // definition (v2) or freitextRegel (v3), else beschreibung
	script            string
	n                 *node
}

// reader interprets the nodes of one XDatenfelder version strictly.
type reader struct {
	ns    string
	sp    specs
	rules map[string]*rule // by ID and version: rules repeat wherever they are attached
}

// children checks n's children against a spec and groups them by name.
func (r *reader) children(n *node, sp spec) (map[string][]*node, error) {
	out := make(map[string][]*node, len(n.kids))
	for _, k := range n.kids {
		if k.space != r.ns {
			return nil, errorAt(k, "Unerwartetes Element <%s> aus dem Namensraum %q in %s.", k.name, k.space, n.qname())
		}
		occ, ok := sp[k.name]
		if !ok {
			return nil, errorAt(k, "Unerwartetes Element %s in %s.", k.qname(), n.qname())
		}
		if prev := out[k.name]; occ == once && len(prev) > 0 {
			// An empty placeholder followed by the real value is tolerated
			// (some editors write both); anything else is a duplicate.
			if prev[0].empty() && !k.empty() {
				out[k.name] = []*node{k}
				continue
			}
			return nil, errorAt(k, "Das Element %s kommt in %s doppelt vor.", k.qname(), n.qname())
		}
		out[k.name] = append(out[k.name], k)
	}
	return out, nil
}

func text(m map[string][]*node, name string) string {
	if ns := m[name]; len(ns) > 0 {
		return ns[0].value()
	}
	return ""
}

// code returns the <code> inside a code element such as <xdf:feldart>.
func code(m map[string][]*node, name string) (string, *node) {
	ns := m[name]
	if len(ns) == 0 {
		return "", nil
	}
	for _, k := range ns[0].kids {
		if k.name == "code" {
			return k.value(), k
		}
	}
	return ns[0].value(), ns[0]
}

func (r *reader) ident(parent *node, m map[string][]*node) (string, string, error) {
	if r.ns == nsV1 { // <xdf:id> directly in the element
		idNodes := m["id"]
		if len(idNodes) == 0 {
			return "", "", errorAt(parent, "Das Element <xdf:id> fehlt in %s.", parent.qname())
		}
		if id := idNodes[0].value(); id != "" {
			return id, text(m, "version"), nil
		}
		return "", "", errorAt(idNodes[0], "Das Element <xdf:id> ist leer.")
	}
	ids := m["identifikation"]
	if len(ids) == 0 {
		return "", "", errorAt(parent, "Das Element <xdf:identifikation> fehlt in %s.", parent.qname())
	}
	im, err := r.children(ids[0], identSpec)
	if err != nil {
		return "", "", err
	}
	idNodes := im["id"]
	if len(idNodes) == 0 {
		return "", "", errorAt(ids[0], "Das Element <xdf:id> fehlt in <xdf:identifikation>.")
	}
	id := idNodes[0].value()
	if id == "" {
		return "", "", errorAt(idNodes[0], "Das Element <xdf:id> ist leer.")
	}
	return id, text(im, "version"), nil
}

// element reads a schema ("schema"), group or field.
func (r *reader) element(n *node, what string) (*element, error) {
	sp := map[string]spec{"schema": r.sp.schema, "group": r.sp.group, "field": r.sp.field}[what]
	m, err := r.children(n, sp)
	if err != nil {
		return nil, err
	}
	el := &element{n: n, name: text(m, "name"), description: text(m, "beschreibung")}
	if el.id, el.version, err = r.ident(n, m); err != nil {
		return nil, err
	}
	el.label, el.hint = text(m, "bezeichnungEingabe"), text(m, "hilfetextEingabe")
	if what == "schema" {
		if el.label == "" {
			el.label = text(m, "bezeichnung")
		}
		el.hint = text(m, "hilfetext")
	}
	if status, at := code(m, "freigabestatus"); at != nil && r.ns == nsV3 && !releaseStates[status] {
		return nil, errorAt(at, "Ungültiger Freigabestatus %q: erlaubt sind die Codes 1 bis 8.", status)
	}
	for _, rn := range m["regel"] {
		ru, err := r.rule(rn)
		if err != nil {
			return nil, err
		}
		el.rules = append(el.rules, ru)
	}
	if what == "field" {
		if err := r.field(el, m); err != nil {
			return nil, err
		}
		return el, nil
	}
	for _, sn := range m["struktur"] {
		c, err := r.structure(sn)
		if err != nil {
			return nil, err
		}
		el.children = append(el.children, c)
	}
	return el, nil
}

func (r *reader) structure(n *node) (child, error) {
	m, err := r.children(n, r.sp.structure)
	if err != nil {
		return child{}, err
	}
	card := text(m, "anzahl")
	if card == "" {
		return child{}, errorAt(n, "Das Element <xdf:anzahl> fehlt in <xdf:struktur>.")
	}
	cs := m["enthaelt"]
	if len(cs) == 0 {
		return child{}, errorAt(n, "Das Element <xdf:enthaelt> fehlt in <xdf:struktur>.")
	}
	cm, err := r.children(cs[0], containsSpec)
	if err != nil {
		return child{}, err
	}
	var el *element
	switch {
	case len(cm["datenfeldgruppe"]) > 0 && len(cm["datenfeld"]) > 0:
		return child{}, errorAt(cs[0], "<xdf:enthaelt> darf nur ein Element enthalten.")
	case len(cm["datenfeldgruppe"]) > 0:
		el, err = r.element(cm["datenfeldgruppe"][0], "group")
	case len(cm["datenfeld"]) > 0:
		el, err = r.element(cm["datenfeld"][0], "field")
	default:
		return child{}, errorAt(cs[0], "<xdf:enthaelt> ist leer; erwartet wird <xdf:datenfeld> oder <xdf:datenfeldgruppe>.")
	}
	if err != nil {
		return child{}, err
	}
	return child{card: card, el: el, n: n}, nil
}

func (r *reader) field(el *element, m map[string][]*node) error {
	var at *node
	if el.kind, at = code(m, "feldart"); at == nil || el.kind == "" {
		return errorAt(el.n, "Dem Datenfeld %s fehlt die Feldart (<xdf:feldart>).", el.id)
	}
	if el.dataType, at = code(m, "datentyp"); at == nil || el.dataType == "" {
		return errorAt(el.n, "Dem Datenfeld %s fehlt der Datentyp (<xdf:datentyp>).", el.id)
	}
	el.content, el.maxSize = text(m, "inhalt"), text(m, "maxSize")
	if ps := m["praezisierung"]; len(ps) > 0 {
		if err := readConstraints(ps[0], &el.constraints); err != nil {
			return err
		}
	}
	for _, mt := range m["mediaType"] {
		if v := mt.value(); v != "" {
			el.mediaTypes = append(el.mediaTypes, v)
		}
	}
	if ws := m["werte"]; len(ws) > 0 {
		wm, err := r.children(ws[0], v3Values)
		if err != nil {
			return err
		}
		for _, w := range wm["wert"] {
			vm, err := r.children(w, v3Value)
			if err != nil {
				return err
			}
			el.values = append(el.values, form.Option{Code: text(vm, "code"), Label: text(vm, "name"), Hint: text(vm, "hilfe")})
		}
	}
	if cl := m["codelisteReferenz"]; len(cl) > 0 {
		el.codeList = readCodeListRef(cl[0])
	}
	if cl := m["codeliste"]; len(cl) > 0 { // XDatenfelder 1
		lm := map[string]string{}
		for _, k := range cl[0].kids {
			lm[k.name] = k.value()
		}
		el.codeList = codeListRef{uri: first(lm["kennung"], lm["id"]), version: lm["version"]}
	}
	return nil
}

// readConstraints reads a praezisierung: a JSON object as text in
// XDatenfelder 2, attributes in XDatenfelder 3.
func readConstraints(n *node, c *constraints) error {
	for _, a := range []struct {
		name string
		dst  *string
	}{{"minLength", &c.MinLength}, {"maxLength", &c.MaxLength}, {"minValue", &c.MinValue}, {"maxValue", &c.MaxValue}, {"pattern", &c.Pattern}} {
		if v, ok := n.attr(a.name); ok {
			*a.dst = strings.TrimSpace(v)
		}
	}
	v := n.value()
	if !strings.HasPrefix(v, "{") {
		return nil // v3 may carry free text here
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(v), &raw); err != nil {
		return errorAt(n, "Die Präzisierung ist kein gültiges JSON: %v", err)
	}
	get := func(k string) string {
		switch x := raw[k].(type) {
		case string:
			return strings.TrimSpace(x)
		case float64:
			b, _ := json.Marshal(x)
			return string(b)
		}
		return ""
	}
	c.MinLength, c.MaxLength, c.MinValue, c.MaxValue, c.Pattern = get("minLength"), get("maxLength"), get("minValue"), get("maxValue"), get("pattern")
	return nil
}

// readCodeListRef finds the canonical identification and version of a
// code list reference at any depth (v2 nests it in genericodeIdentification).
func readCodeListRef(n *node) codeListRef {
	var ref codeListRef
	var walk func(*node)
	walk = func(k *node) {
		switch k.name {
		case "canonicalIdentification":
			ref.uri = k.value()
		case "version":
			if ref.version == "" {
				ref.version = k.value()
			}
		}
		for _, c := range k.kids {
			walk(c)
		}
	}
	for _, k := range n.kids {
		if k.name != "identifikation" {
			walk(k)
		}
	}
	return ref
}

func (r *reader) rule(n *node) (*rule, error) {
	m, err := r.children(n, r.sp.rule)
	if err != nil {
		return nil, err
	}
	id, version, err := r.ident(n, m)
	if err != nil {
		return nil, err
	}
	key := id + ":" + version
	if ru, ok := r.rules[key]; ok {
		return ru, nil
	}
	ru := &rule{id: id, version: version, name: text(m, "name"), n: n}
	for _, k := range []string{"freitextRegel", "definition", "beschreibung"} {
		if ru.text = text(m, k); ru.text != "" {
			break
		}
	}
	ru.script = text(m, "skript")
	if ru.script == "" {
		ru.script = text(m, "script")
	}
	r.rules[key] = ru
	return ru, nil
}
