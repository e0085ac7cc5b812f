package identity

import (
	"errors"
	"strings"
	"testing"
)

func TestPasswordPolicy(t *testing.T) {
	t.Parallel()
	p := PasswordPolicy{ContextWords: []string{"Dorsten"}}
	tests := []struct {
		name, password string
		ok             bool
	}{
		{"passphrase", "Pferde fressen keinen Gurkensalat", true},
		{"twelve random", "k7#Qm2!vXp9z", true},
		{"umlauts count as one", "Müllabfuhrtüte", true},
		{"too short", "kurz", false},
		{"eleven", "abcdefghij1", false},
		{"too long", strings.Repeat("lang genug ", 13), false},
		{"128 allowed", strings.Repeat("Dies ist ein langer Satz. ", 5)[:128], true},
		{"own address", "erika.musterfrau@example.org1", false},
		{"own local part", "erika.musterfrau", false},
		{"common with digits", "Passwort2024!", false},
		{"common long", "password1234", false},
		{"leetspeak", "P@ssw0rd12345", false},
		{"decorated club", "Schalke04Schalke04", false},
		{"repetition", "abcabcabcabc", false},
		{"long repeated word", "sommersommersommer", false},
		{"digits sequence", "123456789012", false},
		{"keyboard walk", "qwertzuiopasd", false},
		{"keyboard column", "1qaz2wsx3edc", false},
		{"reverse sequence", "987654321098", false},
		{"same character", "aaaaaaaaaaaaaaa", false},
		{"context word", "Dorsten!2026", false},
		{"word in a sentence", "mein passwort ist lang genug", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := p.Check(tc.password, "Erika.Musterfrau@Example.org")
			if tc.ok && err != nil {
				t.Fatalf("Check(%q) = %v, want ok", tc.password, err)
			}
			var pe *PasswordError
			if !tc.ok && !errors.As(err, &pe) {
				t.Fatalf("Check(%q) = %v, want a PasswordError", tc.password, err)
			}
			if !tc.ok && pe.Reason == "" {
				t.Fatal("refusal without a German reason")
			}
		})
	}
}

func TestCommonPasswordList(t *testing.T) {
	t.Parallel()
	n := len(commonPasswords())
	if n < 900 {
		t.Fatalf("common password list has %d entries, want about a thousand", n)
	}
	for _, w := range []string{"123456", "passwort", "hallo", "schalke04"} {
		if !commonPasswords()[w] {
			t.Errorf("%q missing from the list", w)
		}
	}
}

func TestValidEmail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"  Erika@Example.ORG ", "erika@example.org", true},
		{"a.b+tag@sub.example.de", "a.b+tag@sub.example.de", true},
		{"erika", "", false},
		{"erika@localhost", "", false},
		{"Erika <erika@example.org>", "", false},
		{"erika@example.org, b@example.org", "", false},
		{"@example.org", "", false},
		{"erika@.org", "", false},
	}
	for _, tc := range tests {
		got, err := ValidEmail(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ValidEmail(%q) = %q, %v; want %q, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
