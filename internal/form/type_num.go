package form

import (
	"fmt"
	"math"
	"time"
)

func init() { Register(Num, numType{}) }

// numType is a decimal number ("12,5", "1.234,56", "12.5"); values are float64.
type numType struct{}

// numBounds parses Min and Max for the number types and reports bad ones.
func numBounds(f *Field) []string {
	var out []string
	var lo, hi float64
	for i, b := range []string{f.Min, f.Max} {
		if b == "" {
			continue
		}
		d, ok := parseDecimal(b)
		if !ok {
			out = append(out, fmt.Sprintf("Die Grenze %q ist keine Zahl.", b))
			continue
		}
		if i == 0 {
			lo = d.float()
		} else {
			hi = d.float()
		}
	}
	if f.Min != "" && f.Max != "" && len(out) == 0 && lo > hi {
		out = append(out, fmt.Sprintf("min (%s) ist größer als max (%s).", f.Min, f.Max))
	}
	return append(out, noTextConstraints(f)...)
}

// bound returns a numeric Min or Max; ok is false when it is not set.
func bound(b string) (float64, bool) {
	if b == "" {
		return 0, false
	}
	d, ok := parseDecimal(b)
	return d.float(), ok
}

// checkRange reports values outside Min and Max; show formats a bound for the message.
func checkRange(f *Field, v float64, show func(float64) string) []Issue {
	var out []Issue
	if lo, ok := bound(f.Min); ok && v < lo {
		out = append(out, *issue(f, CodeMin, fmt.Sprintf("Geben Sie bei %s mindestens %s ein.", quoted(f), show(lo))))
	}
	if hi, ok := bound(f.Max); ok && v > hi {
		out = append(out, *issue(f, CodeMax, fmt.Sprintf("Geben Sie bei %s höchstens %s ein.", quoted(f), show(hi))))
	}
	return out
}

func (numType) Check(f *Field) []string { return numBounds(f) }

func (numType) Parse(f *Field, s string) (any, *Issue) {
	d, ok := parseDecimal(s)
	if !ok {
		return nil, issue(f, CodeFormat, fmt.Sprintf("Geben Sie bei %s eine Zahl ein, zum Beispiel 12,5.", quoted(f)))
	}
	return d.float(), nil
}

func (t numType) Validate(f *Field, v any, _ time.Time) []Issue {
	x, _ := v.(float64)
	return checkRange(f, x, func(b float64) string { return t.Display(f, b) })
}

func (numType) Format(_ *Field, v any) string {
	if x, ok := v.(float64); ok {
		return formatFloat(x)
	}
	return ""
}

func (t numType) Display(f *Field, v any) string {
	s := t.Format(f, v)
	if s == "" {
		return ""
	}
	s = groupThousands(s)
	if f.Unit != "" {
		s += " " + f.Unit
	}
	return s
}

func (numType) Export(_ *Field, v any) any { return v }
func (numType) Expr(_ *Field, v any) any   { return v }

func (numType) FromExpr(_ *Field, x any) (any, bool) {
	switch x := x.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, false
		}
		return x, true
	case int:
		return float64(x), true
	}
	return nil, false
}

func (numType) JSONSchema(f *Field) map[string]any {
	s := map[string]any{"type": "number"}
	if lo, ok := bound(f.Min); ok {
		s["minimum"] = lo
	}
	if hi, ok := bound(f.Max); ok {
		s["maximum"] = hi
	}
	return s
}

func (numType) Input(f *Field) InputHints {
	mode := f.InputMode
	if mode == "" {
		mode = "decimal"
	}
	return InputHints{Type: "text", InputMode: mode, AutoComplete: f.AutoComplete, Width: 10, Suffix: f.Unit}
}
