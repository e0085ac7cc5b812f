package payment

import (
	"fmt"
	"strings"
)

// FormatEuro writes cents the German way: 3070 → "30,70 €", 123456 →
// "1.234,56 €".
func FormatEuro(cents int64) string { return FormatAmount(cents) + " €" }

// FormatAmount is FormatEuro without the currency sign, as the CSV export
// and German spreadsheets want it: "-1.234,56".
func FormatAmount(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	euros := fmt.Sprint(cents / 100)
	var b strings.Builder
	for i, c := range euros {
		if i > 0 && (len(euros)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return fmt.Sprintf("%s%s,%02d", sign, b.String(), cents%100)
}

// decimalEuro is cents as a decimal euro string ("30.70"), the way REST
// providers take amounts.
func decimalEuro(cents int64) string { return fmt.Sprintf("%d.%02d", cents/100, cents%100) }

var sepaFold = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue", "ß", "ss",
	"–", "-", "—", "-", "&", "+", "_", "-")

// SEPAText keeps what the SEPA character set allows (a–z A–Z 0–9 / - ? :
// ( ) . , ' + and space), spelling umlauts out, and cuts to max
// characters. Providers compute their hash over the bytes they receive, so
// anything outside this set would break the signature (a note in the
// pmPayment client of Koha, unofficial public code).
func SEPAText(s string, max int) string {
	s = sepaFold.Replace(s)
	var b strings.Builder
	space := false
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.ContainsRune("/-?:().,'+", c):
			b.WriteRune(c)
			space = false
		case c == ' ' || c == '\t' || c == '\n':
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
		}
		if b.Len() >= max {
			break
		}
	}
	out := b.String()
	if len(out) > max {
		out = out[:max]
	}
	return strings.TrimSpace(out)
}
