package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/serviceportal/serviceportal/internal/store"
)

// Demo credentials, printed in the start-up banner of demo installations.
// They are public: never seed them into a real installation.
const (
	DemoPassword   = "Emscher-Lippe-Demo-2026"          // #nosec G101 -- the published demo login, printed at start
	DemoTOTPSecret = "IVWXGY3IMVZEY2LQOBSUIZLNN4ZDAMRW" // #nosec G101 -- the published demo login, printed at start
)

// DemoAccount is one seeded demo login.
type DemoAccount struct {
	// Role is the German description for the banner.
	Role       string
	Kind       Kind
	Email      string
	Password   string
	TOTPSecret string // empty for the citizen
}

type demoSpec struct {
	label, name, email string
	role               Role
	tenant, operator   string // slugs
}

var demoStaff = []demoSpec{
	{"Regionsadministration", "Regina Region", "region-admin@demo.example", RegionAdmin, "", ""},
	{"Administration GKD Recklinghausen", "Gerd Rechenzentrum", "gkd-admin@demo.example", OperatorAdmin, "", "gkd-re"},
	{"Administration Stadt Dorsten", "Doris Admin", "dorsten-admin@demo.example", TenantAdmin, "dorsten", ""},
	{"Lokale Koordination Dorsten", "Konrad Loki", "dorsten-loki@demo.example", Coordinator, "dorsten", ""},
	{"Sachbearbeitung Dorsten", "Sabine Sachbearbeitung", "dorsten-sachbearbeitung@demo.example", Caseworker, "dorsten", ""},
	{"Sachbearbeitung Gladbeck", "Gustav Gladbeck", "gladbeck-sachbearbeitung@demo.example", Caseworker, "gladbeck", ""},
	{"Lokale Koordination Gladbeck", "Greta Loki", "gladbeck-loki@demo.example", Coordinator, "gladbeck", ""},
}

const demoCitizenEmail = "erika.mustermann@demo.example"

// SeedDemo creates the demo citizen and one staff account per role, unless
// they exist, and returns their credentials. Staff share the fixed TOTP
// secret DemoTOTPSecret so that testers can add it to an authenticator app
// once. The demo region (seed.Run) must be loaded first.
func (s *Service) SeedDemo(ctx context.Context) ([]DemoAccount, error) {
	out := []DemoAccount{{Role: "Bürgerin (Demo)", Kind: Citizen, Email: demoCitizenEmail, Password: DemoPassword}}
	if err := s.seedDemoCitizen(ctx); err != nil {
		return nil, fmt.Errorf("identity: demo citizen: %w", err)
	}
	for _, d := range demoStaff {
		g := RoleGrant{Role: d.role}
		var err error
		if d.tenant != "" {
			err = s.db.QueryRow(ctx, `SELECT id FROM tenants WHERE slug = ?`, d.tenant).Scan(&g.TenantID)
		}
		if err == nil && d.operator != "" {
			err = s.db.QueryRow(ctx, `SELECT id FROM operators WHERE slug = ?`, d.operator).Scan(&g.OperatorID)
		}
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("identity: demo accounts need the demo region; seed it first")
		}
		if err != nil {
			return nil, fmt.Errorf("identity: demo accounts: %w", err)
		}
		if err := s.seedDemoStaff(ctx, d, g); err != nil {
			return nil, fmt.Errorf("identity: demo account %s: %w", d.email, err)
		}
		out = append(out, DemoAccount{Role: d.label, Kind: Staff, Email: d.email, Password: DemoPassword, TOTPSecret: DemoTOTPSecret})
	}
	return out, nil
}

func (s *Service) seedDemoCitizen(ctx context.Context) error {
	if _, err := s.accountByEmail(ctx, Citizen, demoCitizenEmail); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	hash, err := s.hasher.Hash(ctx, DemoPassword)
	if err != nil {
		return err
	}
	_, err = s.insertAccount(ctx, newAccount{kind: Citizen, email: demoCitizenEmail, name: "Erika Mustermann", passwordHash: hash, verified: true})
	if errors.Is(err, ErrEmailTaken) {
		return nil // another instance seeded it meanwhile
	}
	return err
}

func (s *Service) seedDemoStaff(ctx context.Context, d demoSpec, g RoleGrant) error {
	a, err := s.accountByEmail(ctx, Staff, d.email)
	if errors.Is(err, store.ErrNotFound) {
		created, err := s.CreateStaff(ctx, SystemPrincipal(), NewStaff{Name: d.name, Email: d.email, Password: DemoPassword, Grant: g})
		if errors.Is(err, ErrEmailTaken) {
			return nil
		}
		if err != nil {
			return err
		}
		return s.storeTOTPSecret(ctx, created.Account.ID, DemoTOTPSecret, true)
	}
	if err != nil {
		return err
	}
	g.AccountID = a.ID
	if _, err := s.GrantRole(ctx, SystemPrincipal(), g); err != nil {
		return err
	}
	if !a.totpConfirmed {
		return s.storeTOTPSecret(ctx, a.ID, DemoTOTPSecret, true)
	}
	return nil
}
