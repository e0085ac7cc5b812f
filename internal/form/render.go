package form

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// groupHTMLID turns a group or instance path into an id: "G01[0].G03" → "g-G01-0-G03".
func groupHTMLID(path string) string { return "g-" + idReplacer.Replace(path) }

// RenderStep builds the model of one step at the current time; problems
// are those of the last validation (nil on first display).
func (f *Form) RenderStep(stepID string, raw map[string][]string, problems []Problem) (*StepView, error) {
	return f.Evaluate(raw, time.Now()).Step(stepID, problems)
}

// Step builds the rendering model of one step.
func (s *State) Step(stepID string, problems []Problem) (*StepView, error) {
	st, ok := s.f.idx.steps[stepID]
	if !ok {
		return nil, fmt.Errorf("form: unknown step %q", stepID)
	}
	r := &renderer{s: s, step: st, errs: make(map[string]string, len(problems)),
		fieldSlab: make([]FieldView, 0, len(s.f.idx.order))}
	for _, p := range problems {
		if _, seen := r.errs[p.FieldPath]; !seen {
			r.errs[p.FieldPath] = p.Message
		}
	}
	v := &StepView{FormID: s.f.ID, FormVersion: s.f.Version, FormTitle: s.f.Title, StepID: st.ID, Title: st.Title, Hint: st.Hint,
		PrevStepID: s.PrevStep(st.ID), NextStepID: s.NextStep(st.ID)}
	visible := s.VisibleSteps()
	v.Total = len(visible)
	for i, vs := range visible {
		if vs == st {
			v.Number = i + 1
		}
	}
	if v.Number == 0 { // a step the answers skip: count it where it stands
		v.Total++
		for _, vs := range visible {
			if vs.index < st.index {
				v.Number++
			}
		}
		v.Number++
	}
	v.Progress = fmt.Sprintf("Schritt %d von %d", v.Number, v.Total)
	v.IsFirst, v.IsLast = v.PrevStepID == "", v.NextStepID == ""
	v.Items = r.items(s.root, st.Items, false)
	for i, p := range problems {
		if p.StepID != st.ID || !r.rendered(p.FieldPath) || seenPath(problems[:i], p.FieldPath) {
			continue // other pages, or a second problem of one field
		}
		v.Errors = append(v.Errors, ErrorLink{Href: "#" + problemTarget(s.f, p.FieldPath), Message: p.Message})
	}
	return v, nil
}

func seenPath(ps []Problem, path string) bool {
	for _, p := range ps {
		if p.FieldPath == path {
			return true
		}
	}
	return false
}

// problemTarget returns the id a problem's summary entry links to.
func problemTarget(f *Form, path string) string {
	if r, ok := f.resolve(path); ok && r.field != nil {
		return HTMLID(path)
	}
	return groupHTMLID(path)
}

// rendered reports whether a problem's field or group is on the page (it
// may have become hidden since the validation).
func (r *renderer) rendered(path string) bool {
	return !r.s.hidden[path] || r.s.f.idx.fields[lastSegment(path)].dynamicOrNil() || r.s.f.idx.groups[lastSegment(path)].dynamicOrNil()
}

func lastSegment(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[i+1:]
	}
	return path
}

type renderer struct {
	s    *State
	step *Step
	errs map[string]string
	// slabs hand out views from a few large allocations instead of one per field.
	fieldSlab  []FieldView
	optionSlab []OptionView
}

func (r *renderer) newField() *FieldView {
	if len(r.fieldSlab) == cap(r.fieldSlab) {
		r.fieldSlab = make([]FieldView, 0, 32)
	}
	r.fieldSlab = r.fieldSlab[:len(r.fieldSlab)+1]
	return &r.fieldSlab[len(r.fieldSlab)-1]
}

