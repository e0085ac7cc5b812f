// Package app wires the portal together: it opens and migrates the
// database, seeds the demo region, builds the HTTP server and runs it until
// a signal asks it to stop, finishing requests already in flight.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"syscall"
	"time"

	"github.com/serviceportal/serviceportal/internal/audit"
	"github.com/serviceportal/serviceportal/internal/config"
	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/jobs"
	"github.com/serviceportal/serviceportal/internal/mail"
	"github.com/serviceportal/serviceportal/internal/seed"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/web"
)

// ShutdownGrace bounds how long in-flight requests may take to finish.
const ShutdownGrace = 30 * time.Second

// auditSealEvery is how long a recorded audit event waits at most, roughly,
// before the sealer gives it its place in the tenant's hash chain. A
// variable, so a test can keep the running sealer out of its way.
var auditSealEvery = 250 * time.Millisecond

// NewLogger returns the process logger in the configured format.
func NewLogger(cfg config.Config, w io.Writer) *slog.Logger {
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// OpenDatabase opens the configured database and applies pending
// migrations. Errors are worded for the operator who has to fix them.
func OpenDatabase(ctx context.Context, cfg config.Config) (*store.DB, int, error) {
	openCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	db, err := store.Open(openCtx, store.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, FilesDir: cfg.FilesDir})
	if err != nil {
		if cfg.UsesPostgres() {
			if errors.Is(err, store.ErrFilesDir) {
				return nil, 0, fmt.Errorf("der Ordner für Dateianhänge (SERVICEPORTAL_FILES) %s ist nicht beschreibbar: %w", cfg.FilesDir, err)
			}
			return nil, 0, fmt.Errorf("PostgreSQL unter %s ist nicht erreichbar: %w", cfg.RedactedDatabaseURL(), err)
		}
		return nil, 0, fmt.Errorf("SQLite-Datenbank im Datenordner %s lässt sich nicht öffnen: %w", cfg.DataDir, err)
	}
	applied, err := db.Migrate(ctx)
	if err == nil {
		err = jobs.Migrate(ctx, db)
	}
	if err != nil {
		db.Close()
		return nil, 0, fmt.Errorf("Datenbankschema lässt sich nicht aktualisieren: %w", err)
	}
	return db, applied, nil
}

// Listen opens the configured address, explaining the usual failure.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("die Adresse %s ist schon belegt; beenden Sie das andere Programm oder wählen Sie mit SERVICEPORTAL_ADDR einen anderen Port", addr)
	}
	if err != nil {
		return nil, fmt.Errorf("auf %s lässt sich nicht lauschen: %w", addr, err)
	}
	return ln, nil
}

// Serve runs the portal on ln until ctx ends, then shuts down gracefully.
// Start-up facts for the person at the terminal go to out.
func Serve(ctx context.Context, cfg config.Config, db *store.DB, ln net.Listener, version string, log *slog.Logger, out io.Writer) error {
	master, err := MasterKey(cfg)
	if err != nil {
		return err
	}
	if cfg.Demo {
		res, err := seed.All(ctx, db)
		if err != nil {
			return fmt.Errorf("Demo-Daten lassen sich nicht anlegen: %w", err)
		}
		if res.Tenants.TenantsCreated > 0 {
			log.Info("demo region seeded", "tenants", res.Tenants.TenantsCreated, "operators", res.Tenants.OperatorsCreated,
				"services", res.Services.Created)
		}
	}
	mailCfg, err := mail.FromEnv(os.Getenv)
	if err != nil {
		return err
	}
	uc, err := web.NewUseCasesWith(ctx, db, master, web.UseCaseOptions{Mail: mailCfg})
	if err != nil {
		return err
	}
	if err := virusScan(ctx, cfg, uc, log); err != nil {
		return err
	}
	if err := fitConnect(cfg, uc); err != nil {
		return err
	}
	var demo []identity.DemoAccount
	if cfg.Demo {
		if demo, err = uc.Identity.SeedDemo(ctx); err != nil {
			return fmt.Errorf("Demo-Zugänge lassen sich nicht anlegen: %w", err)
		}
		// The demo's maturity dashboard shows a first point of progress at
		// once, not only when the daily job has run.
		if _, err := uc.SnapshotMaturity(ctx, time.Now()); err != nil {
			return fmt.Errorf("Reifegrad-Stand lässt sich nicht festhalten: %w", err)
		}
	}
	sender, err := mail.NewSender(mailCfg)
	if err != nil {
		return err
	}
	dispatcher := mail.NewDispatcher(uc.Outbox, sender, mail.DispatcherOptions{Logger: log})
	go dispatcher.Run(ctx, 2*time.Second)
	// Audit events are chained a moment after their action commits; those
	// of the last moments before a shutdown are chained on the way out
	// (after the job queue has stopped, before the database closes), not
	// only at the next start.
	go uc.Audit.Run(ctx, auditSealEvery, log)
	defer sealOnShutdown(uc.Audit, log)
	workers, periodic := maintenanceJobs(uc, log, time.Duration(cfg.RetentionDays)*24*time.Hour)
	uc.Delivery.AddWorkers(workers)
	uc.Backend.AddWorkers(workers)
	queue, err := jobs.New(db, jobs.Options{Workers: workers, Periodic: periodic, Logger: log})
	if err != nil {
		return err
	}
	uc.ConnectQueue(queue)
	if err := queue.Start(ctx); err != nil {
		return fmt.Errorf("Hintergrundaufgaben lassen sich nicht starten: %w", err)
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		queue.Stop(stopCtx)
	}()
	citizenLogin, err := citizenOIDC(ctx, cfg, master)
	if err != nil {
		return err
	}
	staffLogin, err := staffOIDC(ctx, cfg, master)
	if err != nil {
		return err
	}
	handler, err := web.New(web.Options{DB: db, BaseURL: cfg.BaseURL, Logger: log, Version: version, UseCases: uc,
		OIDC: citizenLogin, StaffOIDC: staffLogin})
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // uploads on slow mobile connections
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	printBanner(out, cfg, db, ln.Addr().String(), demo, mailCfg.Keep())
	if citizenLogin != nil {
		fmt.Fprintf(out, "  BundID/OIDC:        an (%s); Rücksprungadresse beim Provider: %s%s\n\n", cfg.OIDCIssuer, cfg.BaseURL, OIDCCallbackPath)
	}
	if cfg.Clamd != "" {
		fmt.Fprintf(out, "  Virenprüfung:       ClamAV unter %s; Dateien ohne Prüfergebnis werden abgelehnt\n\n", cfg.Clamd)
	}
	if cfg.FitConnectTrustAnchors != "" {
		fmt.Fprintf(out, "  FIT-Connect:        an (Vertrauensanker aus %s); Zugangsdaten je Behörde unter /verwaltung/zustellungen\n\n", cfg.FitConnectTrustAnchors)
	}
	if staffLogin != nil {
		fmt.Fprintf(out, "  Mitarbeitende/OIDC: an (%s); Rücksprungadresse beim Provider: %s%s\n\n", cfg.StaffOIDCIssuer, cfg.BaseURL, StaffOIDCCallbackPath)
	}
	return serveUntilDone(ctx, srv, ln, handler.SetDraining, ShutdownGrace, log)
}

