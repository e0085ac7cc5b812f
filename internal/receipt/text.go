package receipt

import (
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Berlin must resolve on hosts without zoneinfo

	"golang.org/x/text/unicode/norm"
)

// berlin is the time zone every date on a document is shown in.
var berlin = mustLoad("Europe/Berlin")

func mustLoad(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic("receipt: " + err.Error())
	}
	return l
}

// clean makes text safe for the PDF writer: valid UTF-8 in NFC (so "a"
// plus a combining diaeresis becomes one "ä" glyph), no control
// characters, tabs as spaces, and only runes of the Basic Multilingual
// Plane, because fpdf's UTF-8 path cannot encode the others.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = norm.NFC.String(s)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case r == '\t' || r == '\r' || r == '\v' || r == '\f':
			b.WriteByte(' ')
		case r < 0x20 || (r >= 0x7f && r < 0xa0):
			// Other C0 and C1 controls have no glyph and no meaning here.
		case r == 0x2028 || r == 0x2029:
			b.WriteByte('\n')
		case r > 0xFFFF || (r >= 0xE000 && r <= 0xF8FF):
			// Private-use characters have no agreed glyph either.
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// oneLine is clean for texts that must stay on one line, such as names
// in headers.
func oneLine(s string) string {
	return strings.Join(strings.Fields(clean(s)), " ")
}

// dateTime formats t as "28.11.2026, 14:03 Uhr" in Berlin time.
func dateTime(t time.Time) string {
	return t.In(berlin).Format("02.01.2006, 15:04") + " Uhr"
}

// date formats t as "28.11.2026" in Berlin time.
func date(t time.Time) string {
	return t.In(berlin).Format("02.01.2006")
}

// euro formats cents the German way: "1.234,50 €" (with a no-break space
// so the sign never wraps away from the amount).
func euro(cents int64) string {
	sign := ""
	u := uint64(cents) // #nosec G115 -- two's-complement bits of a negative amount, corrected two lines below
	if cents < 0 {
		sign = "-"
		u = uint64(-(cents + 1)) + 1 // #nosec G115 -- -(cents+1) is non-negative here, so the conversion is exact (also for math.MinInt64)
	}
	return sign + group(u/100) + "," + pad2(u%100) + "\u00a0€"
}

// group writes n with "." between thousands.
func group(n uint64) string {
	s := strconv.FormatUint(n, 10)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	first := len(s) % 3
	if first > 0 {
		b.WriteString(s[:first])
	}
	for i := first; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

func pad2(n uint64) string {
	if n < 10 {
		return "0" + strconv.FormatUint(n, 10)
	}
	return strconv.FormatUint(n, 10)
}

// fileSize gives a size people read ("182,4 KB") followed by the exact
// byte count, which is what a hash check needs.
func fileSize(n int64) string {
	if n < 0 {
		n = 0
	}
	exact := group(uint64(n)) + "\u00a0Byte"
	const k = 1024
	var short string
	switch {
	case n < k:
		return exact
	case n < k*k:
		short = decimal(float64(n)/k) + "\u00a0KB"
	case n < k*k*k:
		short = decimal(float64(n)/(k*k)) + "\u00a0MB"
	default:
		short = decimal(float64(n)/(k*k*k)) + "\u00a0GB"
	}
	return short + " (" + exact + ")"
}

// decimal formats f with one decimal place and a German decimal comma.
func decimal(f float64) string {
	return strings.Replace(strconv.FormatFloat(f, 'f', 1, 64), ".", ",", 1)
}

// hashLines splits a hex digest into lines of 64 characters, two for a
// SHA-512, so it can be read aloud or compared in halves.
func hashLines(h string) []string {
	r := []rune(strings.ToLower(oneLine(h)))
	var out []string
	for len(r) > 64 {
		out = append(out, string(r[:64]))
		r = r[64:]
	}
	if len(r) > 0 {
		out = append(out, string(r))
	}
	return out
}
