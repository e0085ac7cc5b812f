package store

import (
	"strconv"
	"strings"
)

// Rebind turns the ? placeholders of a portable query into PostgreSQL's $n
// form. Question marks inside single-quoted literals are left alone.
func (db *DB) Rebind(query string) string {
	if db.dialect != Postgres || !strings.Contains(query, "?") {
		return query
	}
	return rebindDollar(query)
}

func rebindDollar(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	inQuote := false
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
			b.WriteByte(c)
		case c == '?' && !inQuote:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// ddl adapts a migration written for PostgreSQL to the dialect. The few type
// names that differ are mapped; everything else is portable SQL.
func (db *DB) ddl(sqlText string) string {
	if db.dialect != SQLite {
		return sqlText
	}
	// modernc's driver turns columns declared TIMESTAMP back into time.Time.
	r := strings.NewReplacer("TIMESTAMPTZ", "TIMESTAMP", "BYTEA", "BLOB")
	return r.Replace(sqlText)
}
