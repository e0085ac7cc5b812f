package mail

import (
	"strings"
	"testing"
	"time"
)

func TestFromEnv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		want    Config
		errs    []string // substrings of the error; nil: no error
		keep    bool
		wantStr string
	}{
		{name: "empty is keep mode", env: nil, keep: true, wantStr: "aufbewahrt"},
		{name: "sender address alone stays keep mode", env: map[string]string{EnvFrom: "noreply@dorsten.de"}, keep: true,
			want: Config{From: "noreply@dorsten.de"}},
		{
			name: "full STARTTLS",
			env: map[string]string{EnvHost: "smtp.dorsten.de", EnvUsername: "portal", EnvPassword: " geheim ",
				EnvFrom: "Serviceportal Dorsten <noreply@dorsten.de>"},
			want: Config{Host: "smtp.dorsten.de", Username: "portal", Password: " geheim ", From: "noreply@dorsten.de",
				FromName: "Serviceportal Dorsten"},
			wantStr: "smtp://portal@smtp.dorsten.de:587 (tls=mandatory, from=noreply@dorsten.de)",
		},
		{
			name: "umlaut sender name and TLS on connect",
			env: map[string]string{EnvHost: "mail.example", EnvTLS: "TLS", EnvTimeout: "10s",
				EnvFrom: "=?utf-8?q?B=C3=BCrgerb=C3=BCro?= <a@example.de>"},
			want:    Config{Host: "mail.example", TLS: TLSOnConnect, Timeout: 10 * time.Second, From: "a@example.de", FromName: "Bürgerbüro"},
			wantStr: "smtp://mail.example:465",
		},
		{
			name: "local relay",
			env:  map[string]string{EnvHost: "127.0.0.1", EnvPort: "25", EnvTLS: "none", EnvFrom: "a@example.de"},
			want: Config{Host: "127.0.0.1", Port: 25, TLS: TLSNone, From: "a@example.de"},
		},
		{
			name: "everything wrong at once",
			env: map[string]string{EnvHost: "smtp.example:587", EnvPort: "70000", EnvTLS: "starttls",
				EnvUsername: "portal", EnvTimeout: "bald"},
			errs: []string{EnvHost + ": \"smtp.example:587\" ist kein Rechnername", EnvPort + ": \"70000\" ist kein gültiger Port",
				EnvTLS + ": \"starttls\" ist nicht möglich", EnvFrom + " fehlt", EnvPassword + " fehlt", EnvTimeout + ": \"bald\" ist keine Zeitdauer"},
		},
		{
			name: "bad sender",
			env:  map[string]string{EnvHost: "smtp.example", EnvFrom: "Bürgerbüro"},
			errs: []string{EnvFrom + ": \"Bürgerbüro\" ist keine gültige Absenderadresse"},
		},
		{
			name: "password without user",
			env:  map[string]string{EnvHost: "smtp.example", EnvFrom: "a@example.de", EnvPassword: "x"},
			errs: []string{EnvUsername + " fehlt"},
		},
		{
			name: "settings without host",
			env:  map[string]string{EnvPort: "587", EnvUsername: "portal"},
			errs: []string{EnvHost + " fehlt, aber " + EnvPort + ", " + EnvUsername + " ist gesetzt"},
		},
		{
			name: "timeout too short",
			env:  map[string]string{EnvHost: "smtp.example", EnvFrom: "a@example.de", EnvTimeout: "5ms"},
			errs: []string{"zu kurz"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := FromEnv(func(k string) string { return tt.env[k] })
			if tt.errs == nil {
				if err != nil {
					t.Fatalf("FromEnv: %v", err)
				}
				if got.Keep() != tt.keep {
					t.Errorf("Keep = %v", got.Keep())
				}
				if got != tt.want {
					t.Errorf("FromEnv = %+v, want %+v", got, tt.want)
				}
				if !strings.Contains(got.String(), tt.wantStr) || strings.Contains(got.String(), "geheim") {
					t.Errorf("String = %q", got.String())
				}
				return
			}
			if err == nil {
				t.Fatalf("FromEnv = %+v, want errors", got)
			}
			for _, e := range tt.errs {
				if !strings.Contains(err.Error(), e) {
					t.Errorf("error lacks %q:\n%v", e, err)
				}
			}
		})
	}
}

func TestNewSender(t *testing.T) {
	t.Parallel()
	if s, err := NewSender(Config{}); err != nil || s != (KeepSender{}) {
		t.Errorf("keep mode: %T, %v", s, err)
	}
	if _, err := NewSender(Config{Host: "smtp.example"}); err == nil {
		t.Error("sender without From accepted")
	}
	s, err := NewSender(Config{Host: "smtp.example", From: "a@example.de"})
	if _, ok := s.(*SMTPSender); !ok || err != nil {
		t.Errorf("SMTP: %T, %v", s, err)
	}
}
