package catalog

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Synonyms expands citizens' words ("Perso", "Knöllchen", "ummelden") into
// the words the catalogue uses. The list is a maintained text file
// (data/synonyms.txt): `wort, wort => ersatz`, # for comments.
type Synonyms struct {
	rules []synonymRule
}

type synonymRule struct {
	from []string // folded phrases
	to   string
}

// ParseSynonyms reads a synonym list.
func ParseSynonyms(r io.Reader) (*Synonyms, error) {
	s := &Synonyms{}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		left, right, ok := strings.Cut(text, "=>")
		if !ok || strings.TrimSpace(right) == "" {
			return nil, fmt.Errorf("catalog: synonyms line %d: expected 'wort, wort => ersatz'", line)
		}
		var rule synonymRule
		for _, w := range strings.Split(left, ",") {
			if f := foldQuery(w); f != "" {
				rule.from = append(rule.from, f)
			}
		}
		rule.to = strings.TrimSpace(right)
		if len(rule.from) == 0 {
			return nil, fmt.Errorf("catalog: synonyms line %d: no words before =>", line)
		}
		s.rules = append(s.rules, rule)
	}
	return s, sc.Err()
}

// Expand returns the query with the replacement words of every rule whose
// word or phrase occurs in it appended; the original words stay, so a
// synonym can only add matches.
func (s *Synonyms) Expand(q string) string {
	if s == nil {
		return q
	}
	folded := " " + foldQuery(q) + " "
	var extra []string
	for _, r := range s.rules {
		for _, f := range r.from {
			if strings.Contains(folded, " "+f+" ") {
				extra = append(extra, r.to)
				break
			}
		}
	}
	if len(extra) == 0 {
		return q
	}
	return q + " " + strings.Join(extra, " ")
}

var queryFolder = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss")

// foldQuery lowercases, spells umlauts out and reduces punctuation to single
// spaces, so "Knöllchen" and "knoellchen" meet.
func foldQuery(s string) string {
	s = queryFolder.Replace(strings.ToLower(s))
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127)
	}), " ")
}
