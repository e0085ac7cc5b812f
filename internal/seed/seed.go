// Package seed loads the demo region into an empty portal: the
// Emscher-Lippe authorities and data centres from a readable file kept in
// data/, and later the demo catalogue and accounts.
package seed

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"

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
	Tenants tenant.ImportResult
}

// Run creates whatever of the demo region is missing. Running it again
// changes nothing.
func Run(ctx context.Context, dir *tenant.Directory) (Result, error) {
	f, err := Region()
	if err != nil {
		return Result{}, fmt.Errorf("seed: %w", err)
	}
	res, err := dir.Import(ctx, f)
	if err != nil {
		return Result{}, fmt.Errorf("seed: %w", err)
	}
	return Result{Tenants: res}, nil
}
