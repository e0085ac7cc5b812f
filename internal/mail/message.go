package mail

import (
	"errors"
	"fmt"
	netmail "net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind says why a mail was sent; the admin outbox filters and labels by it.
// Packages may define further kinds (lower-case letters and underscores).
type Kind string

// Kinds the portal sends.
const (
	KindVerifyEmail   Kind = "verify_email"
	KindPasswordReset Kind = "password_reset"
	KindReceipt       Kind = "receipt"
	KindStatusChange  Kind = "status_change"
	KindMailboxNotice Kind = "mailbox_notice"
)

// State is where a mail stands in the outbox.
type State string

// States of an outbox mail.
const (
	// StatePending waits for its first attempt.
	StatePending State = "pending"
	// StateSending is claimed by a dispatcher until ClaimedUntil.
	StateSending State = "sending"
	// StateSent was accepted by the SMTP server.
	StateSent State = "sent"
	// StateFailed had a failed attempt; it is tried again at NextAttemptAt,
	// or never again when NextAttemptAt is zero (attempts exhausted).
	StateFailed State = "failed"
	// StateKept was deliberately not sent because no SMTP server is
	// configured (demo); administrators read it in the outbox instead.
	StateKept State = "kept"
)

// Limits that keep e-mails short notices with a link.
const (
	// MaxBodyRunes is the longest text body Enqueue accepts.
	MaxBodyRunes = 4000
	// MaxSubjectRunes is the longest subject Enqueue accepts.
	MaxSubjectRunes = 200
)

// Message is one e-mail in the outbox. The caller fills the first block;
// the outbox fills the rest.
type Message struct {
	// TenantID is the authority on whose behalf the mail is sent; every mail
	// belongs to exactly one tenant.
	TenantID string
	// Kind says why the mail is sent.
	Kind Kind
	// To is the recipient's bare address.
	To string
	// ToName is the recipient's display name (optional, may hold umlauts).
	ToName string
	// FromName overrides the configured sender's display name, e.g.
	// "Stadt Dorsten – Bürgerbüro"; the address stays the configured one so
	// that SPF and DMARC hold.
	FromName string
	// ReplyTo is an optional bare address answers go to (an office).
	ReplyTo string
	// Subject is one line of plain text.
	Subject string
	// Text is the plain-text body: a short notice and a link, never data.
	Text string
	// HTML adds an HTML alternative rendered from Text by RenderHTML, so the
	// two versions never differ and no markup from callers reaches a mailbox.
	HTML bool
	// Secret marks a body that carries a credential (verification or reset
	// link); it is erased once the mail is sent, and admin pages should not
	// show it while pending.
	Secret bool

	// ID is the outbox row's random id.
	ID string
	// CreatedAt is when the mail was enqueued.
	CreatedAt time.Time
	// State is the delivery state.
	State State
	// Attempts counts delivery attempts so far.
	Attempts int
	// LastError is the last attempt's error, empty after success.
	LastError string
	// NextAttemptAt is when a pending or failed mail is due; zero when none
	// is planned.
	NextAttemptAt time.Time
	// ClaimedUntil is when a dispatcher's claim on a sending mail lapses.
	ClaimedUntil time.Time
	// SentAt is when the server accepted the mail (or it was kept).
	SentAt time.Time
}

// HTMLBody is the HTML alternative sent with the mail, or "" when HTML is
// false.
func (m Message) HTMLBody() string {
	if !m.HTML {
		return ""
	}
	return RenderHTML(m.Subject, m.Text)
}

// GivenUp reports whether the dispatcher stopped trying to send the mail.
func (m Message) GivenUp() bool {
	return m.State == StateFailed && m.NextAttemptAt.IsZero()
}

// Validation errors. Callers build messages programmatically, so these are
// programming or data errors rather than citizen input errors.
var (
	ErrBodyTooLong    = errors.New("mail: body too long; e-mails carry a link, never application data")
	ErrInvalidAddress = errors.New("mail: invalid e-mail address")
	ErrInvalidMessage = errors.New("mail: invalid message")
)

// CheckBody rejects bodies longer than limit runes (limit <= 0 means
// MaxBodyRunes). Long bodies are where application data sneaks into
// e-mails; the portal sends a notice and a link instead.
func CheckBody(text string, limit int) error {
	if limit <= 0 {
		limit = MaxBodyRunes
	}
	if n := utf8.RuneCountInString(text); n > limit {
		return fmt.Errorf("%w (%d characters, at most %d)", ErrBodyTooLong, n, limit)
	}
	return nil
}

var kindPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// Validate checks a message before it enters the outbox.
func (m Message) Validate() error {
	var errs []error
	if strings.TrimSpace(m.TenantID) == "" {
		errs = append(errs, fmt.Errorf("%w: tenant missing", ErrInvalidMessage))
	}
	if !kindPattern.MatchString(string(m.Kind)) {
		errs = append(errs, fmt.Errorf("%w: kind %q", ErrInvalidMessage, m.Kind))
	}
	if err := CheckAddress(m.To); err != nil {
		errs = append(errs, fmt.Errorf("to: %w", err))
	}
	if m.ReplyTo != "" {
		if err := CheckAddress(m.ReplyTo); err != nil {
			errs = append(errs, fmt.Errorf("reply-to: %w", err))
		}
	}
	for name, v := range map[string]string{"to name": m.ToName, "from name": m.FromName, "subject": m.Subject} {
		if strings.ContainsAny(v, "\r\n") || !utf8.ValidString(v) {
			errs = append(errs, fmt.Errorf("%w: %s must be one line of UTF-8 text", ErrInvalidMessage, name))
		}
	}
	if strings.TrimSpace(m.Subject) == "" || utf8.RuneCountInString(m.Subject) > MaxSubjectRunes {
		errs = append(errs, fmt.Errorf("%w: subject must have 1 to %d characters", ErrInvalidMessage, MaxSubjectRunes))
	}
	if strings.TrimSpace(m.Text) == "" || !utf8.ValidString(m.Text) {
		errs = append(errs, fmt.Errorf("%w: text body missing or not UTF-8", ErrInvalidMessage))
	}
	if err := CheckBody(m.Text, MaxBodyRunes); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// CheckAddress accepts a bare address (no display name) with a domain.
func CheckAddress(addr string) error {
	if addr == "" || len(addr) > 254 || strings.ContainsAny(addr, " \t\r\n<>,;\"") {
		return fmt.Errorf("%w: %q", ErrInvalidAddress, addr)
	}
	a, err := netmail.ParseAddress(addr)
	if err != nil || a.Address != addr || a.Name != "" {
		return fmt.Errorf("%w: %q", ErrInvalidAddress, addr)
	}
	local, domain, _ := strings.Cut(addr, "@")
	if local == "" || domain == "" || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return fmt.Errorf("%w: %q", ErrInvalidAddress, addr)
	}
	return nil
}
