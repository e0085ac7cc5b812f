// Package config turns flags and SERVICEPORTAL_* environment variables into
// one validated Config. Flags win over the environment, which wins over the
// defaults; every error names the setting and what to do.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Config is the portal's process configuration. Settings that administrators
// change at run time (tenants, services) live in the database instead.
type Config struct {
	// Addr is the host:port the HTTP server listens on.
	Addr string
	// DataDir holds the SQLite database (and, later, other local state).
	DataDir string
	// DatabaseURL selects PostgreSQL when set (postgres://…); empty selects
	// SQLite in DataDir.
	DatabaseURL string
	// FilesDir, with PostgreSQL, keeps attachment content in a folder all
	// instances share instead of the database; empty keeps it there.
	FilesDir string
	// BaseURL is the public address of the portal, used in links and e-mails.
	BaseURL string
	// BaseURLDefaulted is true when BaseURL was derived from Addr, so the
	// server may correct it once it knows the port it really got.
	BaseURLDefaulted bool
	// Demo seeds the demo region and accounts on start-up.
	Demo bool
	// LogFormat is "text" or "json".
	LogFormat string
	// RetentionDays deletes the answers and files of a case this many days
	// after it was closed; 0 keeps them.
	RetentionDays int
	// HashWorkers is how many low-priority processes hash passwords: -1
	// (the default) one per core, 0 none (hashes run in the portal process).
	// Fewer than cores keeps pages faster during a login flood at the cost
	// of login throughput (docs/benchmarks.md, "Login flood").
	HashWorkers int
	// MasterKey (base64, 32 bytes) wraps the tenants' data keys and derives
	// the session secrets. Empty: a key file in the data folder is used
	// (created on first start) – fine for one host, not for a cluster.
	MasterKey string
	// OIDCIssuer, OIDCClientID and OIDCClientSecret configure the citizens'
	// login through an OpenID Provider (BundID behind an OIDC front); all
	// three or none.
	OIDCIssuer       string
	OIDCClientID     string
	OIDCClientSecret string
	// StaffOIDCIssuer, StaffOIDCClientID and StaffOIDCClientSecret
	// configure the staff login through the data centre's identity
	// provider (Keycloak, AD FS); all three or none. Staff accounts must
	// exist already: the provider's verified e-mail address finds them.
	StaffOIDCIssuer       string
	StaffOIDCClientID     string
	StaffOIDCClientSecret string
	// StaffOIDCProviderMFA trusts the provider's amr claim ("mfa", "otp",
	// "hwk"): such logins skip the portal's own TOTP step.
	StaffOIDCProviderMFA bool
	// Clamd is the address of a ClamAV daemon that checks every uploaded
	// file ("tcp://127.0.0.1:3310" or "unix:///run/clamav/clamd.ctl");
	// empty: no virus scan.
	Clamd string
	// FitConnectTrustAnchors is a PEM file with the roots of the
	// Verwaltungs-PKI that destination keys must chain to; setting it
	// turns FIT-Connect on as a delivery route.
	FitConnectTrustAnchors string
	// FitConnectIssuer and FitConnectIssuerKeys verify the routing
	// service's signed destination data (the Self-Service-Portal's "iss"
	// and its JWKS address); needed for routing by LeiKa key and ARS.
	FitConnectIssuer     string
	FitConnectIssuerKeys string
}

// Defaults for a new user's first start.
const (
	DefaultAddr    = "127.0.0.1:8080"
	DefaultDataDir = "./data"
)

// setting describes one option: its flag, its variable and its help text.
type setting struct {
	flag, env, help string
	target          *string
	def             string
}

