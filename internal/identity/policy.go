package identity

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

//go:embed common_passwords.txt
var commonPasswordsFile string

var (
	commonOnce sync.Once
	common     map[string]bool
)

func commonPasswords() map[string]bool {
	commonOnce.Do(func() {
		common = map[string]bool{}
		for _, line := range strings.Split(commonPasswordsFile, "\n") {
			line = strings.TrimSpace(line)
			if line != "" && !strings.HasPrefix(line, "#") {
				common[line] = true
			}
		}
	})
	return common
}

// PasswordPolicy follows OWASP ASVS 5.0 level 2 (v5.0.0-6.2.x): a minimum
// length, at least 64 characters allowed, no composition rules, no forced
// rotation, and a check against common passwords and the account's own
// details.
type PasswordPolicy struct {
	// MinLength in characters (Unicode code points); default 12.
	MinLength int
	// MaxLength in characters; default 128.
	MaxLength int
	// ContextWords are words specific to this site that make weak bases,
	// in addition to the embedded list (e.g. tenant names).
	ContextWords []string
}

// Defaults for the policy.
const (
	DefaultMinPasswordLength = 12
	DefaultMaxPasswordLength = 128
)

func (p PasswordPolicy) withDefaults() PasswordPolicy {
	if p.MinLength <= 0 {
		p.MinLength = DefaultMinPasswordLength
	}
	if p.MaxLength <= 0 {
		p.MaxLength = DefaultMaxPasswordLength
	}
	return p
}

// Check returns nil when password is acceptable for the account with the
// given e-mail address, and a *PasswordError with a German reason when not.
func (p PasswordPolicy) Check(password, email string) error {
	p = p.withDefaults()
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password):
		return &PasswordError{"Das Passwort enthält ungültige Zeichen."}
	case n < p.MinLength:
		return &PasswordError{fmt.Sprintf("Das Passwort ist zu kurz. Bitte wählen Sie mindestens %d Zeichen – ein Satz aus mehreren Wörtern ist leicht zu merken und sicher.", p.MinLength)}
	case n > p.MaxLength:
		return &PasswordError{fmt.Sprintf("Das Passwort ist zu lang. Bitte wählen Sie höchstens %d Zeichen.", p.MaxLength)}
	}
	lower := strings.ToLower(password)
	if e := NormalizeEmail(email); e != "" {
		local, _, _ := strings.Cut(e, "@")
		if strings.Contains(lower, e) || lower == local || stripEnds(lower) == local {
			return &PasswordError{"Das Passwort darf nicht Ihre E-Mail-Adresse enthalten. Bitte wählen Sie ein anderes Passwort."}
		}
	}
	if p.weak(lower) {
		return &PasswordError{"Dieses Passwort ist zu bekannt und leicht zu erraten. Bitte wählen Sie ein anderes, zum Beispiel einen Satz aus mehreren Wörtern."}
	}
	return nil
}

// weak reports whether a lower-cased password is a common one, a common
// word decorated with digits and symbols, a repetition or a keyboard walk.
func (p PasswordPolicy) weak(pw string) bool {
	list := commonPasswords()
	context := func(s string) bool {
		for _, w := range p.ContextWords {
			if w != "" && s == strings.ToLower(w) {
				return true
			}
		}
		return false
	}
	isWeakWord := func(s string) bool { return list[s] || context(s) }
	base := stripEnds(pw)
	for _, c := range []string{pw, base, unLeet(pw), unLeet(base)} {
		if isWeakWord(c) || isWalk(c) {
			return true
		}
		if u := repeatedUnit(c); u != "" && (utf8.RuneCountInString(u) <= 4 || isWeakWord(u) || isWalk(u)) {
			return true
		}
	}
	return base == "" && isWalk(pw)
}

// stripEnds removes leading and trailing characters that are not letters,
// the digits and punctuation people add to satisfy composition rules.
func stripEnds(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
}

var leet = strings.NewReplacer("@", "a", "4", "a", "0", "o", "1", "i", "!", "i", "3", "e", "$", "s", "5", "s", "7", "t", "€", "e")

func unLeet(s string) string { return leet.Replace(s) }

// repeatedUnit returns u when s is u repeated at least twice.
func repeatedUnit(s string) string {
	for size := 1; size <= len(s)/2; size++ {
		if len(s)%size == 0 && strings.Repeat(s[:size], len(s)/size) == s {
			return s[:size]
		}
	}
	return ""
}

// walks are keyboard rows and sequences people type instead of choosing.
var walks = []string{
	"01234567890123456789",
	"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
	"qwertyuiopasdfghjklzxcvbnm",
	"qwertzuiopüasdfghjklöäyxcvbnm",
	"qwertzuiopasdfghjklyxcvbnm",
	"1q2w3e4r5t6y7u8i9o0p",
	"1q2w3e4r5t6z7u8i9o0p",
	"1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
	"qazwsxedcrfvtgbyhnujmikolp",
	"zaq12wsxcde34rfvbgt56yhnmju78ik,9ol.0p",
	"!\"§$%&/()=",
	"!@#$%^&*()",
}

// isWalk reports whether s (at least 4 characters) is a stretch of a
// keyboard row or sequence, forwards or backwards.
func isWalk(s string) bool {
	if len(s) < 4 {
		return false
	}
	r := reverse(s)
	for _, w := range walks {
		if strings.Contains(w, s) || strings.Contains(w, r) {
			return true
		}
	}
	return false
}

func reverse(s string) string {
	rs := []rune(s)
	for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
		rs[i], rs[j] = rs[j], rs[i]
	}
	return string(rs)
}