func (r *renderer) newOptions(n int) []OptionView {
	if cap(r.optionSlab)-len(r.optionSlab) < n {
		r.optionSlab = make([]OptionView, 0, max(n, 64))
	}
	start := len(r.optionSlab)
	r.optionSlab = r.optionSlab[:start+n]
	return r.optionSlab[start : start : start+n]
}

func (f *Field) dynamicOrNil() bool { return f != nil && f.dynamic }
func (g *Group) dynamicOrNil() bool { return g != nil && g.dynamic }

// shown decides whether to render an item and whether it starts visible.
// Items that the answers on this page hide are rendered (hidden) so that
// they can appear without a round trip. inHidden is true inside such a
// group: there the item's own condition decides.
func (r *renderer) shown(in *inst, key string, p *program, dynamic, inHidden bool) (render, visible bool) {
	if inHidden {
		own := p == nil || p.truth(r.s.env(in))
		return own || dynamic, own
	}
	visible = !r.s.hidden[key]
	return visible || dynamic, visible
}

func (r *renderer) items(in *inst, items []Item, inHidden bool) []ItemView {
	out := make([]ItemView, 0, len(items))
	for _, it := range items {
		key := in.prefix + it.ItemID()
		switch it := it.(type) {
		case *Field:
			if it.Kind == KindHidden {
				continue
			}
			render, visible := r.shown(in, key, it.visible, it.dynamic, inHidden)
			if render {
				fv := r.field(in, it)
				fv.Visible, fv.Dynamic = visible, it.dynamic
				out = append(out, ItemView{Field: fv})
			}
		case *Group:
			render, visible := r.shown(in, key, it.visible, it.dynamic, inHidden)
			if render {
				gv := r.group(in, it, inHidden || !visible)
				gv.Visible, gv.Dynamic = visible, it.dynamic
				out = append(out, ItemView{Group: gv})
			}
		}
	}
	return out
}

func (r *renderer) group(in *inst, g *Group, inHidden bool) *GroupView {
	path := in.prefix + g.ID
	gv := &GroupView{ID: g.ID, Path: path, HTMLID: groupHTMLID(path), Legend: g.Title, Hint: g.Hint,
		Repeatable: g.Card.Repeatable(), Optional: g.Card.Optional(), Min: g.Card.Min, Max: g.Card.Max}
	if g.Hint != "" {
		gv.HintID = gv.HTMLID + "-hint"
	}
	if msg, ok := r.errs[path]; ok {
		gv.Error, gv.ErrorID = msg, gv.HTMLID+"-error"
	}
	if !gv.Repeatable {
		gv.Items = r.items(in, g.Items, inHidden)
		return gv
	}
	insts := in.subs[g.ID]
	n := len(insts)
	if extra := g.Card.Min - n; extra > 0 { // blank instances the minimum asks for
		extra = min(extra, maxTotalInstances-r.s.instances)
		if extra > 0 {
			n += extra
			r.s.instances += extra
		}
	}
	label := itemLabel(g)
	for i := 0; i < n; i++ {
		var c *inst
		if i < len(insts) {
			c = insts[i]
		} else { // an instance the minimum asks for but nobody posted yet
			p := instanceName(path, i)
			c = &inst{prefix: p + ".", path: p, group: g, index: i, parent: in, vals: map[string]any{}, subs: map[string][]*inst{}, counts: map[string]int{}}
			r.s.build(c, g.Items)
		}
		iv := InstanceView{Index: i, Number: i + 1, Path: c.path, HTMLID: groupHTMLID(c.path),
			Legend: fmt.Sprintf("%s %d", label, i+1), CanRemove: n > g.Card.Min,
			RemoveAction: "remove:" + c.path, RemoveLabel: fmt.Sprintf("%s %d entfernen", label, i+1)}
		iv.Items = r.items(c, g.Items, inHidden)
		gv.Instances = append(gv.Instances, iv)
	}
	gv.Count, gv.CountName = n, path+countSuffix
	gv.CanAdd = (g.Card.Max == Many || n < g.Card.Max) && n < MaxInstances
	gv.AddAction, gv.AddLabel = "add:"+path, label+" hinzufügen"
	return gv
}