func settings(c *Config, demo, retention, staffMFA, hashWorkers *string) []setting {
	return []setting{
		{"addr", "SERVICEPORTAL_ADDR", "Adresse und Port, auf denen das Portal lauscht", &c.Addr, DefaultAddr},
		{"data", "SERVICEPORTAL_DATA", "Datenordner (SQLite-Datenbank)", &c.DataDir, DefaultDataDir},
		{"database-url", "SERVICEPORTAL_DATABASE_URL", "PostgreSQL-URL (postgres://…); leer: SQLite im Datenordner", &c.DatabaseURL, ""},
		{"files", "SERVICEPORTAL_FILES", "nur mit PostgreSQL: Ordner für Dateianhänge, den alle Instanzen teilen (z. B. NFSv4); leer: Anhänge in der Datenbank", &c.FilesDir, ""},
		{"base-url", "SERVICEPORTAL_BASE_URL", "öffentliche Adresse des Portals (Standard: http://ADDR)", &c.BaseURL, ""},
		{"demo", "SERVICEPORTAL_DEMO", "Demo-Region und Demo-Zugänge anlegen (true/false)", demo, "true"},
		{"log-format", "SERVICEPORTAL_LOG_FORMAT", "Protokollformat: text oder json", &c.LogFormat, "text"},
		{"retention-days", "SERVICEPORTAL_RETENTION_DAYS", "Antragsdaten so viele Tage nach Abschluss des Vorgangs löschen (0: behalten)", retention, "0"},
		{"hash-workers", "SERVICEPORTAL_HASH_WORKERS", "Prozesse mit niedriger Priorität für Passwort-Hashes (leer: einer je Kern; 0: im Portalprozess)", hashWorkers, ""},
		{"master-key", "SERVICEPORTAL_MASTER_KEY", "Hauptschlüssel (32 Byte, Base64); leer: Schlüsseldatei im Datenordner", &c.MasterKey, ""},
		{"oidc-issuer", "SERVICEPORTAL_OIDC_ISSUER", "OpenID-Provider für die Bürgeranmeldung (BundID), https-Adresse; leer: keine Anmeldung mit BundID", &c.OIDCIssuer, ""},
		{"oidc-client-id", "SERVICEPORTAL_OIDC_CLIENT_ID", "Client-ID des Portals beim OpenID-Provider", &c.OIDCClientID, ""},
		{"oidc-client-secret", "SERVICEPORTAL_OIDC_CLIENT_SECRET", "Client-Secret des Portals beim OpenID-Provider", &c.OIDCClientSecret, ""},
		{"staff-oidc-issuer", "SERVICEPORTAL_STAFF_OIDC_ISSUER", "OpenID-Provider für die Anmeldung der Mitarbeitenden (z. B. Keycloak des Rechenzentrums), https-Adresse; leer: nur Passwort", &c.StaffOIDCIssuer, ""},
		{"staff-oidc-client-id", "SERVICEPORTAL_STAFF_OIDC_CLIENT_ID", "Client-ID des Portals beim OpenID-Provider der Mitarbeitenden", &c.StaffOIDCClientID, ""},
		{"staff-oidc-client-secret", "SERVICEPORTAL_STAFF_OIDC_CLIENT_SECRET", "Client-Secret des Portals beim OpenID-Provider der Mitarbeitenden", &c.StaffOIDCClientSecret, ""},
		{"clamd", "SERVICEPORTAL_CLAMD", "ClamAV-Dienst, der jede hochgeladene Datei prüft (tcp://127.0.0.1:3310 oder unix:///run/clamav/clamd.ctl); leer: keine Virenprüfung", &c.Clamd, ""},
		{"fitconnect-trust-anchors", "SERVICEPORTAL_FITCONNECT_TRUST_ANCHORS", "PEM-Datei mit den Wurzelzertifikaten der Verwaltungs-PKI; gesetzt: Zustellung über FIT-Connect möglich", &c.FitConnectTrustAnchors, ""},
		{"fitconnect-issuer", "SERVICEPORTAL_FITCONNECT_ISSUER", "Aussteller (iss) der signierten Zustellpunkt-Daten des Routingdienstes", &c.FitConnectIssuer, ""},
		{"fitconnect-issuer-keys", "SERVICEPORTAL_FITCONNECT_ISSUER_KEYS", "https-Adresse der Schlüssel (JWKS) dieses Ausstellers", &c.FitConnectIssuerKeys, ""},
		{"staff-oidc-provider-mfa", "SERVICEPORTAL_STAFF_OIDC_PROVIDER_MFA", "Zwei-Faktor-Anmeldung beim Provider (amr) anerkennen statt TOTP im Portal (true/false)", staffMFA, "false"},
	}
}

