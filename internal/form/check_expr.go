package form

import (
	"fmt"
	"strings"
)

// buildDecls declares, for the form level and each repeatable group, the
// names its expressions may read: the fields of that scope and all
// enclosing scopes, and the repeatable groups directly inside them (as
// arrays of instances).
func (c *checker) buildDecls() {
	c.declFor(nil)
	for _, g := range c.idx.gorder {
		if g.Card.Repeatable() {
			c.declFor(g)
		}
	}
}

func (c *checker) declFor(scope *Group) map[string]any {
	if d, ok := c.idx.decl[scope]; ok {
		return d
	}
	d := map[string]any{}
	for k, v := range helperDecl {
		d[k] = v
	}
	if scope != nil {
		for k, v := range c.declFor(scope.scope) {
			d[k] = v
		}
	}
	for _, f := range c.idx.order {
		if f.scope == scope && f.Kind != KindLabel {
			d[f.ID] = declValue()
		}
	}
	for _, g := range c.idx.gorder {
		if g.scope == scope && g.Card.Repeatable() {
			d[g.ID] = []map[string]any{}
		}
	}
	c.idx.decl[scope] = d
	return d
}

// compile compiles one expression in a scope and explains names that
// exist in the form but not in that scope.
func (c *checker) compile(path, what, src string, scope *Group, asBool bool) *program {
	p, err := compileExpr(src, c.declFor(scope), asBool)
	if err == nil {
		return p
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "unknown name "); ok {
		name, _, _ = strings.Cut(name, " ")
		msg = fmt.Sprintf("%q gibt es nicht", name)
		if f, ok := c.idx.fields[name]; ok && f.scope != nil {
			msg = fmt.Sprintf("%s liegt in der wiederholbaren Gruppe %s; lesen Sie es dort oder über %s, z. B. count(%s, .%s == …)", name, f.scope.ID, f.scope.ID, f.scope.ID, name)
		} else if g, ok := c.idx.groups[name]; ok && g.scope != nil {
			msg = fmt.Sprintf("%s liegt in der wiederholbaren Gruppe %s und ist hier nicht erreichbar", name, g.scope.ID)
		}
	}
	c.add(path, "%s „%s“: %s.", what, src, msg)
	return nil
}

// compileVisibility compiles the visibleIf expressions and checks that
// each one depends only on this or earlier steps.
func (c *checker) compileVisibility() {
	for _, s := range c.f.Steps {
		s.visible = nil
		if s.VisibleIf != "" {
			s.visible = c.compile(s.ID, "Sichtbarkeit", s.VisibleIf, nil, true)
			c.checkOrder(s.ID, s, s.visible)
		}
	}
	for _, g := range c.idx.gorder {
		g.visible = nil
		if g.VisibleIf != "" {
			path := g.step.ID + "/" + g.ID
			g.visible = c.compile(path, "Sichtbarkeit", g.VisibleIf, g.scope, true)
			c.checkOrder(path, g.step, g.visible)
			g.dynamic = c.sameStep(g.step, g.visible)
		}
	}
	for _, f := range c.idx.order {
		f.visible = nil
		if f.VisibleIf != "" {
			path := f.step.ID + "/" + f.ID
			f.visible = c.compile(path, "Sichtbarkeit", f.VisibleIf, f.scope, true)
			c.checkOrder(path, f.step, f.visible)
			f.dynamic = c.sameStep(f.step, f.visible)
		}
	}
}

// sameStep reports whether a condition reads answers given on step s: the
// page cannot know the outcome before it is submitted.
func (c *checker) sameStep(s *Step, p *program) bool {
	if p == nil {
		return false
	}
	for _, ref := range p.refs {
		if f, ok := c.idx.fields[ref]; ok && f.step == s {
			return true
		}
		if g, ok := c.idx.groups[ref]; ok && g.step == s {
			return true
		}
	}
	return false
}

// checkOrder rejects conditions on answers that a later step asks for:
// the citizen could not have given them yet.
func (c *checker) checkOrder(path string, s *Step, p *program) {
	if p == nil {
		return
	}
	for _, ref := range p.refs {
		var at *Step
		if f, ok := c.idx.fields[ref]; ok {
			at = f.step
		} else if g, ok := c.idx.groups[ref]; ok {
			at = g.step
		}
		if at != nil && at.index > s.index {
			c.add(path, "Die Bedingung liest %s, das erst im späteren Schritt „%s“ abgefragt wird.", ref, at.ID)
		}
	}
}

func (c *checker) checkRules() {
	seen := map[string]bool{}
	for _, r := range c.f.Rules {
		path := "rules/" + r.ID
		r.prog = nil
		if !reRuleID.MatchString(r.ID) {
			c.add(path, "Die Regel-ID %q ist ungültig (R, dann Buchstaben, Ziffern oder _).", r.ID)
		}
		if seen[r.ID] {
			c.add(path, "Die Regel-ID %q kommt mehrfach vor.", r.ID)
		}
		seen[r.ID] = true
		switch r.Kind {
		case RuleNote:
			if r.Expr != "" {
				c.add(path, "Eine Notiz (note) hat keinen Ausdruck; sie wird nie ausgeführt.")
			}
			if strings.TrimSpace(r.Description) == "" && strings.TrimSpace(r.Script) == "" {
				c.add(path, "Die Notiz hat keinen Text.")
			}
			continue
		case RuleValidate, RuleCalculate:
		default:
			c.add(path, "Die Regelart %q gibt es nicht (validate, calculate, note).", r.Kind)
			continue
		}
		f, ok := c.idx.fields[r.Field]
		if !ok {
			c.add(path, "Das Feld %q gibt es nicht.", r.Field)
			continue
		}
		if strings.TrimSpace(r.Expr) == "" {
			c.add(path, "Die Regel hat keinen Ausdruck.")
			continue
		}
		if r.Kind == RuleValidate {
			if f.Kind == KindLabel {
				c.add(path, "Eine Prüfregel kann nicht an einem Hinweisfeld hängen.")
			}
			if strings.TrimSpace(r.Message) == "" {
				c.add(path, "Die Prüfregel hat keine Fehlermeldung.")
			}
			r.prog = c.compile(path, "Prüfregel", r.Expr, f.scope, true)
			continue
		}
		if f.Kind != KindHidden && f.Kind != KindLocked {
			c.add(path, "Berechnete Werte gehören in Felder der Art hidden oder locked, nicht %s.", f.Kind)
		}
		if prev, dup := c.idx.calc[f.ID]; dup {
			c.add(path, "Das Feld %s wird schon von %s berechnet.", f.ID, prev.ID)
		}
		c.idx.calc[f.ID] = r
		r.prog = c.compile(path, "Berechnung", r.Expr, f.scope, false)
		if r.prog != nil {
			for _, ref := range r.prog.refs {
				if ref == f.ID {
					c.add(path, "Die Berechnung von %s liest ihr eigenes Ergebnis.", f.ID)
				}
			}
		}
	}
}
