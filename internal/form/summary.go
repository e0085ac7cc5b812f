package form

import (
	"fmt"
	"time"
)

// SummaryView is the check-your-answers page: one section per visible
// step, one row per answer, each with what the change link needs.
type SummaryView struct {
	FormID    string
	FormTitle string
	Sections  []SummarySection
}

// SummarySection lists the answers of one step.
type SummarySection struct {
	StepID string
	Title  string
	Rows   []SummaryRow
}

// SummaryRow is one answer, or (Heading) the title of a group instance
// such as "Hund 2" that the following rows belong to.
type SummaryRow struct {
	Label string
	// Value is the answer for people ("24.12.1990", "Ja", "12,50 €", the
	// option's label, the file name) or "Keine Angabe".
	Value   string
	Heading bool
	// Level is the nesting depth of repeatable groups (0 at step level).
	Level int
	// StepID and Anchor make the change link: the step's page plus
	// "#"+Anchor (the field's id attribute).
	StepID    string
	FieldPath string
	Anchor    string
}

// NoAnswer is shown for optional questions left empty.
const NoAnswer = "Keine Angabe"

// Summary builds the check-your-answers model at the current time.
func (f *Form) Summary(raw map[string][]string) *SummaryView {
	return f.Evaluate(raw, time.Now()).Summary()
}

// Summary builds the check-your-answers model: visible steps, visible
// fields (label and hidden fields are left out, locked ones shown).
func (s *State) Summary() *SummaryView {
	v := &SummaryView{FormID: s.f.ID, FormTitle: s.f.Title}
	for _, st := range s.VisibleSteps() {
		sec := SummarySection{StepID: st.ID, Title: st.Title}
		sec.Rows = s.summaryRows(st, s.root, st.Items, 0, nil)
		if len(sec.Rows) > 0 {
			v.Sections = append(v.Sections, sec)
		}
	}
	return v
}

func (s *State) summaryRows(st *Step, in *inst, items []Item, level int, out []SummaryRow) []SummaryRow {
	for _, it := range items {
		key := in.prefix + it.ItemID()
		if s.hidden[key] {
			continue
		}
		switch it := it.(type) {
		case *Field:
			if it.Kind == KindLabel || it.Kind == KindHidden {
				continue
			}
			row := SummaryRow{Label: it.Label, Value: NoAnswer, Level: level, StepID: st.ID, FieldPath: key, Anchor: HTMLID(key)}
			if v := in.vals[it.ID]; v != nil {
				row.Value = displayValue(it, v)
			}
			out = append(out, row)
		case *Group:
			if !it.Card.Repeatable() {
				out = s.summaryRows(st, in, it.Items, level, out)
				continue
			}
			insts := in.subs[it.ID]
			if len(insts) == 0 {
				out = append(out, SummaryRow{Label: it.Title, Value: NoAnswer, Level: level, StepID: st.ID, FieldPath: key, Anchor: groupHTMLID(key)})
				continue
			}
			for _, c := range insts {
				out = append(out, SummaryRow{Label: fmt.Sprintf("%s %d", itemLabel(it), c.index+1), Heading: true, Level: level,
					StepID: st.ID, FieldPath: c.path, Anchor: groupHTMLID(c.path)})
				out = s.summaryRows(st, c, it.Items, level+1, out)
			}
		}
	}
	return out
}
