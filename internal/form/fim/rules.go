package fim

import (
	"regexp"

	"github.com/serviceportal/serviceportal/internal/form"
)

// reOnlyIf matches the FIM wording for conditional fields, e.g.
//
//	"F00001028 Krankenversicherungsträger" ist nur dann zu befüllen, wenn
//	"F00001027 Krankenversicherung vorhanden" bejaht wurde.
var (
	reOnlyIf = regexp.MustCompile(`(?is)^(.*?)\b(?:ist|sind)\s+nur\s+dann\s+(?:zu\s+befüllen|zu\s+füllen|auszufüllen|anzugeben)\s*,?\s*(?:wenn|falls)\s+(.*?)\s+(bejaht|verneint)\s+wurde\s*\.?\s*$`)
	reFIMID  = regexp.MustCompile(`\bF\d{5,}\b`)
)

// applyRules handles the rules attached to an element whose converted
// items are given: recognised conditions become visibleIf expressions, and
// every rule is kept as a note (never executed). A rule attached in several
// places is handled where it appears first.
func (c *converter) applyRules(rules []*rule, items []form.Item) {
	for _, ru := range rules {
		if c.noted[ru] {
			continue
		}
		c.noted[ru] = true
		desc := ru.name
		if ru.text != "" && desc != "" {
			desc += ": "
		}
		if desc += ru.text; desc == "" {
			desc = ru.id
		}
		if c.translate(ru, items) {
			desc += " (als Sichtbarkeitsbedingung übernommen)"
		} else {
			c.warn("Die Regel %s „%s“ wird nicht ausgeführt; sie ist als Notiz im Formular gespeichert.", ru.id, first(ru.name, ru.id))
		}
		c.notes = append(c.notes, &form.Rule{ID: c.uniqueID(ru.id, "R"), Kind: form.RuleNote, Description: desc,
			Script: ru.script, FIM: &form.FIMRef{ID: ru.id, Version: ru.version}})
	}
}

// translate turns an "only if answered yes/no" rule into visibility
// conditions. It applies only when all fields named are found among the
// items, the condition is a yes/no field that comes before its targets,
// and all live in the same repeatable scope.
func (c *converter) translate(ru *rule, items []form.Item) bool {
	m := reOnlyIf.FindStringSubmatch(ru.text)
	if m == nil {
		return false
	}
	targets, conds := reFIMID.FindAllString(m[1], -1), reFIMID.FindAllString(m[2], -1)
	if len(targets) == 0 || len(conds) != 1 {
		return false
	}
	byID := map[string]*form.Field{}
	var walk func([]form.Item)
	walk = func(items []form.Item) {
		for _, it := range items {
			switch it := it.(type) {
			case *form.Field:
				if id := c.origin[it].fimID; byID[id] == nil {
					byID[id] = it
				}
			case *form.Group:
				walk(it.Items)
			}
		}
	}
	walk(items)
	cond := byID[conds[0]]
	if cond == nil || cond.Type != form.Bool || cond.Kind != form.KindInput {
		return false
	}
	ci := c.origin[cond]
	fields := make([]*form.Field, 0, len(targets))
	for _, t := range targets {
		f := byID[t]
		if f == nil || f == cond || c.origin[f].scope != ci.scope || c.origin[f].order < ci.order {
			return false
		}
		fields = append(fields, f)
	}
	expr := cond.ID + " == true"
	if m[3] == "verneint" {
		expr = cond.ID + " == false"
	}
	for _, f := range fields {
		if f.VisibleIf != "" {
			f.VisibleIf = "(" + f.VisibleIf + ") && " + expr
		} else {
			f.VisibleIf = expr
		}
	}
	return true
}
