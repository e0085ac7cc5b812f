package delivery

import (
	"fmt"

	gomail "github.com/wneessen/go-mail"

	"github.com/serviceportal/serviceportal/internal/mail"
)

// smtpClient builds a go-mail client for c the way internal/mail does
// (mail.Message has no attachments, so this package sends its own).
func smtpClient(c mail.Config) (*gomail.Client, error) {
	port := c.Port
	if port == 0 {
		switch c.TLS {
		case mail.TLSOnConnect:
			port = 465
		case mail.TLSNone:
			port = 25
		default:
			port = 587
		}
	}
	timeout := c.Timeout
	if timeout == 0 {
		timeout = mail.DefaultTimeout
	}
	opts := []gomail.Option{gomail.WithPort(port), gomail.WithTimeout(timeout)}
	switch c.TLS {
	case mail.TLSOnConnect:
		opts = append(opts, gomail.WithSSL())
	case mail.TLSOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case mail.TLSNone:
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
		// The strongest offered mechanism; never PLAIN or LOGIN in clear text.
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(c.Username), gomail.WithPassword(c.Password))
	}
	cl, err := gomail.NewClient(c.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("delivery: SMTP client: %w", err)
	}
	return cl, nil
}
