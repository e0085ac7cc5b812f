package tenant

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// Match is one answer to "Wo wohnen Sie?": a tenant and what matched.
type Match struct {
	Tenant Tenant
	// By is "postcode" or "place".
	By string
	// Value is the postcode or place name that matched.
	Value string
}

var (
	postcodeRe   = regexp.MustCompile(`\b\d{5}\b`)
	digitsOnlyRe = regexp.MustCompile(`^\d{2,4}$`)
)

// maxQueryLen bounds the work a place search does for hostile input.
const maxQueryLen = 100

// FindPlaces answers a citizen's postcode or place name with the tenants
// that serve it. A full postcode matches exactly, two to four digits match
// postcodes that start with them, and a name matches places that start with
// it (umlauts, case and punctuation ignored), so "46282", "462",
// "haltern" and "Dorsten-Wulfen" all find their town.
func (d *Directory) FindPlaces(ctx context.Context, q string) ([]Match, error) {
	q = strings.TrimSpace(q)
	if len(q) > maxQueryLen {
		q = q[:maxQueryLen]
	}
	var query string
	var args []any
	by := "postcode"
	switch {
	case postcodeRe.MatchString(q):
		query = `SELECT tenant_id, postcode FROM tenant_postcodes WHERE postcode = ? ORDER BY postcode`
		args = []any{postcodeRe.FindString(q)}
	case digitsOnlyRe.MatchString(q):
		query = `SELECT tenant_id, MIN(postcode) FROM tenant_postcodes WHERE postcode LIKE ? GROUP BY tenant_id`
		args = []any{q + "%"}
	default:
		by = "place"
		f := Fold(q)
		if len(f) < 2 {
			return nil, nil
		}
		// The place starts with the query ("halt" → Haltern am See), or the
		// query starts with the place and a word follows ("dorsten wulfen").
		query = `SELECT tenant_id, MIN(name) FROM tenant_places
			WHERE folded LIKE ? OR ? LIKE folded || ' %' GROUP BY tenant_id`
		args = []any{f + "%", f}
	}
	rows, err := d.db.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("tenant: find places: %w", err)
	}
	matched := map[string]string{}
	for rows.Next() {
		var id, value string
		if err := rows.Scan(&id, &value); err != nil {
			rows.Close()
			return nil, fmt.Errorf("tenant: find places: %w", err)
		}
		matched[id] = value
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tenant: find places: %w", err)
	}
	if len(matched) == 0 {
		return nil, nil
	}
	all, err := d.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []Match
	for _, t := range all {
		if v, ok := matched[t.ID]; ok {
			out = append(out, Match{Tenant: t, By: by, Value: v})
		}
	}
	return out, nil
}

var foldReplacer = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "é", "e", "è", "e")

// Fold normalises a place name for matching: lower case, umlauts spelled
// out, everything but letters and digits turned into single spaces.
func Fold(s string) string {
	s = foldReplacer.Replace(strings.ToLower(s))
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}
