package xgewerbe

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Problem is one reason a message was refused.
type Problem struct {
	// Line is the line of the element concerned (1-based), 0 if unknown.
	Line int
	// Element is the local name of the element concerned, "" if none.
	Element string
	// Message says in German what is wrong.
	Message string
}

// String renders the problem as "Zeile 12, Element satz: …".
func (p Problem) String() string {
	var where []string
	if p.Line > 0 {
		where = append(where, fmt.Sprintf("Zeile %d", p.Line))
	}
	if p.Element != "" {
		where = append(where, "Element "+p.Element)
	}
	if len(where) == 0 {
		return p.Message
	}
	return strings.Join(where, ", ") + ": " + p.Message
}

// InvalidError is returned by Parse for a message that is not a valid
// XGewerbeanzeige. Reason gives the German text for staff.
type InvalidError struct {
	Problems []Problem
}

// maxProblems keeps a reason readable; the first problems are the ones to fix.
const maxProblems = 10

// Reason is the German explanation shown to staff, listing every problem
// found (at most ten).
func (e *InvalidError) Reason() string {
	var b strings.Builder
	b.WriteString("Die XGewerbeanzeige-Nachricht wurde abgelehnt")
	ps := e.Problems
	if len(ps) == 1 {
		b.WriteString(": " + ps[0].String())
		return b.String()
	}
	fmt.Fprintf(&b, " (%d Fehler):", len(ps))
	for i, p := range ps {
		if i == maxProblems {
			fmt.Fprintf(&b, "\n– und %d weitere", len(ps)-maxProblems)
			break
		}
		b.WriteString("\n– " + p.String())
	}
	return b.String()
}

// Error implements error.
func (e *InvalidError) Error() string {
	return "xgewerbe: " + strings.ReplaceAll(e.Reason(), "\n– ", " – ")
}

// refuse makes an InvalidError with a single problem.
func refuse(line int, element, format string, args ...any) error {
	return &InvalidError{Problems: []Problem{{Line: line, Element: element, Message: fmt.Sprintf(format, args...)}}}
}

// problems collects the findings of one validation run.
type problems struct {
	list []Problem
}

func (p *problems) add(n *node, format string, args ...any) {
	pr := Problem{Message: fmt.Sprintf(format, args...)}
	if n != nil {
		pr.Line, pr.Element = n.line, n.label()
	}
	p.list = append(p.list, pr)
}

// need returns the named child of n, recording a problem when it is missing
// or empty. display names the element as the sender's format spells it.
func (p *problems) need(n *node, name string) *node {
	c := n.child(name)
	switch {
	case c == nil:
		p.add(n, "Das Pflichtelement %s fehlt.", displayName(n, name))
	case c.value() == "" && (len(c.kids) == 0 || len(c.kids) == 1 && c.kids[0].name == "code"):
		p.add(c, "Das Pflichtelement ist leer.")
	}
	return c
}

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	slices.SortStableFunc(p.list, func(a, b Problem) int { return cmp.Compare(a.Line, b.Line) })
	return &InvalidError{Problems: p.list}
}
