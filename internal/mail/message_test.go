package mail

import (
	"errors"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*Message)
		want   error
	}{
		{"valid", func(*Message) {}, nil},
		{"no tenant", func(m *Message) { m.TenantID = "" }, ErrInvalidMessage},
		{"bad kind", func(m *Message) { m.Kind = "Quittung!" }, ErrInvalidMessage},
		{"address with name", func(m *Message) { m.To = "Jürgen <j@example.org>" }, ErrInvalidAddress},
		{"no domain", func(m *Message) { m.To = "jürgen@" }, ErrInvalidAddress},
		{"two recipients", func(m *Message) { m.To = "a@example.org,b@example.org" }, ErrInvalidAddress},
		{"bad reply-to", func(m *Message) { m.ReplyTo = "amt" }, ErrInvalidAddress},
		{"header injection in subject", func(m *Message) { m.Subject = "Hallo\r\nBcc: x@example.org" }, ErrInvalidMessage},
		{"header injection in name", func(m *Message) { m.ToName = "A\nB" }, ErrInvalidMessage},
		{"empty subject", func(m *Message) { m.Subject = " " }, ErrInvalidMessage},
		{"long subject", func(m *Message) { m.Subject = strings.Repeat("ä", MaxSubjectRunes+1) }, ErrInvalidMessage},
		{"empty body", func(m *Message) { m.Text = "" }, ErrInvalidMessage},
		{"body at limit", func(m *Message) { m.Text = strings.Repeat("ü", MaxBodyRunes) }, nil},
		{"body over limit", func(m *Message) { m.Text = strings.Repeat("a", MaxBodyRunes+1) }, ErrBodyTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := sample("a")
			tt.change(&m)
			err := m.Validate()
			if tt.want == nil && err != nil {
				t.Errorf("Validate = %v, want nil", err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("Validate = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestCheckBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text  string
		limit int
		ok    bool
	}{
		{"kurz", 10, true},
		{"äöüßäöüßää", 10, true}, // runes, not bytes
		{"äöüßäöüßäää", 10, false},
		{strings.Repeat("x", MaxBodyRunes), 0, true},
		{strings.Repeat("x", MaxBodyRunes+1), 0, false},
	}
	for _, tt := range tests {
		err := CheckBody(tt.text, tt.limit)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrBodyTooLong)) {
			t.Errorf("CheckBody(%d runes, %d) = %v", len([]rune(tt.text)), tt.limit, err)
		}
	}
}

func TestRenderHTML(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text string
		want       []string
		not        []string
	}{
		{
			name: "paragraphs and line breaks",
			text: "Guten Tag,\n\nZeile eins\nZeile zwei",
			want: []string{"<p>Guten Tag,</p>", "<p>Zeile eins<br>\nZeile zwei</p>"},
		},
		{
			name: "link without sentence punctuation",
			text: "Status: https://portal.example/s/abc?x=1&y=2.",
			want: []string{`<a href="https://portal.example/s/abc?x=1&amp;y=2">https://portal.example/s/abc?x=1&amp;y=2</a>.`},
		},
		{
			name: "markup is escaped",
			text: `<script>alert(1)</script> "Müller" & Söhne`,
			want: []string{"&lt;script&gt;", "&#34;Müller&#34; &amp; Söhne"},
			not:  []string{"<script>"},
		},
		{
			name: "only http links",
			text: "javascript:alert(1) und ftp://x.example",
			not:  []string{"<a "},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := RenderHTML("Betreff <b>", tt.text)
			if !strings.Contains(got, "<title>Betreff &lt;b&gt;</title>") || !strings.Contains(got, `lang="de"`) {
				t.Errorf("head missing in %s", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in\n%s", w, got)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(got, n) {
					t.Errorf("unexpected %q in\n%s", n, got)
				}
			}
		})
	}
	if (Message{Text: "x"}).HTMLBody() != "" {
		t.Error("HTMLBody without HTML flag")
	}
}
