package form

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

func init() { Register(Time, timeType{}) }

// timeType is a time of day. It accepts "14:30", "9:05", "14.30", "1430"
// and an optional "Uhr"; the value is the string "HH:MM", which compares
// correctly as text in rule expressions.
type timeType struct{}

var reTime = regexp.MustCompile(`^(\d{1,2})(?:[:.]?(\d{2}))?(?:[:.](\d{2}))?$`)

func parseClock(s string) (string, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "Uhr"))
	p := reTime.FindStringSubmatch(s)
	if p == nil {
		return "", false
	}
	h, _ := strconv.Atoi(p[1])
	m := 0
	if p[2] != "" {
		m, _ = strconv.Atoi(p[2])
	}
	if h > 23 || m > 59 || (p[3] != "" && p[3] > "59") {
		return "", false
	}
	return fmt.Sprintf("%02d:%02d", h, m), true
}

func (timeType) Check(f *Field) []string {
	var out []string
	for _, b := range []string{f.Min, f.Max} {
		if _, ok := parseClock(b); b != "" && !ok {
			out = append(out, fmt.Sprintf("Die Grenze %q ist keine Uhrzeit (HH:MM).", b))
		}
	}
	return append(out, noTextConstraints(f)...)
}

func (timeType) Parse(f *Field, s string) (any, *Issue) {
	if c, ok := parseClock(s); ok {
		return c, nil
	}
	return nil, issue(f, CodeFormat, fmt.Sprintf("Geben Sie %s im Format HH:MM ein, zum Beispiel 14:30.", quoted(f)))
}

func (timeType) Validate(f *Field, v any, _ time.Time) []Issue {
	c, _ := v.(string)
	var out []Issue
	if min, ok := parseClock(f.Min); ok && c < min {
		out = append(out, *issue(f, CodeMin, fmt.Sprintf("Geben Sie bei %s eine Uhrzeit ab %s Uhr an.", quoted(f), min)))
	}
	if max, ok := parseClock(f.Max); ok && c > max {
		out = append(out, *issue(f, CodeMax, fmt.Sprintf("Geben Sie bei %s eine Uhrzeit bis %s Uhr an.", quoted(f), max)))
	}
	return out
}

func (timeType) Format(_ *Field, v any) string { s, _ := v.(string); return s }

func (timeType) Display(_ *Field, v any) string {
	if s, _ := v.(string); s != "" {
		return s + " Uhr"
	}
	return ""
}

func (timeType) Export(_ *Field, v any) any { return v }
func (timeType) Expr(_ *Field, v any) any   { return v }

func (timeType) FromExpr(_ *Field, x any) (any, bool) {
	switch x := x.(type) {
	case string:
		c, ok := parseClock(x)
		return c, ok
	case time.Time:
		return x.In(berlin).Format("15:04"), true
	}
	return nil, false
}

func (timeType) JSONSchema(*Field) map[string]any {
	// JSON Schema's "time" format needs seconds and a zone offset; a time of
	// day on a form has neither.
	return map[string]any{"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"}
}

func (timeType) Input(f *Field) InputHints {
	return InputHints{Type: "text", AutoComplete: f.AutoComplete, InputMode: f.InputMode, Width: 5, Suffix: "Uhr"}
}