func (r *renderer) field(in *inst, f *Field) *FieldView {
	name, id := f.ID, "f-"+f.ID
	if in.prefix != "" {
		name = in.prefix + f.ID
		id = HTMLID(name)
	}
	h := &f.hints
	fv := r.newField()
	*fv = FieldView{ID: f.ID, Name: name, HTMLID: id, Label: f.Label, Hint: f.Hint, Content: f.Content,
		Kind: f.Kind, Type: f.Type, Control: h.Type, InputMode: h.InputMode, AutoComplete: h.AutoComplete,
		Spellcheck: h.Spellcheck, Width: h.Width, Suffix: h.Suffix, Required: f.Required, Visible: true}
	val := in.vals[f.ID]
	str, posted := r.s.rawValue(name)
	switch {
	case val != nil && (f.Kind == KindSelect || f.Type == Bool):
		fv.Value = f.typ.Format(f, val) // "ja" selects the radio "true"
	case posted && (f.Kind == KindInput || f.Kind == KindSelect):
		fv.Value = str // as typed, also when it does not parse
	case val != nil:
		fv.Value = f.typ.Format(f, val)
	}
	if val != nil {
		fv.Display = displayValue(f, val)
	}
	switch f.Kind {
	case KindLabel:
		fv.Control = "label"
		if fv.Content == "" {
			fv.Content, fv.Label = fv.Label, ""
		}
	case KindLocked:
		fv.Control = "readonly"
	case KindSelect:
		fv.Control = f.Widget
		if fv.Control == "" {
			fv.Control = "radio"
			if len(f.options) > 6 {
				fv.Control = "select"
			}
		}
		fv.Options = r.options(fv, f.options)
	}
	switch {
	case f.Type == Bool && f.Kind == KindInput && fv.Control == "radio":
		fv.Options = r.options(fv, boolOptions)
	case fv.Control == "checkbox":
		fv.Checked, fv.Value = val == true, "true"
	case f.Type == File:
		if ref, ok := val.(FileRef); ok {
			fv.File = &ref
		}
		fv.Value = ""
		fv.Accept, fv.MaxSize = strings.Join(f.Accept, ","), f.MaxSize
		if f.MaxSize > 0 {
			fv.MaxSizeText = formatBytes(f.MaxSize)
		}
	}
	if fv.Hint != "" {
		fv.HintID = fv.HTMLID + "-hint"
		fv.DescribedBy = fv.HintID
	}
	if msg, ok := r.errs[name]; ok {
		fv.Error, fv.ErrorID = msg, fv.HTMLID+"-error"
		if fv.DescribedBy != "" {
			fv.DescribedBy += " " + fv.ErrorID
		} else {
			fv.DescribedBy = fv.ErrorID
		}
	}
	return fv
}

func (r *renderer) options(fv *FieldView, opts []Option) []OptionView {
	out := r.newOptions(len(opts) + 1)
	if fv.Control == "select" {
		out = append(out, OptionView{Value: "", Label: "Bitte auswählen", Selected: fv.Value == ""})
	}
	for i, o := range opts {
		ov := OptionView{Value: o.Code, Label: o.Label, Hint: o.Hint, Selected: o.Code == fv.Value, HTMLID: fv.HTMLID}
		if i > 0 {
			ov.HTMLID = fv.HTMLID + "-" + strconv.Itoa(i)
		}
		if o.Hint != "" {
			ov.HintID = ov.HTMLID + "-hint"
		}
		out = append(out, ov)
	}
	return out
}

// displayValue shows a value to people; for choices the option's label.
func displayValue(f *Field, v any) string {
	if f.Kind == KindSelect {
		code := f.typ.Format(f, v)
		for _, o := range f.options {
			if o.Code == code {
				return o.Label
			}
		}
	}
	return f.typ.Display(f, v)
}