// sealOnShutdown chains the audit events still pending.
func sealOnShutdown(l *audit.Log, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := l.SealAll(ctx); err != nil {
		log.Warn("audit: sealing at shutdown failed; the events stay pending until the next start", "err", err)
	}
}

// serveUntilDone serves on ln until ctx ends, then stops accepting,
// marks the instance as draining and waits up to grace for requests in
// flight to finish.
func serveUntilDone(ctx context.Context, srv *http.Server, ln net.Listener, drain func(), grace time.Duration, log *slog.Logger) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", grace)
	drain()
	shutCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("Herunterfahren: %w", err)
	}
	log.Info("stopped")
	return nil
}

func printBanner(out io.Writer, cfg config.Config, db *store.DB, addr string, demo []identity.DemoAccount, keepMail bool) {
	base := cfg.BaseURL
	fmt.Fprintf(out, "\nServiceportal läuft: %s/\n", base)
	fmt.Fprintf(out, "  Lauscht auf:        %s\n", addr)
	if db.Dialect() == store.SQLite {
		fmt.Fprintf(out, "  Datenbank:          SQLite, %s\n", db.Path())
	} else {
		fmt.Fprintf(out, "  Datenbank:          PostgreSQL, %s\n", cfg.RedactedDatabaseURL())
		if db.FilesDir() != "" {
			fmt.Fprintf(out, "  Dateianhänge:       im Ordner %s (alle Instanzen müssen ihn teilen)\n", db.FilesDir())
		}
	}
	fmt.Fprintf(out, "  Beispiel Stadt:     %s/dorsten/\n", base)
	fmt.Fprintf(out, "  API:                %s/api/v1/tenants\n", base)
	if cfg.Demo {
		fmt.Fprintln(out, "  Demo-Modus:         an (nicht für den Produktivbetrieb; SERVICEPORTAL_DEMO=false schaltet ihn ab)")
		if len(demo) > 0 {
			fmt.Fprintf(out, "  Demo-Zugänge (Passwort für alle: %s):\n", demo[0].Password)
			for _, a := range demo {
				login := base + "/konto/anmelden"
				if a.TOTPSecret != "" {
					login = base + "/verwaltung/anmelden"
				}
				fmt.Fprintf(out, "    %-34s %-44s %s\n", a.Role, a.Email, login)
			}
			for _, a := range demo {
				if a.TOTPSecret != "" {
					fmt.Fprintf(out, "  TOTP-Schlüssel der Mitarbeitenden (in eine Authenticator-App eintragen): %s\n", a.TOTPSecret)
					break
				}
			}
		}
	}
	if keepMail {
		fmt.Fprintln(out, "  E-Mail:             kein SMTP eingerichtet; E-Mails erscheinen unter /verwaltung/e-mails")
	}
	fmt.Fprintln(out, "Beenden mit Strg+C.")
	fmt.Fprintln(out)
}
