package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/serviceportal/serviceportal/internal/app"
	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/config"
	"github.com/serviceportal/serviceportal/internal/seed"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

// runServe starts the portal. The master key and the address are checked
// before the database is opened, so a configuration that cannot serve
// never creates or migrates one.
func runServe(ctx context.Context, cfg config.Config, _ []string, env Env) error {
	log := app.NewLogger(cfg, env.Stderr)
	if err := app.CheckMasterKey(cfg); err != nil {
		return configError{err}
	}
	ln, err := app.Listen(cfg.Addr)
	if err != nil {
		return err
	}
	db, applied, err := app.OpenDatabase(ctx, cfg)
	if err != nil {
		ln.Close()
		return err
	}
	defer db.Close()
	if applied > 0 {
		log.Info("database migrated", "applied", applied, "version", store.LatestVersion())
	}
	if cfg.BaseURLDefaulted {
		// With port 0 the system picks the port; links must carry the real one.
		cfg.BaseURL = "http://" + ln.Addr().String()
	}
	return app.Serve(ctx, cfg, db, ln, version(), log, env.Stdout)
}

func runMigrate(ctx context.Context, cfg config.Config, _ []string, env Env) error {
	db, applied, err := app.OpenDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(env.Stdout, "Datenbank (%s) auf Schemastand %d; %d Migration(en) angewandt.\n", db.Dialect(), store.LatestVersion(), applied)
	return nil
}

func runSeed(ctx context.Context, cfg config.Config, _ []string, env Env) error {
	db, _, err := app.OpenDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := seed.All(ctx, db)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Region Emscher-Lippe: %d Gebietskörperschaft(en) und %d Rechenzentr(en) neu angelegt, %d waren schon vorhanden und bleiben unverändert.\n",
		res.Tenants.TenantsCreated, res.Tenants.OperatorsCreated, res.Tenants.TenantsExisting)
	fmt.Fprintf(env.Stdout, "LeiKa-Katalog: %d Leistungen, %d OZG-Leistungen, %d Lebenslagen, %d Themenfelder.\n",
		res.LeiKa.Leistungen, res.LeiKa.OZGLeistungen, res.LeiKa.Lebenslagen, res.LeiKa.Themenfelder)
	fmt.Fprintf(env.Stdout, "Leistungskatalog: %d Leistung(en) neu angelegt, %d waren schon vorhanden; %d Zuständigkeit(en) neu.\n",
		res.Services.Created, res.Services.Existing, res.Services.Responsibilities)
	return nil
}

func runImport(ctx context.Context, cfg config.Config, args []string, env Env) error {
	switch {
	case args[0] == "fim":
		return runImportFIM(ctx, cfg, args[1:], env)
	case args[0] != "leika":
		return fmt.Errorf("unbekannte Importart %q; möglich sind: leika, fim", args[0])
	case len(args) != 2:
		return errors.New("import leika erwartet genau einen Ordner")
	}
	if st, err := os.Stat(args[1]); err != nil || !st.IsDir() {
		return fmt.Errorf("%s ist kein Ordner mit den LeiKa-CSV-Dateien", args[1])
	}
	db, _, err := app.OpenDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := catalog.New(db, tenant.NewDirectory(db)).ImportLeiKa(ctx, os.DirFS(args[1]))
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "LeiKa importiert: %d Leistungen, %d OZG-Leistungen, %d Lebenslagen, %d Themenfelder.\n",
		res.Leistungen, res.OZGLeistungen, res.Lebenslagen, res.Themenfelder)
	return nil
}

func runBackup(ctx context.Context, cfg config.Config, args []string, env Env) error {
	if cfg.UsesPostgres() {
		msg := "PostgreSQL sichern Sie mit pg_dump, z. B. pg_dump --format=custom --file=serviceportal.dump \"$SERVICEPORTAL_DATABASE_URL\""
		if cfg.FilesDir != "" {
			// Content is durable before its row commits and never changes,
			// so a copy taken after the dump has every file the dump names.
			msg += ", und kopieren Sie danach den Ordner der Dateianhänge " + cfg.FilesDir + " (z. B. mit rsync)"
		}
		return errors.New(msg + " (siehe README)")
	}
	if strings.EqualFold(filepath.Ext(args[0]), ".db") {
		// Backups were once a single file; a script from then would get a
		// folder with a file's name, which a restore by copying misreads.
		return fmt.Errorf("eine Sicherung ist ein Ordner (Datenbank und Dateianhänge), keine einzelne Datei: geben Sie einen Ordnernamen ohne .db an, z. B. %s",
			strings.TrimSuffix(args[0], filepath.Ext(args[0])))
	}
	db, _, err := app.OpenDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := os.Stat(args[0]); err == nil {
		return fmt.Errorf("das Ziel %s gibt es schon; eine Sicherung überschreibt nichts", args[0])
	}
	files, err := db.Backup(ctx, args[0])
	if err != nil {
		return err
	}
	copyDB, err := store.OpenFile(ctx, filepath.Join(args[0], store.SQLiteFile))
	if err != nil {
		return fmt.Errorf("die Sicherung %s lässt sich nicht öffnen: %w", args[0], err)
	}
	defer copyDB.Close()
	if err := copyDB.IntegrityCheck(ctx); err != nil {
		return fmt.Errorf("die Sicherung %s ist fehlerhaft: %w", args[0], err)
	}
	fmt.Fprintf(env.Stdout, "Sicherung geschrieben und geprüft: %s (Datenbank und %d Dateien)\n", args[0], files)
	return nil
}
