// Package seed loads the demo region into an empty portal: the
// Emscher-Lippe authorities and data centres from a readable file kept in
// data/, the LeiKa catalogue and the demo services with their
// Zuständigkeiten.
package seed

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

//go:embed data/emscher-lippe.json
var regionJSON []byte

// Region parses the embedded Emscher-Lippe region file.
func Region() (tenant.RegionFile, error) {
	return tenant.ParseRegionFile(bytes.NewReader(regionJSON))
}

// Result says what a seed run created.
type Result struct {
	Tenants  tenant.ImportResult
	LeiKa    catalog.LeiKaResult
	Services catalog.ServiceResult
	// Offerings counts the adoptions the seed made.
	Offerings int
}

// Run creates whatever of the region's tenants and operators is missing.
// Running it again changes nothing that exists.
func Run(ctx context.Context, dir *tenant.Directory) (tenant.ImportResult, error) {
	f, err := Region()
	if err != nil {
		return tenant.ImportResult{}, fmt.Errorf("seed: %w", err)
	}
	res, err := dir.Import(ctx, f)
	if err != nil {
		return res, fmt.Errorf("seed: %w", err)
	}
	return res, nil
}

// All creates whatever of the demo region is missing: tenants, the LeiKa
// catalogue and the demo services with their Zuständigkeiten.
func All(ctx context.Context, db *store.DB) (Result, error) {
	var res Result
	var err error
	dir := tenant.NewDirectory(db)
	if res.Tenants, err = Run(ctx, dir); err != nil {
		return res, err
	}
	cat := catalog.New(db, dir)
	// The LeiKa catalogue is large; once loaded, start-ups skip it.
	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM leika_leistungen`).Scan(&n); err != nil {
		return res, fmt.Errorf("seed: %w", err)
	}
	if n == 0 {
		if res.LeiKa, err = cat.ImportLeiKa(ctx, catalog.LeiKaFiles()); err != nil {
			return res, fmt.Errorf("seed: %w", err)
		}
	}
	services, err := catalog.DemoServices()
	if err != nil {
		return res, fmt.Errorf("seed: %w", err)
	}
	if res.Services, err = cat.ImportServices(ctx, services); err != nil {
		return res, fmt.Errorf("seed: %w", err)
	}
	if res.Offerings, err = Templates(ctx, cat, dir); err != nil {
		return res, err
	}
	return res, nil
}
