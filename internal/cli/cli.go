// Package cli is the serviceportal command: it parses the subcommand and
// its flags, runs it, and turns every failure into one German sentence and
// a non-zero exit code instead of a stack trace.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/serviceportal/serviceportal/internal/config"
	"github.com/serviceportal/serviceportal/internal/identity"
)

// Version is set at build time with -ldflags "-X …/internal/cli.Version=v1.2.3".
var Version = ""

// Exit codes.
const (
	ExitOK     = 0
	ExitError  = 1 // the command failed
	ExitConfig = 2 // the configuration or command line is wrong
)

// Env gives the command its environment; os.Getenv in production.
type Env struct {
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

type command struct {
	name, summary, usage string
	run                  func(ctx context.Context, cfg config.Config, args []string, env Env) error
	// needsArgs is the number of positional arguments the command takes;
	// optionalArgs more may follow.
	needsArgs, optionalArgs int
}

func commands() []command {
	return []command{
		{"serve", "startet das Portal (Standard ohne Unterbefehl)", "serviceportal serve [Optionen]", runServe, 0, 0},
		{"migrate", "bringt das Datenbankschema auf den neuesten Stand", "serviceportal migrate [Optionen]", runMigrate, 0, 0},
		{"seed", "legt die Region Emscher-Lippe an, soweit sie fehlt (ändert Vorhandenes nicht)", "serviceportal seed [Optionen]", runSeed, 0, 0},
		{"user", "verwaltet Zugänge: user add legt Mitarbeitende mit Rolle an", "serviceportal user add --name NAME --email ADRESSE --role ROLLE [--tenant KÜRZEL|--operator KÜRZEL] [--password-stdin]", nil, -1, 0},
		{"import", "importiert Kataloge und Formulare: import leika ORDNER lädt die LeiKa-/OZG-CSV-Dateien (wiederholbar); import fim DATEI liest ein XDatenfelder-Stammdatenschema (2.0/3.0) und gibt das Formular als JSON aus, mit MANDANT LEISTUNG wird es als neue Fassung der Vorlage dieses Mandanten veröffentlicht",
			"serviceportal import leika ORDNER | serviceportal import fim DATEI [MANDANT LEISTUNG]", runImport, 2, 2},
		{"backup", "schreibt eine konsistente Kopie der SQLite-Datenbank und ihrer Dateien in einen neuen Ordner, während das Portal läuft", "serviceportal backup [Optionen] ZIELORDNER", runBackup, 1, 0},
		{"move-files", "verschiebt Dateianhänge, die noch in der Datenbank liegen, in den Ordner für Dateianhänge (nach SERVICEPORTAL_FILES mit PostgreSQL; im laufenden Betrieb, wiederholbar)", "serviceportal move-files [Optionen]", runMoveFiles, 0, 0},
		{"version", "zeigt die Version", "serviceportal version", nil, 0, 0},
	}
}

// Run executes the command line args (without the program name) and
// returns the exit code.
func Run(ctx context.Context, args []string, env Env) int {
	if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		printHelp(env.Stdout)
		return ExitOK
	}
	name := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	var cmd *command
	for _, c := range commands() {
		if c.name == name {
			cmd = &c
			break
		}
	}
	if cmd == nil {
		fmt.Fprintf(env.Stderr, "Fehler: unbekannter Unterbefehl %q.\n\n", name)
		printHelp(env.Stderr)
		return ExitConfig
	}
	if cmd.name == "user" {
		return runUserCommand(ctx, args, env)
	}
	if cmd.name == "version" {
		switch {
		case len(args) == 0:
			fmt.Fprintln(env.Stdout, "serviceportal", version())
			return ExitOK
		case len(args) == 1 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help"):
			fmt.Fprintf(env.Stdout, "%s\n\n%s – %s\n", cmd.usage, cmd.name, cmd.summary)
			return ExitOK
		}
		fmt.Fprintf(env.Stderr, "Fehler: version erwartet keine Argumente oder Optionen, erhalten %q.\nAufruf: %s\n", strings.Join(args, " "), cmd.usage)
		return ExitConfig
	}
	fs := config.NewFlagSet(cmd.name, env.Getenv, env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "%s\n\n%s – %s\n\nOptionen (Umgebungsvariable in Klammern):\n", cmd.usage, cmd.name, cmd.summary)
		fs.PrintDefaults()
	}
	// The flag package would print its English error and every option;
	// the German error below names the one that is wrong instead.
	fs.SetOutput(io.Discard)
	cfg, err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(env.Stdout)
		fs.Usage()
		return ExitOK
	}
	if err != nil {
		code := reportError(env, flagError(err))
		fmt.Fprintf(env.Stderr, "Hilfe: serviceportal %s --help\n", cmd.name)
		return code
	}
	if n := fs.NArg(); n < cmd.needsArgs || n > cmd.needsArgs+cmd.optionalArgs {
		fmt.Fprintf(env.Stderr, "Fehler: %s erwartet %d Argument(e), erhalten %d.\nAufruf: %s\n", cmd.name, cmd.needsArgs, fs.NArg(), cmd.usage)
		return ExitConfig
	}
	identity.SetHashWorkers(cfg.HashWorkers)
	if err := cmd.run(ctx, cfg, fs.Args(), env); err != nil {
		return reportError(env, err)
	}
	return ExitOK
}

// configError is a configuration mistake a command finds only once it needs
// the setting; it ends like one found while parsing, with ExitConfig.
type configError struct{ err error }

func (e configError) Error() string { return e.err.Error() }
func (e configError) Unwrap() error { return e.err }

// reportError prints a command's error as one German sentence and returns
// its exit code.
func reportError(env Env, err error) int {
	if ce := (configError{}); errors.As(err, &ce) {
		fmt.Fprintf(env.Stderr, "Fehler in der Konfiguration:\n%s\n", indent(ce.Error()))
		return ExitConfig
	}
	fmt.Fprintf(env.Stderr, "Fehler: %s\n", err)
	return ExitError
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "Serviceportal – Verwaltungsleistungen online für Region, Kreis und Stadt.")
	fmt.Fprintln(w, "\nAufruf: serviceportal [Unterbefehl] [Optionen]\n\nUnterbefehle:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nHilfe zu einem Unterbefehl: serviceportal UNTERBEFEHL --help")
}

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return "dev"
}

// runUserCommand parses the common settings after the user subcommand's
// own arguments: `user add --name … --data ./data`.
func runUserCommand(ctx context.Context, args []string, env Env) int {
	usage := func() int {
		fmt.Fprintln(env.Stdout, "serviceportal user add --name NAME --email ADRESSE --role ROLLE [--tenant KÜRZEL|--operator KÜRZEL] [--services a,b] [--password-stdin]")
		fmt.Fprintln(env.Stdout, "Die Einstellungen (Datenbank, Datenordner) kommen aus den SERVICEPORTAL_*-Variablen.")
		return ExitOK
	}
	if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
		return usage()
	}
	cfg, err := config.NewFlagSet("user", env.Getenv, env.Stderr).Parse(nil)
	if err != nil {
		fmt.Fprintf(env.Stderr, "Fehler in der Konfiguration:\n%s\n", indent(err.Error()))
		return ExitConfig
	}
	identity.SetHashWorkers(cfg.HashWorkers)
	stdin := env.Stdin
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	if err := runUser(ctx, cfg, args, env, stdin); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return usage()
		}
		return reportError(env, err)
	}
	return ExitOK
}
