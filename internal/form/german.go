package form

import (
	"strconv"
	"strings"
)

// decimal is a number as typed by a person, split into its parts so that
// currency amounts never pass through float64.
type decimal struct {
	neg  bool
	int  string // digits without leading zeros ("0" for zero)
	frac string // digits after the decimal separator, may be empty
}

// maxDigits bounds the digits of a number so that conversions cannot
// overflow int64 and parsing stays cheap.
const maxDigits = 15

var spaceReplacer = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "\u2009", "")

// parseDecimal reads German ("1.234,56", "12,5") and plain ("1234.56")
// notation. A comma is always the decimal separator; dots are thousands
// separators when they group by three ("1.234" is 1234), otherwise a single
// dot is a decimal point ("12.5", as sent by type=number inputs).
func parseDecimal(s string) (decimal, bool) {
	var d decimal
	s = spaceReplacer.Replace(s)
	switch {
	case strings.HasPrefix(s, "-"):
		d.neg, s = true, s[1:]
	case strings.HasPrefix(s, "−"): // U+2212 minus sign
		d.neg, s = true, s[len("−"):]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	if s == "" {
		return d, false
	}
	intPart, frac := s, ""
	if i := strings.IndexByte(s, ','); i >= 0 {
		intPart, frac = s[:i], s[i+1:]
		if strings.ContainsAny(frac, ",.") || (intPart == "" && frac == "") {
			return d, false
		}
		if strings.Contains(intPart, ".") {
			if !grouped(intPart) {
				return d, false
			}
			intPart = strings.ReplaceAll(intPart, ".", "")
		}
	} else if strings.Contains(s, ".") {
		if grouped(s) {
			intPart = strings.ReplaceAll(s, ".", "")
		} else {
			i := strings.IndexByte(s, '.')
			intPart, frac = s[:i], s[i+1:]
			if strings.Contains(frac, ".") || (intPart == "" && frac == "") {
				return d, false
			}
		}
	}
	if intPart == "" {
		intPart = "0"
	}
	if !digits(intPart) || (frac != "" && !digits(frac)) {
		return d, false
	}
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
	}
	if len(intPart)+len(frac) > maxDigits {
		return d, false
	}
	d.int, d.frac = intPart, frac
	if strings.Trim(frac, "0") == "" && intPart == "0" {
		d.neg = false
	}
	return d, true
}

// grouped reports whether s is digits grouped by three with dots: "1.234.567".
func grouped(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(parts[0]) == 0 || len(parts[0]) > 3 || !digits(parts[0]) {
		return false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 || !digits(p) {
			return false
		}
	}
	return true
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// float returns the decimal as float64.
func (d decimal) float() float64 {
	s := d.int
	if d.frac != "" {
		s += "." + d.frac
	}
	v, _ := strconv.ParseFloat(s, 64)
	if d.neg {
		v = -v
	}
	return v
}

// formatFloat writes v in German notation without thousands separators
// ("1234,5"), the form that goes back into an input box.
func formatFloat(v float64) string {
	return strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1)
}

// groupThousands inserts dots every three digits of the integer part of a
// German number string: "1234567,5" → "1.234.567,5".
func groupThousands(s string) string {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	intPart, rest := s, ""
	if i := strings.IndexByte(s, ','); i >= 0 {
		intPart, rest = s[:i], s[i:]
	}
	if len(intPart) > 3 {
		var b strings.Builder
		pre := len(intPart) % 3
		if pre > 0 {
			b.WriteString(intPart[:pre])
		}
		for i := pre; i < len(intPart); i += 3 {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(intPart[i : i+3])
		}
		intPart = b.String()
	}
	if neg {
		return "-" + intPart + rest
	}
	return intPart + rest
}

// formatBytes writes a file size for people: "850 KB", "1,5 MB".
func formatBytes(n int64) string {
	switch {
	case n >= 1<<20:
		v := float64(n) / (1 << 20)
		return strings.Replace(strconv.FormatFloat(v, 'f', 1, 64), ".", ",", 1) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt((n+512)>>10, 10) + " KB"
	default:
		return strconv.FormatInt(n, 10) + " Byte"
	}
}

// joinOr lists words as German prose: "A, B oder C".
func joinOr(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " oder " + words[len(words)-1]
}
