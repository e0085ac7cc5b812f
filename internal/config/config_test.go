package config

import (
	"io"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	c, err := NewFlagSet("serve", env(nil), io.Discard).Parse(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "./data" || c.DatabaseURL != "" || !c.Demo || c.BaseURL != "http://127.0.0.1:8080" || c.UsesPostgres() || c.HashWorkers != -1 {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestEnvironmentAndFlags(t *testing.T) {
	t.Parallel()
	e := env(map[string]string{
		"SERVICEPORTAL_ADDR":         "0.0.0.0:9000",
		"SERVICEPORTAL_DATABASE_URL": "postgres://sp:geheim@db:5432/sp",
		"SERVICEPORTAL_BASE_URL":     "https://serviceportal.emscher-lippe.de/",
		"SERVICEPORTAL_DEMO":         "false",
		"SERVICEPORTAL_HASH_WORKERS": "1",
	})
	c, err := NewFlagSet("serve", e, io.Discard).Parse([]string{"--addr", "127.0.0.1:9001"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9001" {
		t.Errorf("flag did not win over environment: %s", c.Addr)
	}
	if !c.UsesPostgres() || c.Demo || c.BaseURL != "https://serviceportal.emscher-lippe.de" || c.HashWorkers != 1 {
		t.Errorf("environment not applied: %+v", c)
	}
	if got := c.RedactedDatabaseURL(); strings.Contains(got, "geheim") {
		t.Errorf("password in redacted URL: %s", got)
	}
}

func TestInvalidConfiguration(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		env  map[string]string
		want string
	}{
		"malformed address":  {map[string]string{"SERVICEPORTAL_ADDR": "8080"}, "host:port"},
		"port out of range":  {map[string]string{"SERVICEPORTAL_ADDR": "127.0.0.1:99999"}, "Port"},
		"mysql URL":          {map[string]string{"SERVICEPORTAL_DATABASE_URL": "mysql://root@localhost/sp"}, "nicht unterstützt"},
		"malformed URL":      {map[string]string{"SERVICEPORTAL_DATABASE_URL": "postgres://%zz"}, "fehlerhaft"},
		"URL without server": {map[string]string{"SERVICEPORTAL_DATABASE_URL": "postgres:///sp"}, "kein Server"},
		"URL port too large": {map[string]string{"SERVICEPORTAL_DATABASE_URL": "postgres://postgres@127.0.0.1:99999/sp"}, "Port \"99999\""},
		"second host's port": {map[string]string{"SERVICEPORTAL_DATABASE_URL": "postgres://db1:5432,db2:0/sp"}, "Port \"0\""},
		"unknown sslmode":    {map[string]string{"SERVICEPORTAL_DATABASE_URL": "postgres://postgres@127.0.0.1/sp?sslmode=off"}, "sslmode"},
		"base URL ftp":       {map[string]string{"SERVICEPORTAL_BASE_URL": "ftp://example.org"}, "BASE_URL"},
		"demo not bool":      {map[string]string{"SERVICEPORTAL_DEMO": "vielleicht"}, "Wahrheitswert"},
		"log format":         {map[string]string{"SERVICEPORTAL_LOG_FORMAT": "xml"}, "LOG_FORMAT"},
		"hash workers":       {map[string]string{"SERVICEPORTAL_HASH_WORKERS": "viele"}, "HASH_WORKERS"},
		"negative workers":   {map[string]string{"SERVICEPORTAL_HASH_WORKERS": "-1"}, "HASH_WORKERS"},
		"files with SQLite":  {map[string]string{"SERVICEPORTAL_FILES": "/srv/anhaenge"}, "gilt nur mit PostgreSQL"},
	}
	for name, tt := range tests {
		_, err := NewFlagSet("serve", env(tt.env), io.Discard).Parse(nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to mention %q", name, err, tt.want)
		}
	}
	// The Unix-socket form, several hosts and a port-less host are valid.
	for _, ok := range []string{"postgres:///sp?host=/var/run/postgresql", "postgres://db1:5432,db2:5433/sp?sslmode=verify-full", "postgresql://postgres@[::1]/sp"} {
		if _, err := NewFlagSet("serve", env(map[string]string{"SERVICEPORTAL_DATABASE_URL": ok}), io.Discard).Parse(nil); err != nil {
			t.Errorf("%s rejected: %v", ok, err)
		}
	}
}

func TestOIDCSettings(t *testing.T) {
	t.Parallel()
	all := func(issuer string) map[string]string {
		return map[string]string{"SERVICEPORTAL_OIDC_ISSUER": issuer, "SERVICEPORTAL_OIDC_CLIENT_ID": "serviceportal", "SERVICEPORTAL_OIDC_CLIENT_SECRET": "geheim"}
	}
	tests := map[string]struct {
		env  map[string]string
		args []string
		want string // empty: valid
	}{
		"none":                  {env: nil},
		"https":                 {env: all("https://id.example.de/realms/bund")},
		"loopback http":         {env: all("http://127.0.0.1:8081")},
		"localhost http":        {env: all("http://localhost:8081/realms/test")},
		"flags":                 {args: []string{"--oidc-issuer", "https://id.example.de", "--oidc-client-id", "sp", "--oidc-client-secret", "s"}},
		"plain http":            {env: all("http://id.example.de"), want: "OIDC_ISSUER"},
		"not a URL":             {env: all("id.example.de"), want: "https-Adresse"},
		"with query":            {env: all("https://id.example.de/?x=1"), want: "OIDC_ISSUER"},
		"issuer only":           {env: map[string]string{"SERVICEPORTAL_OIDC_ISSUER": "https://id.example.de"}, want: "alle drei"},
		"secret missing":        {env: map[string]string{"SERVICEPORTAL_OIDC_ISSUER": "https://id.example.de", "SERVICEPORTAL_OIDC_CLIENT_ID": "sp"}, want: "alle drei"},
		"client without issuer": {env: map[string]string{"SERVICEPORTAL_OIDC_CLIENT_ID": "sp", "SERVICEPORTAL_OIDC_CLIENT_SECRET": "s"}, want: "alle drei"},
		"staff https": {env: map[string]string{"SERVICEPORTAL_STAFF_OIDC_ISSUER": "https://sso.gkd-re.example/realms/staff",
			"SERVICEPORTAL_STAFF_OIDC_CLIENT_ID": "sp", "SERVICEPORTAL_STAFF_OIDC_CLIENT_SECRET": "s", "SERVICEPORTAL_STAFF_OIDC_PROVIDER_MFA": "true"}},
		"staff issuer only": {env: map[string]string{"SERVICEPORTAL_STAFF_OIDC_ISSUER": "https://sso.example"}, want: "SERVICEPORTAL_STAFF_OIDC_ISSUER, SERVICEPORTAL_STAFF_OIDC_CLIENT_ID"},
		"staff plain http": {env: map[string]string{"SERVICEPORTAL_STAFF_OIDC_ISSUER": "http://sso.example", "SERVICEPORTAL_STAFF_OIDC_CLIENT_ID": "sp",
			"SERVICEPORTAL_STAFF_OIDC_CLIENT_SECRET": "s"}, want: "--staff-oidc-issuer"},
		"staff mfa not a bool": {env: map[string]string{"SERVICEPORTAL_STAFF_OIDC_PROVIDER_MFA": "ja"}, want: "kein Wahrheitswert"},
	}
	for name, tt := range tests {
		_, err := NewFlagSet("serve", env(tt.env), io.Discard).Parse(tt.args)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: rejected: %v", name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: err = %v, want it to mention %q", name, err, tt.want)
		}
	}
	c, _ := NewFlagSet("serve", env(all("https://id.example.de")), io.Discard).Parse(nil)
	if !c.OIDCConfigured() || c.OIDCClientID != "serviceportal" || c.OIDCClientSecret != "geheim" {
		t.Errorf("settings not read: %+v", c)
	}
}
