package form

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Berlin must resolve on hosts without zoneinfo
)

func init() { Register(DateTime, dateTimeType{}) }

// berlin is the zone in which citizens type dates and times.
var berlin = func() *time.Location {
	l, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic("form: " + err.Error())
	}
	return l
}()

// dateTimeType is a date with a time of day in Europe/Berlin. It accepts
// "TT.MM.JJJJ HH:MM" (also with ", " or " um " between), the datetime-local
// form "JJJJ-MM-TTTHH:MM" and RFC 3339. Min and Max take the same notations
// or "now".
type dateTimeType struct{}

func parseDateTime(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(berlin), true
	}
	var ds, ts string
	if i := strings.IndexByte(s, 'T'); i == 10 {
		ds, ts = s[:i], s[i+1:]
	} else {
		s = strings.NewReplacer(" um ", " ", ", ", " ", ",", " ").Replace(s)
		parts := strings.Fields(s)
		if len(parts) < 2 {
			return time.Time{}, false
		}
		ds, ts = parts[0], strings.Join(parts[1:], " ")
	}
	d, why := parseDate(ds)
	if why != "" {
		return time.Time{}, false
	}
	c, ok := parseClock(ts)
	if !ok {
		return time.Time{}, false
	}
	var h, m int
	fmt.Sscanf(c, "%d:%d", &h, &m)
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, berlin), true
}

func resolveDateTimeBound(b string, now time.Time) (time.Time, bool) {
	if b == "now" {
		return now.In(berlin), true
	}
	return parseDateTime(b)
}

func (dateTimeType) Check(f *Field) []string {
	var out []string
	for _, b := range []string{f.Min, f.Max} {
		if _, ok := resolveDateTimeBound(b, time.Now()); b != "" && !ok {
			out = append(out, fmt.Sprintf("Die Grenze %q ist kein Zeitpunkt (JJJJ-MM-TTTHH:MM oder now).", b))
		}
	}
	return append(out, noTextConstraints(f)...)
}

func (dateTimeType) Parse(f *Field, s string) (any, *Issue) {
	if t, ok := parseDateTime(s); ok {
		return t, nil
	}
	return nil, issue(f, CodeFormat, fmt.Sprintf("Geben Sie %s im Format TT.MM.JJJJ HH:MM ein, zum Beispiel 24.12.2025 14:30.", quoted(f)))
}

func (dateTimeType) Validate(f *Field, v any, now time.Time) []Issue {
	t, _ := v.(time.Time)
	var out []Issue
	if min, ok := resolveDateTimeBound(f.Min, now); f.Min != "" && ok && t.Before(min) {
		out = append(out, *issue(f, CodeMin, fmt.Sprintf("Geben Sie bei %s einen Zeitpunkt ab %s Uhr an.", quoted(f), min.Format("02.01.2006 15:04"))))
	}
	if max, ok := resolveDateTimeBound(f.Max, now); f.Max != "" && ok && t.After(max) {
		out = append(out, *issue(f, CodeMax, fmt.Sprintf("Geben Sie bei %s einen Zeitpunkt bis %s Uhr an.", quoted(f), max.Format("02.01.2006 15:04"))))
	}
	return out
}

func (dateTimeType) Format(_ *Field, v any) string {
	if t, ok := v.(time.Time); ok {
		return t.In(berlin).Format("02.01.2006 15:04")
	}
	return ""
}

func (d dateTimeType) Display(f *Field, v any) string {
	if s := d.Format(f, v); s != "" {
		return s + " Uhr"
	}
	return ""
}

func (dateTimeType) Export(_ *Field, v any) any {
	if t, ok := v.(time.Time); ok {
		return t.In(berlin).Format(time.RFC3339)
	}
	return nil
}

func (dateTimeType) Expr(_ *Field, v any) any { return v }

func (dateTimeType) FromExpr(_ *Field, x any) (any, bool) {
	switch x := x.(type) {
	case time.Time:
		return x.In(berlin), true
	case string:
		return parseDateTime(strings.TrimSpace(x))
	}
	return nil, false
}

func (dateTimeType) JSONSchema(*Field) map[string]any {
	return map[string]any{"type": "string", "format": "date-time"}
}

func (dateTimeType) Input(f *Field) InputHints {
	return InputHints{Type: "text", AutoComplete: f.AutoComplete, InputMode: f.InputMode, Width: 16}
}
