package form

import "unicode"

func init() { Register(TextLatin, textType{latin: true}) }

// firstNonLatin returns the first character outside the Latin character set
// of DIN SPEC 91379 (as used by XÖV for names and addresses).
//
// The check approximates the normative list: letters of the Latin script
// (with combining accents), Basic Latin and Latin-1 characters, and the
// typographic quotes and dashes that phones insert on their own. It rejects
// other scripts (Cyrillic, Greek, CJK, …), emoji and control characters.
func firstNonLatin(s string) (rune, bool) {
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
		case r >= 0x20 && r <= 0x7e, r >= 0xa0 && r <= 0xff:
		case r >= 0x300 && r <= 0x36f: // combining diacritical marks
		case unicode.Is(unicode.Latin, r):
		case r == '€', r == '‘', r == '’', r == '‚', r == '“', r == '”', r == '„', r == '–', r == '—':
		default:
			return r, false
		}
	}
	return 0, true
}
