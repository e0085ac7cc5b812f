package form

import (
	"fmt"
	"regexp"
	"strings"
)

// SchemaProblem is one thing wrong with a schema. Path names the place, e.g.
// "halter/G01/F03" (step/group/field) or "rules/R02".
type SchemaProblem struct {
	Path    string
	Message string
}

// SchemaError lists everything wrong with a schema. Messages are German,
// for the coordinators who edit schemas.
type SchemaError struct {
	Problems []SchemaProblem
}

// Error joins all problems.
func (e *SchemaError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		if p.Path != "" {
			parts[i] = p.Path + ": " + p.Message
		} else {
			parts[i] = p.Message
		}
	}
	return fmt.Sprintf("form: Schema ungültig (%d Probleme): %s", len(e.Problems), strings.Join(parts, "; "))
}

var (
	reFormID   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)
	reStepID   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)
	reFieldID  = regexp.MustCompile(`^F[A-Za-z0-9_]{1,63}$`)
	reGroupID  = regexp.MustCompile(`^G[A-Za-z0-9_]{1,63}$`)
	reRuleID   = regexp.MustCompile(`^R[A-Za-z0-9_]{1,63}$`)
	reListName = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,100}$`)
)

const (
	maxSteps = 50
	maxItems = 5000
)

// index holds what Compile derives from the schema for fast evaluation.
type index struct {
	fields map[string]*Field
	groups map[string]*Group
	steps  map[string]*Step
	calc   map[string]*Rule          // calculated field ID → rule
	roots  map[string]*Step          // names that start an HTML name (see paths.go) → step
	decl   map[*Group]map[string]any // expression names per scope, nil = form level
	order  []*Field                  // all fields in document order
	gorder []*Group                  // all groups in document order
}

// checker collects schema problems.
type checker struct {
	f        *Form
	idx      *index
	problems []SchemaProblem
	count    int
}

func (c *checker) add(path, format string, args ...any) {
	c.problems = append(c.problems, SchemaProblem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// Compile checks the whole form, resolves code lists and compiles all
// expressions. Parse calls it; code that builds a Form in Go (the FIM
// importer, the schema editor) must call it before using the form. It
// returns a *SchemaError listing every problem.
func (f *Form) Compile() error {
	c := &checker{f: f, idx: &index{
		fields: map[string]*Field{}, groups: map[string]*Group{}, steps: map[string]*Step{},
		calc: map[string]*Rule{}, roots: map[string]*Step{}, decl: map[*Group]map[string]any{},
	}}
	c.checkForm()
	for i, s := range f.Steps {
		s.index = i
		c.checkStep(s)
	}
	if len(c.problems) == 0 {
		c.buildDecls()
		c.compileVisibility()
		c.checkRules()
	}
	if len(c.problems) > 0 {
		return &SchemaError{Problems: c.problems}
	}
	f.idx = c.idx
	return nil
}

func (c *checker) checkForm() {
	f := c.f
	if !reFormID.MatchString(f.ID) {
		c.add("", "Die Formular-ID %q muss aus Kleinbuchstaben, Ziffern und Bindestrichen bestehen (höchstens 64 Zeichen).", f.ID)
	}
	if strings.TrimSpace(f.Version) == "" || len(f.Version) > 32 {
		c.add("", "Die Version fehlt oder ist länger als 32 Zeichen.")
	}
	if strings.TrimSpace(f.Title) == "" {
		c.add("", "Der Titel des Formulars fehlt.")
	}
	if len(f.Steps) == 0 {
		c.add("", "Das Formular hat keinen Schritt.")
	}
	if len(f.Steps) > maxSteps {
		c.add("", "Das Formular hat %d Schritte; höchstens %d sind erlaubt.", len(f.Steps), maxSteps)
	}
	for _, name := range sortedKeys(f.CodeLists) {
		cl := f.CodeLists[name]
		path := "codeLists/" + name
		if !reListName.MatchString(name) {
			c.add(path, "Der Name der Codeliste ist ungültig.")
		}
		c.checkOptions(path, cl.Values)
	}
}

func (c *checker) checkOptions(path string, opts []Option) {
	if len(opts) == 0 {
		c.add(path, "Die Codeliste enthält keine Werte.")
	}
	seen := map[string]bool{}
	for _, o := range opts {
		switch {
		case strings.TrimSpace(o.Code) == "":
			c.add(path, "Ein Wert hat keinen Code.")
		case seen[o.Code]:
			c.add(path, "Der Code %q kommt mehrfach vor.", o.Code)
		case strings.TrimSpace(o.Label) == "":
			c.add(path, "Der Code %q hat keine Bezeichnung.", o.Code)
		}
		seen[o.Code] = true
	}
}

func (c *checker) checkStep(s *Step) {
	path := s.ID
	if !reStepID.MatchString(s.ID) {
		c.add(path, "Die Schritt-ID %q ist ungültig (Buchstaben, Ziffern, _ und -).", s.ID)
	}
	if _, dup := c.idx.steps[s.ID]; dup {
		c.add(path, "Die Schritt-ID %q kommt mehrfach vor.", s.ID)
	}
	c.idx.steps[s.ID] = s
	if strings.TrimSpace(s.Title) == "" {
		c.add(path, "Der Schritt hat keinen Titel.")
	}
	if len(s.Items) == 0 {
		c.add(path, "Der Schritt enthält keine Felder.")
	} else if !hasShownItem(s.Items) {
		c.add(path, "Der Schritt enthält nur versteckte Felder.")
	}
	c.checkItems(path, s, nil, nil, s.Items)
}

func hasShownItem(items []Item) bool {
	for _, it := range items {
		switch it := it.(type) {
		case *Field:
			if it.Kind != KindHidden {
				return true
			}
		case *Group:
			if hasShownItem(it.Items) {
				return true
			}
		}
	}
	return false
}

func (c *checker) checkItems(path string, s *Step, parent, scope *Group, items []Item) {
	for _, it := range items {
		c.count++
		if c.count == maxItems+1 {
			c.add("", "Das Formular hat mehr als %d Felder und Gruppen.", maxItems)
		}
		id := it.ItemID()
		if _, dup := c.idx.fields[id]; dup {
			c.add(path+"/"+id, "Die ID %q kommt mehrfach vor.", id)
		} else if _, dup := c.idx.groups[id]; dup {
			c.add(path+"/"+id, "Die ID %q kommt mehrfach vor.", id)
		}
		if scope == nil {
			c.idx.roots[id] = s
		}
		switch it := it.(type) {
		case *Field:
			it.group, it.scope, it.step = parent, scope, s
			c.idx.fields[id] = it
			c.idx.order = append(c.idx.order, it)
			c.checkField(path+"/"+id, it)
		case *Group:
			it.parent, it.scope, it.step = parent, scope, s
			c.idx.groups[id] = it
			c.idx.gorder = append(c.idx.gorder, it)
			c.checkGroup(path+"/"+id, it)
			inner := scope
			if it.Card.Repeatable() {
				inner = it
				if minProduct(it) > MaxInstances {
					c.add(path+"/"+id, "Die verschachtelten Mindestanzahlen ergeben mehr als %d Einträge.", MaxInstances)
				}
			}
			c.checkItems(path+"/"+id, s, it, inner, it.Items)
		case nil:
			c.add(path, "Leeres Element.")
		}
	}
}

// minProduct multiplies the minimum counts of a group and the repeatable
// groups around it: the number of blank instances a first page shows.
func minProduct(g *Group) int {
	p := max(g.Card.Min, 1)
	for s := g.scope; s != nil; s = s.scope {
		p *= max(s.Card.Min, 1)
		if p > MaxInstances {
			return p
		}
	}
	return p
}

func (c *checker) checkGroup(path string, g *Group) {
	if !reGroupID.MatchString(g.ID) {
		c.add(path, "Die Gruppen-ID %q ist ungültig (G, dann Buchstaben, Ziffern oder _).", g.ID)
	}
	if strings.TrimSpace(g.Title) == "" {
		c.add(path, "Die Gruppe hat keinen Titel (er wird als Legende angezeigt).")
	}
	if len(g.Items) == 0 {
		c.add(path, "Die Gruppe enthält keine Felder.")
	}
	card := g.Card
	if card.Min < 0 || (card.Max != Many && (card.Max < 1 || card.Max < card.Min)) || card.Min > MaxInstances || card.Max > MaxInstances {
		c.add(path, "Die Anzahl %s ist nicht sinnvoll.", card)
	}
}