// FlagSet returns a flag set for a subcommand with all settings registered,
// defaults taken from getenv, and a Parse that validates the result.
type FlagSet struct {
	*flag.FlagSet
	cfg       Config
	demo      string
	retention string
	staffMFA  string
	hashWork  string
}

// NewFlagSet registers the settings on a new flag set named name. Usage
// text goes to out.
func NewFlagSet(name string, getenv func(string) string, out io.Writer) *FlagSet {
	fs := &FlagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError)}
	fs.SetOutput(out)
	for _, s := range settings(&fs.cfg, &fs.demo, &fs.retention, &fs.staffMFA, &fs.hashWork) {
		def := s.def
		if v, ok := lookup(getenv, s.env); ok {
			def = v
		}
		fs.StringVar(s.target, s.flag, def, s.help+" ["+s.env+"]")
	}
	return fs
}

func lookup(getenv func(string) string, key string) (string, bool) {
	v := strings.TrimSpace(getenv(key))
	return v, v != ""
}

// Parse parses args and returns the validated configuration.
func (fs *FlagSet) Parse(args []string) (Config, error) {
	if err := fs.FlagSet.Parse(args); err != nil {
		return Config{}, err
	}
	c := fs.cfg
	demo, err := strconv.ParseBool(fs.demo)
	if err != nil {
		return c, fmt.Errorf("SERVICEPORTAL_DEMO/--demo: %q ist kein Wahrheitswert; erlaubt sind true oder false", fs.demo)
	}
	c.Demo = demo
	if c.RetentionDays, err = strconv.Atoi(fs.retention); err != nil || c.RetentionDays < 0 {
		return c, fmt.Errorf("SERVICEPORTAL_RETENTION_DAYS/--retention-days: %q ist keine Zahl von Tagen (0 oder mehr)", fs.retention)
	}
	c.HashWorkers = -1
	if fs.hashWork != "" {
		if c.HashWorkers, err = strconv.Atoi(fs.hashWork); err != nil || c.HashWorkers < 0 || c.HashWorkers > 64 {
			return c, fmt.Errorf("SERVICEPORTAL_HASH_WORKERS/--hash-workers: %q ist keine Anzahl von 0 bis 64 (leer: einer je Kern)", fs.hashWork)
		}
	}
	if c.StaffOIDCProviderMFA, err = strconv.ParseBool(fs.staffMFA); err != nil {
		return c, fmt.Errorf("SERVICEPORTAL_STAFF_OIDC_PROVIDER_MFA/--staff-oidc-provider-mfa: %q ist kein Wahrheitswert; erlaubt sind true oder false", fs.staffMFA)
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
		c.BaseURLDefaulted = true
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	return c, c.Validate()
}

// Validate checks every setting and reports all problems at once.
func (c Config) Validate() error {
	var errs []error
	if _, port, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("SERVICEPORTAL_ADDR/--addr: %q ist keine Adresse der Form host:port (z. B. 127.0.0.1:8080)", c.Addr))
	} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		errs = append(errs, fmt.Errorf("SERVICEPORTAL_ADDR/--addr: Port %q ist ungültig (0–65535)", port))
	}
	if c.DatabaseURL == "" && strings.TrimSpace(c.DataDir) == "" {
		errs = append(errs, errors.New("SERVICEPORTAL_DATA/--data: ein Datenordner ist nötig, wenn keine Datenbank-URL gesetzt ist"))
	}
	if c.DatabaseURL != "" {
		if err := checkDatabaseURL(c.DatabaseURL); err != nil {
			errs = append(errs, err)
		}
	}
	if c.DatabaseURL == "" && strings.TrimSpace(c.FilesDir) != "" {
		errs = append(errs, errors.New("SERVICEPORTAL_FILES/--files: gilt nur mit PostgreSQL (SERVICEPORTAL_DATABASE_URL); mit SQLite liegen die Anhänge im Datenordner"))
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		errs = append(errs, fmt.Errorf("SERVICEPORTAL_BASE_URL/--base-url: %q ist keine http(s)-Adresse wie https://serviceportal.emscher-lippe.de", c.BaseURL))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("SERVICEPORTAL_LOG_FORMAT/--log-format: %q ist unbekannt; erlaubt sind text oder json", c.LogFormat))
	}
	errs = append(errs, checkOIDC("SERVICEPORTAL_OIDC", "oidc", "die Anmeldung mit BundID", c.OIDCIssuer, c.OIDCClientID, c.OIDCClientSecret)...)
	errs = append(errs, checkOIDC("SERVICEPORTAL_STAFF_OIDC", "staff-oidc", "die Anmeldung der Mitarbeitenden über den OpenID-Provider", c.StaffOIDCIssuer, c.StaffOIDCClientID, c.StaffOIDCClientSecret)...)
	return errors.Join(errs...)
}

