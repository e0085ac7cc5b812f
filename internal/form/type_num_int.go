package form

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

func init() { Register(NumInt, numIntType{}) }

// numIntType is a whole number ("3", "1.000"); values are int.
type numIntType struct{}

func (numIntType) Check(f *Field) []string { return numBounds(f) }

func (numIntType) Parse(f *Field, s string) (any, *Issue) {
	d, ok := parseDecimal(s)
	if !ok {
		return nil, issue(f, CodeFormat, fmt.Sprintf("Geben Sie bei %s eine ganze Zahl ein, zum Beispiel 3.", quoted(f)))
	}
	for _, c := range d.frac {
		if c != '0' {
			return nil, issue(f, CodeFormat, fmt.Sprintf("Geben Sie bei %s eine ganze Zahl ohne Komma ein.", quoted(f)))
		}
	}
	n, err := strconv.Atoi(d.int)
	if err != nil {
		return nil, issue(f, CodeFormat, fmt.Sprintf("Die Zahl bei %s ist zu groß.", quoted(f)))
	}
	if d.neg {
		n = -n
	}
	return n, nil
}

func (t numIntType) Validate(f *Field, v any, _ time.Time) []Issue {
	n, _ := v.(int)
	return checkRange(f, float64(n), func(b float64) string { return groupThousands(formatFloat(b)) })
}

func (numIntType) Format(_ *Field, v any) string {
	if n, ok := v.(int); ok {
		return strconv.Itoa(n)
	}
	return ""
}

func (t numIntType) Display(f *Field, v any) string {
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

func (numIntType) Export(_ *Field, v any) any { return v }
func (numIntType) Expr(_ *Field, v any) any   { return v }

func (numIntType) FromExpr(_ *Field, x any) (any, bool) {
	switch x := x.(type) {
	case int:
		return x, true
	case float64:
		if math.IsNaN(x) || math.Abs(x) > 1e15 {
			return nil, false
		}
		return int(math.Round(x)), true
	}
	return nil, false
}

func (numIntType) JSONSchema(f *Field) map[string]any {
	s := map[string]any{"type": "integer"}
	if lo, ok := bound(f.Min); ok {
		s["minimum"] = lo
	}
	if hi, ok := bound(f.Max); ok {
		s["maximum"] = hi
	}
	return s
}

func (numIntType) Input(f *Field) InputHints {
	mode := f.InputMode
	if mode == "" {
		mode = "numeric"
	}
	return InputHints{Type: "text", InputMode: mode, AutoComplete: f.AutoComplete, Width: 5, Suffix: f.Unit}
}
