package form

import (
	"fmt"
	"strings"
	"time"
)

// Problem is one thing the citizen has to fix.
type Problem struct {
	// FieldPath is the HTML name of the field ("F01", "G01[0].F02") or, for
	// the number of instances, the group path ("G01", "G01[0].G03").
	FieldPath string
	// Message is German and says what to do.
	Message string
	// Code is machine-readable: "required", "format", "min", "max_count",
	// "rule", … (the Code* constants).
	Code string
	// Rule is the rule ID for Code "rule".
	Rule string
	// StepID is the step the field is on.
	StepID string
}

// Result is the outcome of a validation.
type Result struct {
	// Values are the typed values of all visible fields of the form,
	// including calculated ones; hidden fields are dropped.
	Values Values
	// Problems are in the order of the fields on the page(s).
	Problems []Problem
}

// OK reports whether there are no problems.
func (r *Result) OK() bool { return len(r.Problems) == 0 }

// FirstStep returns the step of the first problem, "" when there is none.
func (r *Result) FirstStep() string {
	if len(r.Problems) == 0 {
		return ""
	}
	return r.Problems[0].StepID
}

// ValidateStep validates raw values for one step at the current time.
// raw holds the whole draft merged with the step's post (see MergeStep):
// other steps' answers decide visibility and feed rules.
func (f *Form) ValidateStep(stepID string, raw map[string][]string) (*Result, error) {
	return f.Evaluate(raw, time.Now()).ValidateStep(stepID)
}

// ValidateAll validates all visible steps for the final submission at the current time.
func (f *Form) ValidateAll(raw map[string][]string) *Result {
	return f.Evaluate(raw, time.Now()).ValidateAll()
}

// ValidateStep reports the problems on one step. A step that does not
// apply to the current answers has no problems.
func (s *State) ValidateStep(stepID string) (*Result, error) {
	st, ok := s.f.idx.steps[stepID]
	if !ok {
		return nil, fmt.Errorf("form: unknown step %q", stepID)
	}
	v := &validator{s: s, rules: s.ruleProblems()}
	if !s.hidden[stepKey(st.ID)] {
		v.items(st, s.root, st.Items, false)
	}
	return &Result{Values: s.Values(), Problems: v.out}, nil
}

// ValidateAll reports the problems on all visible steps, in order.
func (s *State) ValidateAll() *Result {
	v := &validator{s: s, rules: s.ruleProblems()}
	for _, st := range s.f.Steps {
		if !s.hidden[stepKey(st.ID)] {
			v.items(st, s.root, st.Items, false)
		}
	}
	return &Result{Values: s.Values(), Problems: v.out}
}

type validator struct {
	s     *State
	rules map[string][]Problem // field path → failed validation rules
	out   []Problem
}

func (v *validator) items(st *Step, in *inst, items []Item, relaxed bool) {
	s := v.s
	for _, it := range items {
		key := in.prefix + it.ItemID()
		if s.hidden[key] {
			continue
		}
		switch it := it.(type) {
		case *Field:
			v.field(st, in, it, relaxed)
		case *Group:
			if !it.Card.Repeatable() {
				v.items(st, in, it.Items, relaxed || (it.Card.Optional() && !s.filled(in, it.Items)))
				continue
			}
			n := in.counts[it.ID]
			label := itemLabel(it)
			if n < it.Card.Min {
				v.add(st, key, CodeMinCount, fmt.Sprintf("Geben Sie mindestens %d × „%s“ an. Wählen Sie „%s hinzufügen“.", it.Card.Min, label, label))
			}
			if it.Card.Max != Many && n > it.Card.Max {
				v.add(st, key, CodeMaxCount, fmt.Sprintf("Sie können höchstens %d × „%s“ angeben. Entfernen Sie %d.", it.Card.Max, label, n-it.Card.Max))
			}
			for _, c := range in.subs[it.ID] {
				v.items(st, c, it.Items, relaxed)
			}
		}
	}
}

