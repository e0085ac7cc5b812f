package cli

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

// run executes the command line with the given environment.
func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(context.Background(), args, Env{Getenv: func(k string) string { return env[k] }, Stdout: &out, Stderr: &errOut})
	return code, out.String(), errOut.String()
}

func TestCommandLine(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	notADir := filepath.Join(t.TempDir(), "file")
	busyDir := t.TempDir()
	os.WriteFile(notADir, []byte("x"), 0o600)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()

	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"help", nil, []string{"--help"}, ExitOK, "Unterbefehle:", ""},
		{"help word", nil, []string{"help"}, ExitOK, "backup", ""},
		{"subcommand help", nil, []string{"backup", "--help"}, ExitOK, "ZIELORDNER", ""},
		{"version", nil, []string{"version"}, ExitOK, "serviceportal ", ""},
		{"version help", nil, []string{"version", "--help"}, ExitOK, "version – zeigt die Version", ""},
		{"version with argument", nil, []string{"version", "--addr", "x"}, ExitConfig, "", "erwartet keine Argumente"},
		{"unknown subcommand", nil, []string{"frobnicate"}, ExitConfig, "", "unbekannter Unterbefehl"},
		{"unknown flag", nil, []string{"migrate", "--nope"}, ExitConfig, "", "unbekannte Option -nope"},
		{"flag without value", nil, []string{"migrate", "--data"}, ExitConfig, "", "die Option -data braucht einen Wert"},
		{"unknown flag of user add", nil, []string{"user", "add", "--nope"}, ExitConfig, "", "unbekannte Option -nope"},
		{"bad value of user add", nil, []string{"user", "add", "--password-stdin=vielleicht"}, ExitConfig, "", `der Wert "vielleicht" passt nicht zur Option -password-stdin`},
		{"help of user add", nil, []string{"user", "add", "--help"}, ExitOK, "serviceportal user add --name", ""},
		{"malformed database URL", map[string]string{"SERVICEPORTAL_DATABASE_URL": "mysql://x"}, []string{"migrate"}, ExitConfig, "", "nicht unterstützt"},
		{"malformed address", map[string]string{"SERVICEPORTAL_ADDR": "localhost"}, nil, ExitConfig, "", "host:port"},
		{"unreachable database", map[string]string{"SERVICEPORTAL_DATABASE_URL": "postgres://postgres@127.0.0.1:1/sp?connect_timeout=2"}, []string{"migrate"}, ExitError, "", "nicht erreichbar"},
		{"unwritable data folder", map[string]string{"SERVICEPORTAL_DATA": notADir}, []string{"migrate"}, ExitError, "", "lässt sich nicht öffnen"},
		{"port in use", map[string]string{"SERVICEPORTAL_DATA": busyDir, "SERVICEPORTAL_ADDR": busy.Addr().String()}, []string{"serve"}, ExitError, "", "schon belegt"},
		{"malformed master key", map[string]string{"SERVICEPORTAL_DATA": t.TempDir(), "SERVICEPORTAL_MASTER_KEY": "geheim"}, []string{"serve"}, ExitConfig, "", "SERVICEPORTAL_MASTER_KEY muss"},
		{"PostgreSQL without master key", map[string]string{"SERVICEPORTAL_DATABASE_URL": "postgres://postgres@127.0.0.1:1/sp", "SERVICEPORTAL_DEMO": "false"}, []string{"serve"}, ExitConfig, "", "SERVICEPORTAL_MASTER_KEY gesetzt"},
		{"user add with a malformed master key", map[string]string{"SERVICEPORTAL_DATA": t.TempDir(), "SERVICEPORTAL_MASTER_KEY": "geheim"}, []string{"user", "add", "--name", "A", "--email", "a@example.org", "--role", "region_admin"}, ExitConfig, "", "SERVICEPORTAL_MASTER_KEY muss"},
		{"backup needs a target", map[string]string{"SERVICEPORTAL_DATA": dataDir}, []string{"backup"}, ExitConfig, "", "erwartet 1 Argument"},
		{"backup to a file name", map[string]string{"SERVICEPORTAL_DATA": dataDir}, []string{"backup", "sicherung.DB"}, ExitError, "", "Ordnernamen ohne .db an, z. B. sicherung"},
		{"backup of PostgreSQL", map[string]string{"SERVICEPORTAL_DATABASE_URL": "postgres://postgres@127.0.0.1/sp"}, []string{"backup", "x.db"}, ExitError, "", "pg_dump"},
		{"backup of PostgreSQL with a files folder", map[string]string{"SERVICEPORTAL_DATABASE_URL": "postgres://postgres@127.0.0.1/sp", "SERVICEPORTAL_FILES": "/srv/anhaenge"}, []string{"backup", "x.db"}, ExitError, "", "Ordner der Dateianhänge /srv/anhaenge"},
		{"migrate", map[string]string{"SERVICEPORTAL_DATA": dataDir}, []string{"migrate"}, ExitOK, "Schemastand", ""},
		{"move-files on PostgreSQL without a folder", map[string]string{"SERVICEPORTAL_DATABASE_URL": "postgres://postgres@127.0.0.1:1/sp"}, []string{"move-files"}, ExitError, "", "setzen Sie SERVICEPORTAL_FILES"},
		{"move-files on SQLite with nothing to move", map[string]string{"SERVICEPORTAL_DATA": dataDir}, []string{"move-files"}, ExitOK, "Verschoben: 0 Dateianhänge", ""},
	}
	for _, tt := range tests {
		code, out, errOut := run(t, tt.env, tt.args...)
		if code != tt.wantCode || !strings.Contains(out, tt.wantOut) || !strings.Contains(errOut, tt.wantErr) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d, stdout with %q, stderr with %q",
				tt.name, code, out, errOut, tt.wantCode, tt.wantOut, tt.wantErr)
		}
		if strings.Contains(errOut, "goroutine ") || strings.Contains(errOut, "panic") {
			t.Errorf("%s: stack trace on stderr:\n%s", tt.name, errOut)
		}
		// The flag package's English wording and option dump stay out.
		if strings.Contains(errOut, "flag provided") || strings.Contains(errOut, "Usage of") || strings.Contains(errOut, "-staff-oidc-issuer") {
			t.Errorf("%s: English flag output on stderr:\n%s", tt.name, errOut)
		}
	}
	// A port in use is found before the database is created or migrated.
	if entries, err := os.ReadDir(busyDir); err != nil || len(entries) > 0 {
		t.Errorf("serve on a busy port left %v in the data folder (%v)", entries, err)
	}
}

