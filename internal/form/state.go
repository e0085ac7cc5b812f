package form

import (
	"strconv"
	"strings"
	"time"
)

// State is a form evaluated against one set of raw values at one moment:
// values parsed, calculations run and visibility decided. Build it once per
// request with Evaluate and use it to validate and to render.
type State struct {
	f       *Form
	raw     map[string][]string
	now     time.Time
	root    *inst
	hidden  map[string]bool // item keys that are not visible (see visKey)
	issues  map[string]*Issue
	helpers map[string]any
	// instances counts the group instances built, against maxTotalInstances.
	instances int
}

// inst holds the values of the form level or of one instance of a
// repeatable group.
type inst struct {
	prefix string // "" or "G01[0]." — prepended to field IDs to get HTML names
	path   string // "" or "G01[0]"
	group  *Group // the repeatable group this is an instance of; nil for the form level
	index  int
	parent *inst
	vals   map[string]any     // field ID → typed value (nil: none)
	subs   map[string][]*inst // repeatable group ID → its instances
	counts map[string]int     // repeatable group ID → instances as posted
	env    map[string]any     // cached expression environment
}

// maxTotalInstances bounds the instances of all repeatable groups of one
// evaluation together. Nested groups multiply (100 instances of a group
// with 100 instances each), so a post with many count keys could otherwise
// make one request build millions of instances. Real forms stay far below.
const maxTotalInstances = 1000

// maxIterations bounds the rounds of calculation and visibility; rounds
// repeat only while visibility changes.
const maxIterations = 5

// Evaluate parses raw (an HTML form post or a stored draft, see paths.go for
// the names) and applies calculations and visibility rules at time now.
func (f *Form) Evaluate(raw map[string][]string, now time.Time) *State {
	if f.idx == nil {
		panic("form: Evaluate on a form that was not compiled")
	}
	if raw == nil {
		raw = map[string][]string{}
	}
	s := &State{f: f, raw: raw, now: now, hidden: map[string]bool{}, issues: map[string]*Issue{}, helpers: helpers(now)}
	s.root = &inst{vals: map[string]any{}, subs: map[string][]*inst{}, counts: map[string]int{}}
	for _, st := range f.Steps {
		s.build(s.root, st.Items)
	}
	for i := 0; i < maxIterations; i++ {
		s.calculate()
		if !s.decideVisibility() {
			break
		}
	}
	return s
}

func (s *State) build(in *inst, items []Item) {
	for _, it := range items {
		switch it := it.(type) {
		case *Field:
			s.parseField(in, it)
		case *Group:
			if !it.Card.Repeatable() {
				s.build(in, it.Items)
				continue
			}
			path := in.prefix + it.ID
			n := instanceCount(s.raw, path)
			in.counts[it.ID] = n
			if it.Card.Max != Many {
				n = min(n, it.Card.Max)
			}
			n = max(0, min(n, maxTotalInstances-s.instances))
			s.instances += n
			insts := make([]*inst, n)
			for i := range insts {
				p := instanceName(path, i)
				child := &inst{prefix: p + ".", path: p, group: it, index: i, parent: in,
					vals: map[string]any{}, subs: map[string][]*inst{}, counts: map[string]int{}}
				s.build(child, it.Items)
				insts[i] = child
			}
			in.subs[it.ID] = insts
		}
	}
}

// rawValue returns the first posted value for a name and whether the key
// was posted at all.
func (s *State) rawValue(name string) (string, bool) {
	v, ok := s.raw[name]
	if !ok || len(v) == 0 {
		return "", ok
	}
	return v[0], true
}

func (s *State) parseField(in *inst, f *Field) {
	if f.Kind == KindLabel {
		return
	}
	in.vals[f.ID] = nil
	str, posted := "", false
	if f.Kind == KindInput || f.Kind == KindSelect {
		str, posted = s.rawValue(in.prefix + f.ID)
		str = strings.TrimSpace(str)
	}
	if !posted {
		str = strings.TrimSpace(f.Default)
	}
	if str == "" {
		return
	}
	if f.Kind == KindSelect && !hasCode(f.options, str) {
		s.issues[in.prefix+f.ID] = issue(f, CodeOption, "Wählen Sie bei "+quoted(f)+" eine der angebotenen Antworten aus.")
		return
	}
	v, iss := f.typ.Parse(f, str)
	if iss != nil {
		s.issues[in.prefix+f.ID] = iss
		return
	}
	in.vals[f.ID] = v
}

func hasCode(opts []Option, code string) bool {
	for _, o := range opts {
		if o.Code == code {
			return true
		}
	}
	return false
}

// env returns the expression environment of an instance: the visible
// values of the instance and all enclosing ones, its repeatable groups as
// arrays, and the helper functions.
func (s *State) env(in *inst) map[string]any {
	if in.env != nil {
		return in.env
	}
	var base map[string]any
	if in.parent == nil {
		base = s.helpers
	} else {
		base = s.env(in.parent)
	}
	m := make(map[string]any, len(base)+len(in.vals)+len(in.subs))
	for k, v := range base {
		m[k] = v
	}
	s.addLocal(m, in)
	in.env = m
	return m
}

