package page

import (
	"fmt"

	"github.com/serviceportal/serviceportal/internal/form"
)

// hasFileField reports whether a step has a file input, so its form is
// sent as multipart.
func hasFileField(v *form.StepView) bool {
	var walk func(items []form.ItemView) bool
	walk = func(items []form.ItemView) bool {
		for _, it := range items {
			if it.Field != nil && it.Field.Control == "file" {
				return true
			}
			if it.Group != nil {
				if walk(it.Group.Items) {
					return true
				}
				for _, in := range it.Group.Instances {
					if walk(in.Items) {
						return true
					}
				}
			}
		}
		return false
	}
	return v != nil && walk(v.Items)
}

// widthClass maps a suggested width in characters to one of the input
// width classes of the style sheet.
func widthClass(chars int) int {
	switch {
	case chars <= 3:
		return 2
	case chars <= 6:
		return 4
	case chars <= 12:
		return 10
	}
	return 20
}

// levelLabel shows a maturity level; -1 means it is the state portal's.
func levelLabel(l int) string {
	if l < 0 {
		return "extern"
	}
	return fmt.Sprint(l)
}

// shorten cuts long axis labels of charts.
func shorten(s string) string {
	r := []rune(s)
	if len(r) <= 18 {
		return s
	}
	return string(r[:17]) + "…"
}
