package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/serviceportal/serviceportal/internal/app"
	"github.com/serviceportal/serviceportal/internal/config"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// runMoveFiles moves attachment content that is still in the database into
// the files folder: after SERVICEPORTAL_FILES was set on PostgreSQL, or on
// SQLite from releases before files.
func runMoveFiles(ctx context.Context, cfg config.Config, _ []string, env Env) error {
	if cfg.UsesPostgres() && cfg.FilesDir == "" {
		return errors.New("kein Ordner für Dateianhänge: setzen Sie SERVICEPORTAL_FILES (oder --files) auf den Ordner, den alle Instanzen sehen")
	}
	db, _, err := app.OpenDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	moved, err := submission.MoveToFilesFolder(ctx, db)
	if err != nil {
		return fmt.Errorf("nach %d Dateien abgebrochen (ein neuer Aufruf macht weiter): %w", moved.Files, err)
	}
	noun := "Dateianhänge"
	if moved.Files == 1 {
		noun = "Dateianhang"
	}
	fmt.Fprintf(env.Stdout, "Verschoben: %d %s (%.1f MB) aus der Datenbank in den Ordner %s.\n",
		moved.Files, noun, float64(moved.Bytes)/(1<<20), db.FilesDir())
	if cfg.UsesPostgres() && moved.Files > 0 {
		fmt.Fprintln(env.Stdout, "PostgreSQL verwendet den frei gewordenen Platz wieder; an das Dateisystem gibt ihn erst VACUUM FULL attachment_chunks zurück (sperrt die Tabelle).")
	}
	return nil
}
