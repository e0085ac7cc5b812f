package mail

import (
	"context"
	"fmt"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTPSender delivers mails to an SMTP server through go-mail, one
// connection per mail. A portal sends few mails, so the simplicity is worth
// more than connection reuse.
type SMTPSender struct {
	cfg Config
	now func() time.Time
}

// NewSMTPSender checks c and returns a sender for it.
func NewSMTPSender(c Config) (*SMTPSender, error) {
	if c.Keep() {
		return nil, fmt.Errorf("mail: SMTP sender needs %s", EnvHost)
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	return &SMTPSender{cfg: c.withDefaults(), now: time.Now}, nil
}

func (s *SMTPSender) client() (*gomail.Client, error) { return NewClient(s.cfg) }

// NewClient builds a go-mail client for c with its defaults, TLS policy
// and authentication; the delivery package sends its attachment mails
// through it too.
func NewClient(c Config) (*gomail.Client, error) {
	c = c.withDefaults()
	opts := []gomail.Option{
		gomail.WithPort(c.Port),
		gomail.WithTimeout(c.Timeout),
	}
	switch c.TLS {
	case TLSOnConnect:
		opts = append(opts, gomail.WithSSL())
	case TLSOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if c.TLSConfig != nil {
		tc := c.TLSConfig.Clone()
		if tc.ServerName == "" {
			tc.ServerName = c.Host
		}
		opts = append(opts, gomail.WithTLSConfig(tc))
	}
	if c.Username != "" {
		// Auto-discovery takes the strongest mechanism offered and refuses
		// PLAIN and LOGIN on an unencrypted connection.
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(c.Username), gomail.WithPassword(c.Password))
	}
	cl, err := gomail.NewClient(c.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: SMTP client: %w", err)
	}
	return cl, nil
}

// compose builds the MIME message: UTF-8 throughout, quoted-printable so
// that umlauts stay readable in raw form, RFC 2047 encoded names and
// subject, a Message-ID derived from the outbox id (stable across retries,
// so receivers can drop duplicates) and Auto-Submitted against auto-replies.
func (s *SMTPSender) compose(m Message) *gomail.Msg {
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP),
		gomail.WithNoDefaultUserAgent())
	fromName := m.FromName
	if fromName == "" {
		fromName = s.cfg.FromName
	}
	msg.FromMailAddress(&netmail.Address{Name: fromName, Address: s.cfg.From})
	msg.AddToMailAddress(&netmail.Address{Name: m.ToName, Address: m.To})
	if m.ReplyTo != "" {
		msg.ReplyToMailAddress(&netmail.Address{Address: m.ReplyTo})
	}
	msg.Subject(m.Subject)
	msg.SetDateWithValue(s.now())
	_, domain, _ := strings.Cut(s.cfg.From, "@")
	id := m.ID
	if id == "" {
		id = strconv.FormatInt(s.now().UnixNano(), 36)
	}
	msg.SetMessageIDWithValue(id + "@" + domain)
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTMLBody())
	}
	return msg
}

// Send delivers m. The error names the server and what it answered, for
// the outbox's last_error column; it never contains the password.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	msg := s.compose(m)
	cl, err := s.client()
	if err != nil {
		return err
	}
	if err := cl.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: SMTP %s: %w", s.addr(), err)
	}
	return nil
}

// Ping connects, negotiates TLS and authenticates without sending, so the
// operator learns about a wrong setting at start-up rather than from a
// citizen.
func (s *SMTPSender) Ping(ctx context.Context) error {
	cl, err := s.client()
	if err != nil {
		return err
	}
	if err := cl.DialWithContext(ctx); err != nil {
		return fmt.Errorf("mail: SMTP %s: %w", s.addr(), err)
	}
	return cl.Close()
}

func (s *SMTPSender) addr() string {
	return net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
}
