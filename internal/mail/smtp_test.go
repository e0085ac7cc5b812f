package mail

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestSMTPSenderDelivers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		server     serverOptions
		mode       TLSMode
		user, pass string
		html       bool
	}{
		{name: "plain relay", server: serverOptions{}, mode: TLSNone},
		{name: "STARTTLS with login", server: serverOptions{tls: "starttls", user: "portal", pass: "geheim äß"}, mode: TLSMandatory, user: "portal", pass: "geheim äß", html: true},
		{name: "opportunistic STARTTLS", server: serverOptions{tls: "starttls"}, mode: TLSOpportunistic},
		{name: "TLS on connect with login", server: serverOptions{tls: "implicit", user: "portal", pass: "pw"}, mode: TLSOnConnect, user: "portal", pass: "pw"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startServer(t, tt.server)
			cfg := Config{Host: srv.Host, Port: srv.Port, TLS: tt.mode, Username: tt.user, Password: tt.pass,
				From: "noreply@dorsten.example", FromName: "Serviceportal Dorsten", Timeout: 5 * time.Second}
			if srv.RootCAs != nil {
				cfg.TLSConfig = testTLS(srv)
			}
			s, err := NewSMTPSender(cfg)
			if err != nil {
				t.Fatal(err)
			}
			m := sample("a")
			m.ID = "01testid"
			m.HTML = tt.html
			if err := s.Send(context.Background(), m); err != nil {
				t.Fatalf("send: %v", err)
			}
			got := srv.Received()
			if len(got) != 1 {
				t.Fatalf("server got %d mails, want 1", len(got))
			}
			if len(got[0].To) != 1 || got[0].To[0] != "buerger@example.org" {
				t.Errorf("RCPT TO = %v", got[0].To)
			}
			if got[0].From != "noreply@dorsten.example" {
				t.Errorf("MAIL FROM = %q", got[0].From)
			}
			p := parseMail(t, got[0].Data)
			if p.Subject != m.Subject {
				t.Errorf("subject = %q, want %q", p.Subject, m.Subject)
			}
			if p.To[0].Name != "Jürgen Weiß" || p.To[0].Address != m.To {
				t.Errorf("To = %v", p.To[0])
			}
			if p.From[0].Name != "Stadt Dorsten – Bürgerbüro" || p.From[0].Address != "noreply@dorsten.example" {
				t.Errorf("From = %v", p.From[0])
			}
			if p.Header.Get("Reply-To") != "<buergerbuero@dorsten.example>" {
				t.Errorf("Reply-To = %q", p.Header.Get("Reply-To"))
			}
			if p.MessageID != "<01testid@dorsten.example>" {
				t.Errorf("Message-ID = %q", p.MessageID)
			}
			if d, err := p.Header.Date(); err != nil || time.Since(d) > time.Minute {
				t.Errorf("Date = %q (%v)", p.Header.Get("Date"), err)
			}
			if p.Header.Get("Auto-Submitted") != "auto-generated" {
				t.Errorf("Auto-Submitted = %q", p.Header.Get("Auto-Submitted"))
			}
			if strings.TrimRight(p.Text, "\n") != m.Text {
				t.Errorf("text body = %q, want %q", p.Text, m.Text)
			}
			if tt.html {
				if !strings.Contains(p.HTML, `<a href="https://portal.example/status/abc">`) || !strings.Contains(p.HTML, "Grüßen") {
					t.Errorf("HTML body = %q", p.HTML)
				}
			} else if p.HTML != "" {
				t.Errorf("unexpected HTML part %q", p.HTML)
			}
		})
	}
}

func TestSMTPSenderRefusesWeakerSecurity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		server serverOptions
		cfg    Config
	}{
		// A server that offers no STARTTLS must not get the mail in
		// mandatory mode.
		{"mandatory STARTTLS missing", serverOptions{}, Config{TLS: TLSMandatory}},
		{"wrong password", serverOptions{tls: "starttls", user: "portal", pass: "richtig"}, Config{TLS: TLSMandatory, Username: "portal", Password: "falsch"}},
		// PLAIN over an unencrypted connection would expose the password.
		{"password without TLS", serverOptions{user: "portal", pass: "pw"}, Config{TLS: TLSNone, Username: "portal", Password: "pw"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startServer(t, tt.server)
			cfg := tt.cfg
			cfg.Host, cfg.Port, cfg.From, cfg.Timeout = srv.Host, srv.Port, "noreply@dorsten.example", 5*time.Second
			if srv.RootCAs != nil {
				cfg.TLSConfig = testTLS(srv)
			}
			s, err := NewSMTPSender(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Send(context.Background(), sample("a")); err == nil {
				t.Fatal("send succeeded")
			}
			if err := s.Ping(context.Background()); err == nil {
				t.Error("ping succeeded")
			}
			if n := len(srv.Received()); n != 0 {
				t.Errorf("server got %d mails", n)
			}
		})
	}
}

func TestSMTPSenderPing(t *testing.T) {
	t.Parallel()
	srv := startServer(t, serverOptions{tls: "starttls", user: "u", pass: "p"})
	s, err := NewSMTPSender(Config{Host: srv.Host, Port: srv.Port, Username: "u", Password: "p",
		From: "noreply@dorsten.example", TLSConfig: testTLS(srv)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(context.Background()); err != nil {
		t.Fatalf("ping: %v", err)
	}
}