// OIDCConfigured reports whether the citizens' BundID login is set up.
func (c Config) OIDCConfigured() bool { return c.OIDCIssuer != "" }

// StaffOIDCConfigured reports whether staff may log in through the data
// centre's identity provider.
func (c Config) StaffOIDCConfigured() bool { return c.StaffOIDCIssuer != "" }

// checkOIDC wants all three settings of one provider or none, and the
// issuer on https: tokens and the client secret must not cross the
// network in the clear. Loopback http is allowed for a local test provider.
func checkOIDC(env, flag, purpose, issuer, clientID, secret string) []error {
	set := 0
	for _, v := range []string{issuer, clientID, secret} {
		if v != "" {
			set++
		}
	}
	if set == 0 {
		return nil
	}
	var errs []error
	if set < 3 {
		errs = append(errs, fmt.Errorf("%[1]s_ISSUER, %[1]s_CLIENT_ID, %[1]s_CLIENT_SECRET: für %[2]s sind alle drei Angaben nötig; lassen Sie alle drei leer, um sie abzuschalten", env, purpose))
	}
	if issuer != "" {
		u, err := url.Parse(issuer)
		loopback := err == nil && u.Scheme == "http" && (u.Hostname() == "127.0.0.1" || u.Hostname() == "localhost" || u.Hostname() == "::1")
		if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || (u.Scheme != "https" && !loopback) {
			errs = append(errs, fmt.Errorf("%s_ISSUER/--%s-issuer: %q ist keine https-Adresse wie https://id.example.de/realms/bund (http nur für 127.0.0.1 oder localhost)", env, flag, issuer))
		}
	}
	return errs
}

func checkDatabaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("SERVICEPORTAL_DATABASE_URL/--database-url: die URL ist fehlerhaft; erwartet wird postgres://benutzer@host:5432/datenbank")
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return fmt.Errorf("SERVICEPORTAL_DATABASE_URL/--database-url: Schema %q wird nicht unterstützt; erwartet wird postgres://… (für SQLite die Variable leer lassen)", u.Scheme)
	}
	if u.Host == "" && u.Query().Get("host") == "" {
		return errors.New("SERVICEPORTAL_DATABASE_URL/--database-url: kein Server angegeben; z. B. postgres://postgres@127.0.0.1:5432/serviceportal oder postgres:///serviceportal?host=/var/run/postgresql")
	}
	// The driver would refuse these only when connecting, and the portal
	// would call a mistyped URL "nicht erreichbar".
	for _, hostPort := range strings.Split(u.Host, ",") {
		if _, port, err := net.SplitHostPort(hostPort); err == nil && port != "" {
			if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
				return fmt.Errorf("SERVICEPORTAL_DATABASE_URL/--database-url: Port %q ist ungültig (1–65535)", port)
			}
		}
	}
	if mode := u.Query().Get("sslmode"); mode != "" && !sslModes[mode] {
		return fmt.Errorf("SERVICEPORTAL_DATABASE_URL/--database-url: sslmode %q ist unbekannt; erlaubt sind disable, allow, prefer, require, verify-ca, verify-full", mode)
	}
	return nil
}

var sslModes = map[string]bool{"disable": true, "allow": true, "prefer": true, "require": true, "verify-ca": true, "verify-full": true}

// UsesPostgres reports whether the configuration selects PostgreSQL.
func (c Config) UsesPostgres() bool { return c.DatabaseURL != "" }

// RedactedDatabaseURL is the database URL without its password, for logs.
func (c Config) RedactedDatabaseURL() string {
	u, err := url.Parse(c.DatabaseURL)
	if err != nil {
		return ""
	}
	return u.Redacted()
}
