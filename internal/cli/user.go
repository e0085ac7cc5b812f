package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/serviceportal/serviceportal/internal/app"
	"github.com/serviceportal/serviceportal/internal/config"
	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

// userFlags are the options of `serviceportal user add`.
type userFlags struct {
	name, email, role, tenant, operator, services string
	passwordStdin                                 bool
}

// runUser is `serviceportal user add …`: the installation's operator
// creates staff accounts from the command line, e.g. the first region
// administrator.
func runUser(ctx context.Context, cfg config.Config, args []string, env Env, stdin io.Reader) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("unbekannter Aufruf; möglich ist: serviceportal user add --name … --email … --role … [--tenant …|--operator …]")
	}
	var uf userFlags
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&uf.name, "name", "", "Name der Person")
	fs.StringVar(&uf.email, "email", "", "dienstliche E-Mail-Adresse")
	fs.StringVar(&uf.role, "role", "", "region_admin, operator_admin, tenant_admin, coordinator oder caseworker")
	fs.StringVar(&uf.tenant, "tenant", "", "Kürzel der Behörde (für tenant_admin, coordinator, caseworker), z. B. dorsten")
	fs.StringVar(&uf.operator, "operator", "", "Kürzel des Rechenzentrums (für operator_admin), z. B. gkd-re")
	fs.StringVar(&uf.services, "services", "", "nur diese Leistungen (Kürzel, durch Komma getrennt; nur caseworker)")
	fs.BoolVar(&uf.passwordStdin, "password-stdin", false, "Passwort von der Standardeingabe lesen statt einen Einrichtungslink auszugeben")
	if err := fs.Parse(args[1:]); err != nil {
		return flagError(err)
	}
	if uf.name == "" || uf.email == "" || uf.role == "" {
		return errors.New("--name, --email und --role sind nötig")
	}
	if err := app.CheckMasterKey(cfg); err != nil {
		return configError{err}
	}
	db, _, err := app.OpenDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	master, err := app.MasterKey(cfg)
	if err != nil {
		return err
	}
	ident, err := identity.New(db, identity.Config{Key: master, Issuer: "Serviceportal Emscher-Lippe"})
	if err != nil {
		return err
	}
	grant := identity.RoleGrant{Role: identity.Role(uf.role)}
	if uf.tenant != "" {
		t, err := tenant.NewDirectory(db).BySlug(ctx, uf.tenant)
		if err != nil {
			return fmt.Errorf("Behörde %q gibt es nicht (serviceportal seed legt die Region an)", uf.tenant)
		}
		grant.TenantID = t.ID
	}
	if uf.operator != "" {
		ops, err := tenant.NewDirectory(db).Operators(ctx)
		if err != nil {
			return err
		}
		for _, o := range ops {
			if o.Slug == uf.operator {
				grant.OperatorID = o.ID
			}
		}
		if grant.OperatorID == "" {
			return fmt.Errorf("Rechenzentrum %q gibt es nicht", uf.operator)
		}
	}
	if uf.services != "" {
		grant.Services = strings.Split(uf.services, ",")
	}
	if err := grant.Validate(); err != nil {
		return fmt.Errorf("Rolle und Zuständigkeit passen nicht zusammen: %w", err)
	}
	n := identity.NewStaff{Name: uf.name, Email: uf.email, Grant: grant}
	if uf.passwordStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && line == "" {
			return errors.New("kein Passwort auf der Standardeingabe")
		}
		n.Password = strings.TrimRight(line, "\r\n")
	}
	created, err := ident.CreateStaff(ctx, identity.SystemPrincipal(), n)
	if err != nil {
		if msg, ok := identity.UserMessage(err); ok {
			return errors.New(msg)
		}
		return err
	}
	fmt.Fprintf(env.Stdout, "Zugang angelegt: %s <%s>, Rolle %s.\n", created.Account.Name, created.Account.Email, grant.Role)
	if created.SetupToken != "" {
		fmt.Fprintf(env.Stdout, "Passwort setzen (72 Stunden gültig): %s/konto/passwort-neu?token=%s\n", cfg.BaseURL, created.SetupToken)
	}
	fmt.Fprintln(env.Stdout, "Bei der ersten Anmeldung richtet die Person eine Authenticator-App ein.")
	return nil
}
