package form

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

func init() { Register(Date, dateType{}) }

// dateType is a calendar date. It accepts TT.MM.JJJJ (also T.M.JJJJ) and ISO
// JJJJ-MM-TT; values are time.Time at midnight UTC. Min and Max take an ISO
// date or "today" with an optional offset ("today-18y", "today+7d", "today+1m").
type dateType struct{}

var (
	reDateDE    = regexp.MustCompile(`^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$`)
	reDateISO   = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)
	reDateBound = regexp.MustCompile(`^today(?:([+-])(\d{1,4})([dmy]))?$`)
)

// parseDate returns the date, or a reason why not: "format", "year2", or
// "nonexistent".
func parseDate(s string) (time.Time, string) {
	var y, m, d int
	if p := reDateDE.FindStringSubmatch(s); p != nil {
		if len(p[3]) == 2 {
			return time.Time{}, "year2"
		}
		d, _ = strconv.Atoi(p[1])
		m, _ = strconv.Atoi(p[2])
		y, _ = strconv.Atoi(p[3])
	} else if p := reDateISO.FindStringSubmatch(s); p != nil {
		y, _ = strconv.Atoi(p[1])
		m, _ = strconv.Atoi(p[2])
		d, _ = strconv.Atoi(p[3])
	} else {
		return time.Time{}, "format"
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d || y < 1000 {
		return time.Time{}, "nonexistent"
	}
	return t, ""
}

// dateOnly cuts a time to its calendar date in Europe/Berlin.
func dateOnly(t time.Time) time.Time {
	t = t.In(berlin)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// resolveDateBound turns a Min/Max setting into a date on the given day.
func resolveDateBound(b string, now time.Time) (time.Time, bool) {
	if p := reDateBound.FindStringSubmatch(b); p != nil {
		t := dateOnly(now)
		if p[1] == "" {
			return t, true
		}
		n, _ := strconv.Atoi(p[2])
		if p[1] == "-" {
			n = -n
		}
		switch p[3] {
		case "d":
			return t.AddDate(0, 0, n), true
		case "m":
			return t.AddDate(0, n, 0), true
		default:
			return t.AddDate(n, 0, 0), true
		}
	}
	t, why := parseDate(b)
	return t, why == ""
}

func (dateType) Check(f *Field) []string {
	var out []string
	for _, b := range []string{f.Min, f.Max} {
		if b == "" {
			continue
		}
		if _, ok := resolveDateBound(b, time.Now()); !ok {
			out = append(out, fmt.Sprintf("Die Grenze %q ist kein Datum (JJJJ-MM-TT oder today, today-18y, today+7d).", b))
		}
	}
	return append(out, noTextConstraints(f)...)
}

func (dateType) Parse(f *Field, s string) (any, *Issue) {
	t, why := parseDate(s)
	switch why {
	case "":
		return t, nil
	case "year2":
		return nil, issue(f, CodeFormat, fmt.Sprintf("Geben Sie bei %s das Jahr vierstellig ein, zum Beispiel 24.12.1990.", quoted(f)))
	case "nonexistent":
		return nil, issue(f, CodeFormat, fmt.Sprintf("Prüfen Sie %s: Den %s gibt es nicht. Geben Sie ein gültiges Datum ein.", quoted(f), s))
	}
	return nil, issue(f, CodeFormat, fmt.Sprintf("Geben Sie %s im Format TT.MM.JJJJ ein, zum Beispiel 24.12.1990.", quoted(f)))
}

func (dateType) Validate(f *Field, v any, now time.Time) []Issue {
	t, _ := v.(time.Time)
	var out []Issue
	if min, ok := resolveDateBound(f.Min, now); f.Min != "" && ok && t.Before(min) {
		msg := fmt.Sprintf("Geben Sie bei %s ein Datum ab dem %s an.", quoted(f), min.Format("02.01.2006"))
		if f.Min == "today" {
			msg = fmt.Sprintf("%s darf nicht in der Vergangenheit liegen. Geben Sie ein Datum ab heute an.", quoted(f))
		}
		out = append(out, *issue(f, CodeMin, msg))
	}
	if max, ok := resolveDateBound(f.Max, now); f.Max != "" && ok && t.After(max) {
		msg := fmt.Sprintf("Geben Sie bei %s ein Datum bis zum %s an.", quoted(f), max.Format("02.01.2006"))
		if f.Max == "today" {
			msg = fmt.Sprintf("%s darf nicht in der Zukunft liegen. Geben Sie ein Datum bis heute an.", quoted(f))
		}
		out = append(out, *issue(f, CodeMax, msg))
	}
	return out
}

func (dateType) Format(_ *Field, v any) string {
	if t, ok := v.(time.Time); ok {
		return t.Format("02.01.2006")
	}
	return ""
}

func (d dateType) Display(f *Field, v any) string { return d.Format(f, v) }

func (dateType) Export(_ *Field, v any) any {
	if t, ok := v.(time.Time); ok {
		return t.Format(time.DateOnly)
	}
	return nil
}

func (dateType) Expr(_ *Field, v any) any { return v }

func (dateType) FromExpr(_ *Field, x any) (any, bool) {
	switch x := x.(type) {
	case time.Time:
		return time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, time.UTC), true
	case string:
		t, why := parseDate(strings.TrimSpace(x))
		return t, why == ""
	}
	return nil, false
}

func (dateType) JSONSchema(*Field) map[string]any {
	return map[string]any{"type": "string", "format": "date"}
}

func (dateType) Input(f *Field) InputHints {
	return InputHints{Type: "text", AutoComplete: f.AutoComplete, InputMode: f.InputMode, Width: 10}
}

// noTextConstraints reports length and pattern settings on non-text types.
func noTextConstraints(f *Field) []string {
	if f.MinLength != 0 || f.MaxLength != 0 || f.Pattern != "" {
		return []string{fmt.Sprintf("minLength, maxLength und pattern gelten nur für Text, nicht für %s.", f.Type)}
	}
	return nil
}
