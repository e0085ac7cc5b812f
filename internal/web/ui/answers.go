package ui

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/serviceportal/serviceportal/internal/inbound"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// AnswerFormatter renders a submission's answers by the labels of its form
// version; the form engine provides it.
type AnswerFormatter func(formID, formVersion string, values map[string]any) ([]AnswerSection, bool)

// answers shows the answers by label when the form is known, else by field
// ID, so a case is readable even for a form that was removed. What came
// over FIT-Connect shows the transfer and its data (an XGewerbeanzeige
// section by section).
func (h *Handler) answers(s submission.Submission) []AnswerSection {
	if s.Values == nil {
		return nil
	}
	if s.FormID == inbound.FormID {
		if secs, ok := inbound.Sections(s.Values); ok {
			out := make([]AnswerSection, 0, len(secs))
			for _, sec := range secs {
				a := AnswerSection{Title: sec.Title}
				for _, row := range sec.Rows {
					a.Rows = append(a.Rows, AnswerRow{Label: row.Label, Value: row.Value})
				}
				out = append(out, a)
			}
			return out
		}
	}
	if h.formatAnswers != nil {
		if secs, ok := h.formatAnswers(s.FormID, s.FormVersion, s.Values); ok {
			return secs
		}
	}
	if secs, ok := h.formAnswers(s); ok {
		return secs
	}
	keys := make([]string, 0, len(s.Values))
	for k := range s.Values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	sec := AnswerSection{Title: "Angaben"}
	for _, k := range keys {
		sec.Rows = append(sec.Rows, AnswerRow{Label: k, Value: plainValue(s.Values[k])})
	}
	return []AnswerSection{sec}
}

func plainValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "Ja"
		}
		return "Nein"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = plainValue(e)
		}
		return strings.Join(parts, "; ")
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ": " + plainValue(x[k])
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

// formAnswers renders answers with the labels and display formats of the
// form version the application was made with.
func (h *Handler) formAnswers(s submission.Submission) ([]AnswerSection, bool) {
	if h.forms == nil {
		return nil, false
	}
	f, ok := h.forms.Version(context.Background(), s.FormID, s.FormVersion)
	if !ok {
		return nil, false
	}
	raw, err := f.RawFromJSON(s.Values)
	if err != nil {
		return nil, false
	}
	var out []AnswerSection
	for _, sec := range f.Summary(raw).Sections {
		as := AnswerSection{Title: sec.Title}
		for _, row := range sec.Rows {
			label := row.Label
			if row.Heading {
				label = "— " + row.Label + " —"
			}
			as.Rows = append(as.Rows, AnswerRow{Label: label, Value: row.Value})
		}
		out = append(out, as)
	}
	return out, true
}
