package identity

import (
	"net/mail"
	"strings"
)

// NormalizeEmail trims and lower-cases an address, the form in which
// addresses are stored and compared. Lower-casing the local part is not
// strictly RFC 5321, but every mail provider citizens use treats it so, and
// two accounts differing only in case would confuse people.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidEmail normalises s and checks that it is a bare address with a
// local part, an @ and a domain containing a dot.
func ValidEmail(s string) (string, error) {
	e := NormalizeEmail(s)
	if len(e) > 254 || strings.ContainsAny(e, " \t\r\n<>,;\"") {
		return "", ErrInvalidEmail
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || a.Name != "" {
		return "", ErrInvalidEmail
	}
	local, domain, ok := strings.Cut(e, "@")
	if !ok || local == "" || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", ErrInvalidEmail
	}
	return e, nil
}
