package tenant_test

import (
	"context"
	"errors"
	"testing"

	"github.com/serviceportal/serviceportal/internal/seed"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

// seeded returns a Directory holding the Emscher-Lippe region.
func seeded(t *testing.T, db *store.DB) *tenant.Directory {
	t.Helper()
	d := tenant.NewDirectory(db)
	if _, err := seed.Run(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestRegionIsComplete(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := seeded(t, db)
		ctx := context.Background()
		all, err := d.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 14 || !all[0].IsRegion() {
			t.Fatalf("got %d tenants (first %q), want the region and 13 authorities", len(all), all[0].Slug)
		}
		want := map[string]struct{ ags, ars, parent, operator string }{
			"kreis-recklinghausen": {"05562000", "055620000000", "emscher-lippe", "gkd-re"},
			"castrop-rauxel":       {"05562004", "055620004004", "kreis-recklinghausen", "gkd-re"},
			"datteln":              {"05562008", "055620008008", "kreis-recklinghausen", "gkd-re"},
			"dorsten":              {"05562012", "055620012012", "kreis-recklinghausen", "gkd-re"},
			"gladbeck":             {"05562014", "055620014014", "kreis-recklinghausen", "gkd-re"},
			"haltern-am-see":       {"05562016", "055620016016", "kreis-recklinghausen", "gkd-re"},
			"herten":               {"05562020", "055620020020", "kreis-recklinghausen", "gkd-re"},
			"marl":                 {"05562024", "055620024024", "kreis-recklinghausen", "gkd-re"},
			"oer-erkenschwick":     {"05562028", "055620028028", "kreis-recklinghausen", "gkd-re"},
			"recklinghausen":       {"05562032", "055620032032", "kreis-recklinghausen", "gkd-re"},
			"waltrop":              {"05562036", "055620036036", "kreis-recklinghausen", "gkd-re"},
			"bottrop":              {"05512000", "055120000000", "emscher-lippe", "krzn"},
			"gelsenkirchen":        {"05513000", "055130000000", "emscher-lippe", "gkd-el"},
		}
		for _, ten := range all[1:] {
			w, ok := want[ten.Slug]
			if !ok {
				t.Errorf("unexpected tenant %s", ten.Slug)
				continue
			}
			if ten.AGS != w.ags || ten.ARS != w.ars || ten.Parent == nil || ten.Parent.Slug != w.parent || ten.Operator.Slug != w.operator {
				t.Errorf("%s: AGS %s ARS %s parent %v operator %s; want %+v", ten.Slug, ten.AGS, ten.ARS, ten.Parent, ten.Operator.Slug, w)
			}
			if len(ten.Hosts) == 0 || ten.Population <= 0 {
				t.Errorf("%s: no host names or population", ten.Slug)
			}
		}
		ops, err := d.Operators(ctx)
		if err != nil || len(ops) != 3 {
			t.Fatalf("operators = %d (err %v), want 3", len(ops), err)
		}
	})
}

func TestSeedTwiceChangesNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := seeded(t, db)
		ctx := context.Background()
		before, _ := d.BySlug(ctx, "dorsten")
		// An administrator's change must survive a second seed run.
		if _, err := db.Exec(ctx, `UPDATE tenants SET phone = '+49 2362 1234' WHERE slug = 'dorsten'`); err != nil {
			t.Fatal(err)
		}
		res, err := seed.Run(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		if res.TenantsCreated != 0 || res.OperatorsCreated != 0 || res.TenantsExisting != 14 {
			t.Fatalf("second seed: %+v", res)
		}
		for table, want := range map[string]int{"tenants": 14, "operators": 3} {
			var n int
			if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil || n != want {
				t.Errorf("%s: %d rows (err %v), want %d", table, n, err, want)
			}
		}
		after, _ := d.BySlug(ctx, "dorsten")
		if after.ID != before.ID || after.Phone != "+49 2362 1234" {
			t.Errorf("seed overwrote Dorsten: id %s→%s phone %q", before.ID, after.ID, after.Phone)
		}
	})
}

func TestResolveByHostAndSlug(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := seeded(t, db)
		ctx := context.Background()
		tests := []struct {
			host, want string
		}{
			{"serviceportal.gladbeck.de", "gladbeck"},
			{"SERVICEPORTAL.DORSTEN.DE", "dorsten"},
			{"serviceportal.emscher-lippe.de", "emscher-lippe"},
		}
		for _, tt := range tests {
			got, err := d.ByHost(ctx, tt.host)
			if err != nil || got.Slug != tt.want {
				t.Errorf("ByHost(%q) = %q, %v; want %q", tt.host, got.Slug, err, tt.want)
			}
		}
		if _, err := d.ByHost(ctx, "example.org"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown host: err = %v, want ErrNotFound", err)
		}
		if _, err := d.BySlug(ctx, "bochum"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown slug: err = %v, want ErrNotFound", err)
		}
		kids, err := d.Children(ctx, mustSlug(t, d, "kreis-recklinghausen").ID)
		if err != nil || len(kids) != 10 {
			t.Errorf("Kreis Recklinghausen has %d cities (err %v), want 10", len(kids), err)
		}
	})
}

func mustSlug(t *testing.T, d *tenant.Directory, slug string) tenant.Tenant {
	t.Helper()
	ten, err := d.BySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return ten
}

func TestFindPlaces(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := seeded(t, db)
		tests := []struct {
			q    string
			want []string
		}{
			{"46282", []string{"dorsten"}},
			{"45657", []string{"recklinghausen"}},
			{" 45964 Gladbeck", []string{"gladbeck"}},
			{"45879", []string{"gelsenkirchen"}},
			{"46236", []string{"bottrop"}},
			{"Dorsten", []string{"dorsten"}},
			{"haltern", []string{"haltern-am-see"}},
			{"Oer Erkenschwick", []string{"oer-erkenschwick"}},
			{"oer-erkenschwick", []string{"oer-erkenschwick"}},
			{"Dorsten-Wulfen", []string{"dorsten"}},
			{"Recklinghausen", []string{"recklinghausen"}},
			{"4628", []string{"dorsten"}},
			{"99999", nil},
			{"Bochum", nil},
			{"x", nil},
			{"%", nil},
			{"' OR 1=1 --", nil},
		}
		for _, tt := range tests {
			ms, err := d.FindPlaces(context.Background(), tt.q)
			if err != nil {
				t.Errorf("FindPlaces(%q): %v", tt.q, err)
				continue
			}
			var got []string
			for _, m := range ms {
				got = append(got, m.Tenant.Slug)
			}
			if len(got) != len(tt.want) || (len(got) > 0 && got[0] != tt.want[0]) {
				t.Errorf("FindPlaces(%q) = %v, want %v", tt.q, got, tt.want)
			}
		}
	})
}
