package mail

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"time"
)

// TLSMode says how the connection to the SMTP server is encrypted.
type TLSMode string

// TLS modes, as written in SERVICEPORTAL_SMTP_TLS.
const (
	// TLSMandatory requires STARTTLS; the server must offer it (default).
	TLSMandatory TLSMode = "mandatory"
	// TLSOpportunistic uses STARTTLS when offered and plain text otherwise.
	TLSOpportunistic TLSMode = "opportunistic"
	// TLSNone never encrypts; only for a relay on the same machine.
	TLSNone TLSMode = "none"
	// TLSOnConnect speaks TLS from the first byte (SMTPS, usually port 465).
	TLSOnConnect TLSMode = "tls"
)

// DefaultTimeout bounds connecting and each SMTP exchange.
const DefaultTimeout = 30 * time.Second

// Environment variables read by FromEnv.
const (
	EnvHost     = "SERVICEPORTAL_SMTP_HOST"
	EnvPort     = "SERVICEPORTAL_SMTP_PORT"
	EnvUsername = "SERVICEPORTAL_SMTP_USERNAME"
	EnvPassword = "SERVICEPORTAL_SMTP_PASSWORD"
	EnvFrom     = "SERVICEPORTAL_SMTP_FROM"
	EnvTLS      = "SERVICEPORTAL_SMTP_TLS"
	EnvTimeout  = "SERVICEPORTAL_SMTP_TIMEOUT"
)

// Config says where mail goes. An empty Host is keep mode (the demo):
// nothing is sent and mails are kept for administrators to read.
type Config struct {
	// Host is the SMTP server's name or IP address, without port.
	Host string
	// Port defaults to 465 for TLSOnConnect, 25 for TLSNone and 587 otherwise.
	Port int
	// Username and Password enable SMTP AUTH when set. go-mail picks the
	// strongest mechanism the server offers and never sends a password in
	// plain text over an unencrypted connection.
	Username, Password string
	// From is the sender's bare address; FromName its display name.
	From, FromName string
	// TLS is the encryption mode; empty means TLSMandatory.
	TLS TLSMode
	// Timeout bounds connecting and each exchange; zero means DefaultTimeout.
	Timeout time.Duration
	// TLSConfig overrides certificate checks, e.g. to trust an internal CA.
	// Not read from the environment.
	TLSConfig *tls.Config
}

// Keep reports keep mode: no SMTP server configured.
func (c Config) Keep() bool { return c.Host == "" }

// String describes the configuration without the password, for logs.
func (c Config) String() string {
	if c.Keep() {
		return "E-Mails werden nicht versandt, sondern aufbewahrt (kein SMTP-Server eingestellt)"
	}
	c = c.withDefaults()
	user := ""
	if c.Username != "" {
		user = c.Username + "@"
	}
	return fmt.Sprintf("smtp://%s%s (tls=%s, from=%s)", user, net.JoinHostPort(c.Host, strconv.Itoa(c.Port)), c.TLS, c.From)
}

func (c Config) withDefaults() Config {
	if c.TLS == "" {
		c.TLS = TLSMandatory
	}
	if c.Port == 0 {
		switch c.TLS {
		case TLSOnConnect:
			c.Port = 465
		case TLSNone:
			c.Port = 25
		default:
			c.Port = 587
		}
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	return c
}

// FromEnv reads the SMTP settings through getenv (os.Getenv in production)
// and validates them. All problems are reported at once, in German, with
// what to do. An unset SERVICEPORTAL_SMTP_HOST selects keep mode.
func FromEnv(getenv func(string) string) (Config, error) {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	c := Config{
		Host:     get(EnvHost),
		Username: get(EnvUsername),
		// Passwords may legitimately begin or end with spaces.
		Password: getenv(EnvPassword),
		TLS:      TLSMode(strings.ToLower(get(EnvTLS))),
	}
	var errs []error
	if p := get(EnvPort); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			errs = append(errs, fmt.Errorf("%s: %q ist kein gültiger Port; erlaubt sind Zahlen von 1 bis 65535 (üblich: 587 für STARTTLS, 465 für TLS)", EnvPort, p))
		} else {
			c.Port = n
		}
	}
	if t := get(EnvTimeout); t != "" {
		d, err := time.ParseDuration(t)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %q ist keine Zeitdauer; schreiben Sie z. B. 30s oder 1m", EnvTimeout, t))
		}
		c.Timeout = d
	}
	if f := get(EnvFrom); f != "" {
		a, err := netmail.ParseAddress(f)
		if err != nil || CheckAddress(a.Address) != nil {
			errs = append(errs, fmt.Errorf("%s: %q ist keine gültige Absenderadresse; erwartet wird noreply@stadt.de oder \"Serviceportal Stadt <noreply@stadt.de>\"", EnvFrom, f))
		} else {
			c.From, c.FromName = a.Address, a.Name
		}
	}
	if c.Host == "" {
		var set []string
		for _, k := range []string{EnvPort, EnvUsername, EnvPassword, EnvTLS, EnvTimeout} {
			if get(k) != "" {
				set = append(set, k)
			}
		}
		if len(set) > 0 {
			errs = append(errs, fmt.Errorf("%s fehlt, aber %s ist gesetzt; tragen Sie den SMTP-Server ein oder entfernen Sie diese Einstellungen, um E-Mails nur aufzubewahren (Demo)", EnvHost, strings.Join(set, ", ")))
		}
		return c, errors.Join(errs...)
	}
	if err := c.Validate(); err != nil {
		errs = append(errs, err)
	}
	return c, errors.Join(errs...)
}

