package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/serviceportal/serviceportal/internal/app"
	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/config"
	"github.com/serviceportal/serviceportal/internal/form/fim"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

// runImportFIM converts an XDatenfelder file. Alone it prints the form
// JSON (to review or keep in the repository); with a tenant and a
// service it publishes the form as a new version of that tenant's
// template, exactly as the staff page would.
func runImportFIM(ctx context.Context, cfg config.Config, args []string, env Env) error {
	if len(args) != 1 && len(args) != 3 {
		return errors.New("import fim erwartet DATEI oder DATEI MANDANT LEISTUNG")
	}
	f, err := os.Open(args[0])
	if err != nil {
		return fmt.Errorf("die Datei %s lässt sich nicht öffnen: %w", args[0], err)
	}
	defer f.Close()
	res, err := fim.Import(f, fim.Options{})
	if err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(env.Stderr, "Hinweis: %s\n", w)
	}
	doc, err := json.MarshalIndent(res.Form, "", "  ")
	if err != nil {
		return err
	}
	if len(args) == 1 {
		fmt.Fprintf(env.Stdout, "%s\n", doc)
		return nil
	}
	db, _, err := app.OpenDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	dir := tenant.NewDirectory(db)
	t, err := dir.BySlug(ctx, args[1])
	if err != nil {
		return fmt.Errorf("den Mandanten %q gibt es nicht", args[1])
	}
	cat := catalog.New(db, dir)
	svc, err := cat.BySlug(ctx, args[2])
	if err != nil {
		return fmt.Errorf("die Leistung %q gibt es nicht im Leistungskatalog", args[2])
	}
	v, err := cat.Publish(ctx, catalog.PublishInput{OwnerTenantID: t.ID, ServiceID: svc.ID, FormJSON: string(doc),
		Notes: "FIM-Import (XDatenfelder " + res.Version + ")", Actor: "cli"})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s: %q mit %d Schritten als Fassung %d der Vorlage von %s für %s veröffentlicht.\n",
		args[0], res.Form.Title, len(res.Form.Steps), v.Version, t.Name, svc.Name)
	return nil
}