func TestSeedAndBackup(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"SERVICEPORTAL_DATA": t.TempDir()}
			if d.String() == "postgres" {
				env["SERVICEPORTAL_DATABASE_URL"] = storetest.Schema(t)
			}
			code, out, errOut := run(t, env, "seed")
			if code != ExitOK || !strings.Contains(out, "14 Gebietskörperschaft(en)") {
				t.Fatalf("first seed: %d %q %q", code, out, errOut)
			}
			code, out, _ = run(t, env, "seed")
			if code != ExitOK || !strings.Contains(out, "0 Gebietskörperschaft(en)") || !strings.Contains(out, "14 waren schon vorhanden") {
				t.Fatalf("second seed changed something: %q", out)
			}
			if d.String() != "sqlite" {
				return
			}
			target := filepath.Join(t.TempDir(), "sicherung")
			if code, out, errOut := run(t, env, "backup", target); code != ExitOK || !strings.Contains(out, "geprüft") || !strings.Contains(out, "0 Dateien") {
				t.Fatalf("backup: %d %q %q", code, out, errOut)
			}
			// The backup folder is laid out like a data folder.
			if _, err := os.Stat(filepath.Join(target, "serviceportal.db")); err != nil {
				t.Fatalf("backup folder: %v", err)
			}
			if code, _, errOut := run(t, env, "backup", target); code != ExitError || !strings.Contains(errOut, "gibt es schon") {
				t.Fatalf("backup overwrote: %d %q", code, errOut)
			}
		})
	}
}

func TestUserAdd(t *testing.T) {
	t.Parallel()
	env := map[string]string{"SERVICEPORTAL_DATA": t.TempDir()}
	if code, _, errOut := run(t, env, "seed"); code != ExitOK {
		t.Fatalf("seed: %s", errOut)
	}
	tests := []struct {
		args     []string
		wantCode int
		want     string
	}{
		{[]string{"user", "add", "--name", "Anna Admin", "--email", "anna@dorsten.example", "--role", "tenant_admin", "--tenant", "dorsten"}, ExitOK, "passwort-neu?token="},
		{[]string{"user", "add", "--name", "Olaf", "--email", "olaf@gkd.example", "--role", "operator_admin", "--operator", "gkd-re"}, ExitOK, "Zugang angelegt"},
		{[]string{"user", "add", "--name", "X", "--email", "x@example.org", "--role", "tenant_admin", "--tenant", "bochum"}, ExitError, "gibt es nicht"},
		{[]string{"user", "add", "--name", "X", "--email", "x@example.org", "--role", "tenant_admin"}, ExitError, "passen nicht zusammen"},
		{[]string{"user", "add", "--email", "x@example.org"}, ExitError, "nötig"},
		{[]string{"user", "delete"}, ExitError, "unbekannter Aufruf"},
	}
	for _, tt := range tests {
		code, out, errOut := run(t, env, tt.args...)
		if code != tt.wantCode || !strings.Contains(out+errOut, tt.want) {
			t.Errorf("%v: exit %d, %q %q; want %d with %q", tt.args, code, out, errOut, tt.wantCode, tt.want)
		}
	}
}