// Validate checks a configuration that sends mail; keep mode is always
// valid. Messages are German and name the environment variable.
func (c Config) Validate() error {
	if c.Keep() {
		return nil
	}
	var errs []error
	if strings.ContainsAny(c.Host, "/ \t") || (strings.Contains(c.Host, ":") && net.ParseIP(c.Host) == nil) {
		errs = append(errs, fmt.Errorf("%s: %q ist kein Rechnername; tragen Sie nur den Namen ein (z. B. smtp.stadt.de), den Port in %s", EnvHost, c.Host, EnvPort))
	}
	if c.Port < 0 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("%s: %d ist kein gültiger Port; erlaubt sind Zahlen von 1 bis 65535", EnvPort, c.Port))
	}
	switch c.TLS {
	case "", TLSMandatory, TLSOpportunistic, TLSNone, TLSOnConnect:
	default:
		errs = append(errs, fmt.Errorf("%s: %q ist nicht möglich; erlaubt sind mandatory (STARTTLS erzwingen, Standard), opportunistic (STARTTLS, wenn angeboten), none (unverschlüsselt, nur für einen Server auf demselben Rechner) oder tls (verschlüsselt ab Verbindungsbeginn, meist Port 465)", EnvTLS, c.TLS))
	}
	if c.From == "" {
		errs = append(errs, fmt.Errorf("%s fehlt: ohne Absenderadresse kann nichts versandt werden; setzen Sie z. B. %s=\"Serviceportal Stadt <noreply@stadt.de>\"", EnvFrom, EnvFrom))
	} else if CheckAddress(c.From) != nil {
		errs = append(errs, fmt.Errorf("%s: %q ist keine gültige E-Mail-Adresse", EnvFrom, c.From))
	}
	if strings.ContainsAny(c.FromName, "\r\n") {
		errs = append(errs, fmt.Errorf("%s: der Absendername darf keinen Zeilenumbruch enthalten", EnvFrom))
	}
	if c.Username != "" && c.Password == "" {
		errs = append(errs, fmt.Errorf("%s fehlt: zum Benutzernamen in %s gehört ein Passwort", EnvPassword, EnvUsername))
	}
	if c.Username == "" && c.Password != "" {
		errs = append(errs, fmt.Errorf("%s fehlt: zum Passwort in %s gehört ein Benutzername", EnvUsername, EnvPassword))
	}
	if c.Timeout < 0 || c.Timeout > 10*time.Minute {
		errs = append(errs, fmt.Errorf("%s: %s liegt nicht zwischen 1s und 10m", EnvTimeout, c.Timeout))
	} else if c.Timeout > 0 && c.Timeout < time.Second {
		errs = append(errs, fmt.Errorf("%s: %s ist zu kurz; mindestens 1s", EnvTimeout, c.Timeout))
	}
	return errors.Join(errs...)
}

// NewSender returns the sender for c: KeepSender in keep mode, otherwise an
// SMTPSender.
func NewSender(c Config) (Sender, error) {
	if c.Keep() {
		return KeepSender{}, nil
	}
	return NewSMTPSender(c)
}
