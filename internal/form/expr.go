package form

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
)

// Limits that keep every expression cheap: a small syntax tree and at most
// two loops over repeatable groups (each capped at MaxInstances), so the
// worst case is MaxInstances² steps. Ranges ("1..n"), regular expressions
// and method calls are rejected outright.
const (
	maxExprLen        = 1000
	maxExprNodes      = 200
	maxPredicateCalls = 2
)

// allowedBuiltins are the expr-lang builtins rules may use; everything else
// (now(), date(), fromJSON(), repeat(), reduce(), …) is disabled.
var allowedBuiltins = []string{
	"len", "all", "any", "none", "one", "count", "sum", "filter", "map",
	"abs", "ceil", "floor", "round", "min", "max", "trim", "upper", "lower", "first", "last",
}

// helperDecl declares the helper functions with their types for the checker.
var helperDecl = map[string]any{
	"today":  (func() time.Time)(nil),
	"age":    (func(any) (int, error))(nil),
	"days":   (func(any, any) (int, error))(nil),
	"filled": (func(any) bool)(nil),
}

var errNotDate = errors.New("not a date")

// helpers returns the helper functions for one evaluation at the given time.
// They take any so that rules type-check like everything else at run time:
// an empty field makes the rule not apply instead of failing to load.
func helpers(now time.Time) map[string]any {
	today := dateOnly(now)
	return map[string]any{
		"today": func() time.Time { return today },
		"age": func(x any) (int, error) {
			t, ok := x.(time.Time)
			if !ok {
				return 0, errNotDate
			}
			y := today.Year() - t.Year()
			if today.Month() < t.Month() || (today.Month() == t.Month() && today.Day() < t.Day()) {
				y--
			}
			return y, nil
		},
		"days": func(a, b any) (int, error) {
			ta, ok1 := a.(time.Time)
			tb, ok2 := b.(time.Time)
			if !ok1 || !ok2 {
				return 0, errNotDate
			}
			return int(dateOnly(tb).Sub(dateOnly(ta)).Hours() / 24), nil
		},
		"filled": func(x any) bool {
			switch x := x.(type) {
			case nil:
				return false
			case string:
				return strings.TrimSpace(x) != ""
			case []map[string]any:
				return len(x) > 0
			}
			return true
		},
	}
}

// program is a compiled rule expression.
type program struct {
	src  string
	vm   *vm.Program
	refs []string // field and group IDs the expression reads, sorted
}

// exprChecker walks a parsed expression, collects the names it reads and
// rejects constructs outside the allowed subset.
type exprChecker struct {
	refs       map[string]bool
	predicates int
	err        error
}

func (c *exprChecker) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf(format, args...)
	}
}

func (c *exprChecker) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		if strings.HasPrefix(n.Value, "$") {
			c.fail("%s ist nicht erlaubt", n.Value)
		}
		if _, helper := helperDecl[n.Value]; !helper {
			c.refs[n.Value] = true
		}
	case *ast.CallNode:
		helper := false
		if id, ok := n.Callee.(*ast.IdentifierNode); ok {
			_, helper = helperDecl[id.Value]
		}
		if !helper {
			c.fail("nur die Funktionen today(), age(), days() und filled() sowie %s sind erlaubt", strings.Join(allowedBuiltins, "(), ")+"()")
		}
	case *ast.MemberNode:
		if n.Method {
			c.fail("Methodenaufrufe sind nicht erlaubt")
		}
	case *ast.BinaryNode:
		switch n.Operator {
		case "..", "matches":
			c.fail("der Operator %q ist nicht erlaubt", n.Operator)
		}
	case *ast.BuiltinNode:
		for _, a := range n.Arguments {
			if _, ok := a.(*ast.PredicateNode); ok {
				c.predicates++
				break
			}
		}
	}
}

// compileExpr compiles src against the declared names of its scope.
func compileExpr(src string, decl map[string]any, asBool bool) (*program, error) {
	if len(src) > maxExprLen {
		return nil, fmt.Errorf("der Ausdruck ist länger als %d Zeichen", maxExprLen)
	}
	tree, err := parser.Parse(src)
	if err != nil {
		return nil, exprError(err)
	}
	c := &exprChecker{refs: map[string]bool{}}
	ast.Walk(&tree.Node, c)
	if c.err != nil {
		return nil, c.err
	}
	if c.predicates > maxPredicateCalls {
		return nil, fmt.Errorf("höchstens %d Schleifen (count, all, filter, …) je Ausdruck", maxPredicateCalls)
	}
	opts := []expr.Option{expr.Env(decl), expr.DisableAllBuiltins(), expr.MaxNodes(maxExprNodes)}
	for _, b := range allowedBuiltins {
		opts = append(opts, expr.EnableBuiltin(b))
	}
	if asBool {
		opts = append(opts, expr.AsBool())
	}
	p, err := expr.Compile(src, opts...)
	if err != nil {
		return nil, exprError(err)
	}
	refs := make([]string, 0, len(c.refs))
	for r := range c.refs {
		if _, declared := decl[r]; declared {
			refs = append(refs, r)
		}
	}
	sort.Strings(refs)
	return &program{src: src, vm: p, refs: refs}, nil
}

// exprError keeps the first line of an expr-lang error; the rest is an
// ASCII-art pointer that does not fit into one message.
func exprError(err error) error {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return errors.New(msg)
}

// run evaluates the program. expr-lang recovers its own panics and returns
// them as errors.
func (p *program) run(env map[string]any) (any, error) {
	return expr.Run(p.vm, env)
}

// truth evaluates a condition. Errors (mostly comparisons with empty fields)
// and non-bool results count as false.
func (p *program) truth(env map[string]any) bool {
	v, err := p.run(env)
	b, _ := v.(bool)
	return err == nil && b
}

// declValue declares a field for the expression checker. Fields are
// dynamically typed (a pointer to an empty interface), so that comparing an
// empty field ("F01 == \"x\"") is simply false; arithmetic on an empty
// field fails at run time, which makes the rule not apply.
func declValue() any {
	var x any
	return &x
}
