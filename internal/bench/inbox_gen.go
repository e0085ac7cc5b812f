package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

// inboxTenant is one authority of the generated inbox with its share.
type inboxTenant struct {
	t        tenant.Tenant
	weight   float64
	services []string // most frequent first
}

// inboxTenants are the thirteen authorities (not the region itself),
// weighted by population, each with the services it handles.
func (p *portal) inboxTenants(ctx context.Context) ([]inboxTenant, error) {
	all, err := p.uc.Catalog.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []inboxTenant
	for _, t := range p.tenants {
		if t.IsRegion() {
			continue
		}
		svcs, err := p.uc.Catalog.ForTenant(ctx, t.ID)
		if err != nil {
			return nil, err
		}
		it := inboxTenant{t: t, weight: float64(max(t.Population, 1000))}
		for _, s := range svcs {
			it.services = append(it.services, s.ID)
		}
		if len(it.services) == 0 {
			for _, s := range all {
				it.services = append(it.services, s.ID)
			}
		}
		out = append(out, it)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("bench: no tenants to spread the inbox over")
	}
	return out, nil
}

// pick chooses a tenant in proportion to its weight, from u in [0,1).
func pickTenant(ts []inboxTenant, u float64) *inboxTenant {
	total := 0.0
	for _, t := range ts {
		total += t.weight
	}
	x := u * total
	for i := range ts {
		if x < ts[i].weight {
			return &ts[i]
		}
		x -= ts[i].weight
	}
	return &ts[len(ts)-1]
}

// generateInbox writes n submissions with their cases straight into the
// tables, in multi-row INSERTs and large transactions: realistic rows
// (tenant spread by population, skewed service mix, three years of
// arrivals, old cases mostly closed), without the cost of n real submits.
// The tracking numbers carry a G so they never meet real ones.
func generateInbox(ctx context.Context, db *store.DB, ts []inboxTenant, n int, seed uint64, progress func(done int)) error {
	if db.Dialect() == store.SQLite {
		// Random keys land all over the indexes; with SQLite's default 2 MB
		// page cache a million rows take many minutes. The writer gets
		// 256 MB while generating and its default back afterwards.
		if _, err := db.Exec(ctx, `PRAGMA cache_size = -262144`); err != nil {
			return err
		}
		defer db.Exec(context.WithoutCancel(ctx), `PRAGMA cache_size = -2000`)
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed)) // #nosec G404 -- generated benchmark data
	now := time.Now().UTC()
	span := 3 * 365 * 24 * time.Hour
	payload := make([]byte, 256)
	sha := strings.Repeat("ab", 64)
	const perStmt, perTx = 250, 10000
	seq := map[string]int{}
	for done := 0; done < n; {
		txRows := min(perTx, n-done)
		err := db.InTx(ctx, func(ctx context.Context) error {
			for off := 0; off < txRows; off += perStmt {
				k := min(perStmt, txRows-off)
				subs := make([]any, 0, k*13)
				cases := make([]any, 0, k*14)
				for range k {
					t := pickTenant(ts, rng.Float64())
					u := rng.Float64()
					svc := t.services[int(u*u*float64(len(t.services)))]
					at := now.Add(-time.Duration(rng.Int64N(int64(span)))).Truncate(time.Microsecond)
					seq[t.t.ID]++
					track := fmt.Sprintf("%s-%d-G%07d", t.t.Code, at.Year(), seq[t.t.ID])
					sid, cid := store.NewID(), store.NewID()
					subs = append(subs, sid, t.t.ID, svc, svc, "1", track, "gen:"+sid, "gen:"+sid, []byte{0},
						"eingegangen", payload, sha, at)
					state, decision, assignee, closed := caseState(rng, now.Sub(at), t.t.Slug)
					var decidedAt, closedAt any
					if decision != "" || closed {
						decidedAt = at.Add(10 * 24 * time.Hour)
					}
					if closed {
						closedAt = at.Add(14 * 24 * time.Hour)
					}
					cases = append(cases, cid, t.t.ID, sid, svc, track, "standard", state, assignee, at,
						at.Add(30*24*time.Hour), decision, decidedAt, closedAt, at)
				}
				if _, err := db.Exec(ctx, `INSERT INTO submissions (id, tenant_id, service_id, form_id, form_version, tracking_number,
					idempotency_key, status_hash, status_token, status, payload, payload_sha512, submitted_at) VALUES `+
					placeholders(k, 13), subs...); err != nil {
					return fmt.Errorf("bench: generate submissions: %w", err)
				}
				if _, err := db.Exec(ctx, `INSERT INTO cases (id, tenant_id, submission_id, service_id, tracking_number, workflow,
					state, assignee_id, received_at, deadline_at, decision, decided_at, closed_at, updated_at) VALUES `+
					placeholders(k, 14), cases...); err != nil {
					return fmt.Errorf("bench: generate cases: %w", err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		done += txRows
		if progress != nil && done%100000 == 0 && done < n {
			progress(done)
		}
	}
	return nil
}

// caseState gives a case of the given age a plausible state: recent ones
// are open, old ones mostly decided and closed.
func caseState(rng *rand.Rand, age time.Duration, slug string) (state, decision string, assignee any, closed bool) {
	x := rng.Float64()
	staff := "staff-" + slug + "-" + strconv.Itoa(rng.IntN(5))
	if age < 60*24*time.Hour {
		switch {
		case x < 0.35:
			return "eingegangen", "", nil, false
		case x < 0.75:
			return "in_pruefung", "", staff, false
		case x < 0.85:
			return "nachforderung", "", staff, false
		case x < 0.95:
			return "bewilligt", "bewilligt", staff, false
		}
		return "abgelehnt", "abgelehnt", staff, false
	}
	switch {
	case x < 0.85:
		return "abgeschlossen", "bewilligt", staff, true
	case x < 0.92:
		return "bewilligt", "bewilligt", staff, false
	case x < 0.97:
		return "abgelehnt", "abgelehnt", staff, false
	case x < 0.99:
		return "in_pruefung", "", staff, false
	}
	return "eingegangen", "", nil, false
}

// placeholders returns "(?, ?), (?, ?)" for rows × cols.
func placeholders(rows, cols int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
}