// addLocal adds an instance's own values and groups to an environment.
func (s *State) addLocal(m map[string]any, in *inst) {
	for id, v := range in.vals {
		if v == nil || s.hidden[in.prefix+id] {
			m[id] = nil
			continue
		}
		f := s.f.idx.fields[id]
		m[id] = f.typ.Expr(f, v)
	}
	for id, insts := range in.subs {
		arr := make([]map[string]any, 0, len(insts))
		if !s.hidden[in.prefix+id] {
			for _, c := range insts {
				local := make(map[string]any, len(c.vals)+len(c.subs))
				s.addLocal(local, c)
				arr = append(arr, local)
			}
		}
		m[id] = arr
	}
}

// resetEnv drops all cached environments after values or visibility changed.
func (s *State) resetEnv(in *inst) {
	in.env = nil
	for _, insts := range in.subs {
		for _, c := range insts {
			s.resetEnv(c)
		}
	}
}

// instancesOf returns every instance of a repeatable group (the form level for nil).
func (s *State) instancesOf(g *Group) []*inst {
	if g == nil {
		return []*inst{s.root}
	}
	var out []*inst
	for _, parent := range s.instancesOf(g.scope) {
		out = append(out, parent.subs[g.ID]...)
	}
	return out
}

// calculate runs the calculation rules in order; each sees the results of
// the ones before. Failing calculations (e.g. on empty fields) give no value.
func (s *State) calculate() {
	for _, r := range s.f.Rules {
		if r.Kind != RuleCalculate || r.prog == nil {
			continue
		}
		f := s.f.idx.fields[r.Field]
		for _, in := range s.instancesOf(f.scope) {
			var val any
			if x, err := r.prog.run(s.env(in)); err == nil && x != nil {
				if v, ok := f.typ.FromExpr(f, x); ok {
					val = v
				}
			}
			in.vals[f.ID] = val
			s.resetEnv(s.root)
		}
	}
}

// decideVisibility evaluates all visibility conditions and reports whether
// anything changed.
func (s *State) decideVisibility() bool {
	hidden := map[string]bool{}
	for _, st := range s.f.Steps {
		shown := st.visible == nil || st.visible.truth(s.env(s.root))
		if !shown {
			hidden[stepKey(st.ID)] = true
		}
		s.visItems(hidden, s.root, st.Items, shown)
	}
	changed := len(hidden) != len(s.hidden)
	if !changed {
		for k := range hidden {
			if !s.hidden[k] {
				changed = true
				break
			}
		}
	}
	s.hidden = hidden
	if changed {
		s.resetEnv(s.root)
	}
	return changed
}

func (s *State) visItems(hidden map[string]bool, in *inst, items []Item, shown bool) {
	for _, it := range items {
		switch it := it.(type) {
		case *Field:
			if !shown || (it.visible != nil && !it.visible.truth(s.env(in))) {
				hidden[in.prefix+it.ID] = true
			}
		case *Group:
			gShown := shown && (it.visible == nil || it.visible.truth(s.env(in)))
			if !gShown {
				hidden[in.prefix+it.ID] = true
			}
			if !it.Card.Repeatable() {
				s.visItems(hidden, in, it.Items, gShown)
				continue
			}
			for _, c := range in.subs[it.ID] {
				s.visItems(hidden, c, it.Items, gShown)
			}
		}
	}
}

func stepKey(id string) string { return "step:" + id }

// StepVisible reports whether a step applies to the current answers.
func (s *State) StepVisible(id string) bool {
	_, ok := s.f.idx.steps[id]
	return ok && !s.hidden[stepKey(id)]
}

// VisibleSteps returns the steps that apply to the current answers, in order.
func (s *State) VisibleSteps() []*Step {
	var out []*Step
	for _, st := range s.f.Steps {
		if !s.hidden[stepKey(st.ID)] {
			out = append(out, st)
		}
	}
	return out
}

// NextStep returns the ID of the visible step after id, or "" after the last.
func (s *State) NextStep(id string) string { return s.neighbour(id, 1) }

// PrevStep returns the ID of the visible step before id, or "" before the first.
func (s *State) PrevStep(id string) string { return s.neighbour(id, -1) }

func (s *State) neighbour(id string, dir int) string {
	st, ok := s.f.idx.steps[id]
	if !ok {
		return ""
	}
	for i := st.index + dir; i >= 0 && i < len(s.f.Steps); i += dir {
		if !s.hidden[stepKey(s.f.Steps[i].ID)] {
			return s.f.Steps[i].ID
		}
	}
	return ""
}

// itoa is strconv.Itoa, short for building names.
func itoa(i int) string { return strconv.Itoa(i) }