func (v *validator) field(st *Step, in *inst, f *Field, relaxed bool) {
	name := in.prefix + f.ID
	prefix := instancePrefix(in)
	if iss := v.s.issues[name]; iss != nil {
		v.add(st, name, iss.Code, prefix+iss.Message)
	} else if val := in.vals[f.ID]; val == nil || (f.Widget == "checkbox" && val == false) {
		if f.Required && !relaxed {
			v.add(st, name, CodeRequired, prefix+requiredMessage(f))
		}
	} else if f.Kind == KindInput || f.Kind == KindSelect {
		for _, iss := range f.typ.Validate(f, val, v.s.now) {
			v.add(st, name, iss.Code, prefix+iss.Message)
		}
	}
	for _, p := range v.rules[name] {
		p.StepID = st.ID
		p.Message = prefix + p.Message
		v.out = append(v.out, p)
	}
}

func (v *validator) add(st *Step, path, code, msg string) {
	v.out = append(v.out, Problem{FieldPath: path, Message: msg, Code: code, StepID: st.ID})
}

// instancePrefix names the instance a message is about: "Hund 2: ".
func instancePrefix(in *inst) string {
	p := ""
	for c := in; c != nil && c.group != nil; c = c.parent {
		p = fmt.Sprintf("%s %d: ", itemLabel(c.group), c.index+1) + p
	}
	return p
}

// itemLabel names one instance of a repeatable group.
func itemLabel(g *Group) string {
	if g.ItemLabel != "" {
		return g.ItemLabel
	}
	return "Eintrag"
}

// requiredMessage says what to do with an empty required field.
func requiredMessage(f *Field) string {
	if m := f.Messages[CodeRequired]; m != "" {
		return m
	}
	q := quoted(f)
	switch {
	case f.Widget == "checkbox":
		return "Bestätigen Sie " + q + ", indem Sie das Kästchen ankreuzen."
	case f.Type == Bool:
		return "Wählen Sie bei " + q + " „Ja“ oder „Nein“."
	case f.Kind == KindSelect:
		return "Wählen Sie bei " + q + " eine Antwort aus."
	case f.Type == File:
		return "Laden Sie " + q + " hoch."
	case f.Type == Date, f.Type == DateTime, f.Type == Time:
		return "Geben Sie " + q + " an."
	}
	return "Füllen Sie das Feld " + q + " aus."
}

// filled reports whether any input in the items has a posted value; an
// optional group that is not filled skips its required checks.
func (s *State) filled(in *inst, items []Item) bool {
	for _, it := range items {
		switch it := it.(type) {
		case *Field:
			if it.Kind == KindInput || it.Kind == KindSelect {
				if str, _ := s.rawValue(in.prefix + it.ID); strings.TrimSpace(str) != "" && !s.hidden[in.prefix+it.ID] {
					return true
				}
			}
		case *Group:
			if it.Card.Repeatable() {
				if len(in.subs[it.ID]) > 0 {
					return true
				}
			} else if s.filled(in, it.Items) {
				return true
			}
		}
	}
	return false
}

// ruleProblems runs the validation rules for every visible instance of
// their field. Rules that fail to evaluate (e.g. on empty fields) do not apply.
func (s *State) ruleProblems() map[string][]Problem {
	out := map[string][]Problem{}
	for _, r := range s.f.Rules {
		if r.Kind != RuleValidate || r.prog == nil {
			continue
		}
		f := s.f.idx.fields[r.Field]
		for _, in := range s.instancesOf(f.scope) {
			name := in.prefix + f.ID
			if s.hidden[name] {
				continue
			}
			x, err := r.prog.run(s.env(in))
			if ok, isBool := x.(bool); err == nil && isBool && !ok {
				out[name] = append(out[name], Problem{FieldPath: name, Message: r.Message, Code: CodeRule, Rule: r.ID})
			}
		}
	}
	return out
}
