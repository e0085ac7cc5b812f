package form

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

func init() { Register(NumCurrency, currencyType{}) }

// Money is an amount in euro cents. Amounts never pass through float64
// while parsing, so "0,29" is exactly 29 cents.
type Money int64

// Euros returns the amount in euros (for expressions and JSON).
func (m Money) Euros() float64 { return float64(m) / 100 }

// String writes the amount the German way: "1.234,50 €".
func (m Money) String() string { return groupThousands(m.plain()) + " €" }

// plain writes "1234,50" (for input boxes).
func (m Money) plain() string {
	neg := m < 0
	if neg {
		m = -m
	}
	s := fmt.Sprintf("%d,%02d", int64(m)/100, int64(m)%100)
	if neg {
		s = "-" + s
	}
	return s
}

// currencyType is an amount in euros with at most two decimals ("12,50",
// "12,5 €", "EUR 1.200"); values are Money.
type currencyType struct{}

var currencyTrim = strings.NewReplacer("€", "", "EUR", "", "Euro", "", "euro", "")

func parseMoney(s string) (Money, string) {
	d, ok := parseDecimal(strings.TrimSpace(currencyTrim.Replace(s)))
	if !ok {
		return 0, "format"
	}
	frac := strings.TrimRight(d.frac, "0")
	if len(frac) > 2 {
		return 0, "decimals"
	}
	frac += strings.Repeat("0", 2-len(frac))
	n, err := strconv.ParseInt(d.int+frac, 10, 64)
	if err != nil {
		return 0, "format"
	}
	if d.neg {
		n = -n
	}
	return Money(n), ""
}

func (currencyType) Check(f *Field) []string {
	var out []string
	for _, b := range []string{f.Min, f.Max} {
		if _, why := parseMoney(b); b != "" && why != "" {
			out = append(out, fmt.Sprintf("Die Grenze %q ist kein Geldbetrag.", b))
		}
	}
	lo, e1 := parseMoney(f.Min)
	hi, e2 := parseMoney(f.Max)
	if f.Min != "" && f.Max != "" && e1 == "" && e2 == "" && lo > hi {
		out = append(out, fmt.Sprintf("min (%s) ist größer als max (%s).", f.Min, f.Max))
	}
	return append(out, noTextConstraints(f)...)
}

func (currencyType) Parse(f *Field, s string) (any, *Issue) {
	m, why := parseMoney(s)
	switch why {
	case "decimals":
		return nil, issue(f, CodeFormat, fmt.Sprintf("Geben Sie bei %s einen Betrag mit höchstens zwei Nachkommastellen ein, zum Beispiel 12,50.", quoted(f)))
	case "format":
		return nil, issue(f, CodeFormat, fmt.Sprintf("Geben Sie bei %s einen Betrag in Euro ein, zum Beispiel 12,50.", quoted(f)))
	}
	return m, nil
}

func (currencyType) Validate(f *Field, v any, _ time.Time) []Issue {
	m, _ := v.(Money)
	var out []Issue
	if lo, why := parseMoney(f.Min); f.Min != "" && why == "" && m < lo {
		out = append(out, *issue(f, CodeMin, fmt.Sprintf("Geben Sie bei %s mindestens %s ein.", quoted(f), lo)))
	}
	if hi, why := parseMoney(f.Max); f.Max != "" && why == "" && m > hi {
		out = append(out, *issue(f, CodeMax, fmt.Sprintf("Geben Sie bei %s höchstens %s ein.", quoted(f), hi)))
	}
	return out
}

func (currencyType) Format(_ *Field, v any) string {
	if m, ok := v.(Money); ok {
		return m.plain()
	}
	return ""
}

func (currencyType) Display(_ *Field, v any) string {
	if m, ok := v.(Money); ok {
		return m.String()
	}
	return ""
}

func (currencyType) Export(_ *Field, v any) any {
	if m, ok := v.(Money); ok {
		return m.Euros()
	}
	return nil
}

func (currencyType) Expr(_ *Field, v any) any {
	if m, ok := v.(Money); ok {
		return m.Euros()
	}
	return nil
}

func (currencyType) FromExpr(_ *Field, x any) (any, bool) {
	switch x := x.(type) {
	case int:
		return Money(x * 100), true
	case float64:
		if math.IsNaN(x) || math.Abs(x) > 1e13 {
			return nil, false
		}
		return Money(math.Round(x * 100)), true
	}
	return nil, false
}

func (currencyType) JSONSchema(f *Field) map[string]any {
	s := map[string]any{"type": "number", "multipleOf": 0.01}
	if lo, why := parseMoney(f.Min); f.Min != "" && why == "" {
		s["minimum"] = lo.Euros()
	}
	if hi, why := parseMoney(f.Max); f.Max != "" && why == "" {
		s["maximum"] = hi.Euros()
	}
	return s
}

func (currencyType) Input(f *Field) InputHints {
	mode := f.InputMode
	if mode == "" {
		mode = "decimal"
	}
	return InputHints{Type: "text", InputMode: mode, AutoComplete: f.AutoComplete, Width: 10, Suffix: "€"}
}
