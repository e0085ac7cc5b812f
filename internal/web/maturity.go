package web

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/delivery"
	"github.com/serviceportal/serviceportal/internal/web/ui"
)

// Maturity assesses every service of every municipality and Kreis from
// its configuration: offerings, forms, delivery targets.
func (u *UseCases) Maturity(ctx context.Context) (ui.MaturityReport, error) {
	var rep ui.MaturityReport
	tenants, err := u.Tenants.List(ctx)
	if err != nil {
		return rep, err
	}
	services, err := u.Catalog.List(ctx)
	if err != nil {
		return rep, err
	}
	handled, err := u.Catalog.HandledBy(ctx)
	if err != nil {
		return rep, err
	}
	rep.Services = services
	for _, t := range tenants {
		if t.IsRegion() {
			continue
		}
		row := ui.MaturityRow{Tenant: t, Levels: map[string]catalog.Maturity{}}
		offerings, err := u.Catalog.TenantOfferings(ctx, t.ID)
		if err != nil {
			return rep, err
		}
		bySvc := map[string]catalog.Offering{}
		for _, o := range offerings {
			bySvc[o.ServiceID] = o
		}
		structured := false
		if targets, err := u.Delivery.ListTargets(ctx, t.ID); err == nil {
			for _, tg := range targets {
				structured = structured || tg.Kind == delivery.KindWebhook || tg.Kind == "fitconnect"
			}
		}
		for _, s := range services {
			if !handled[s.ID][t.ID] {
				continue
			}
			st := catalog.Setup{StructuredDelivery: structured, OnlinePayment: u.onlinePayment}
			if o, ok := bySvc[s.ID]; ok {
				st.Offered = true
				st.Form, _ = u.forms.Version(ctx, o.FormID, o.VersionID)
			}
			row.Levels[s.ID] = catalog.Assess(s, st)
		}
		rep.Rows = append(rep.Rows, row)
	}
	sort.SliceStable(rep.Rows, func(i, j int) bool { return rep.Rows[i].Tenant.ShortName < rep.Rows[j].Tenant.ShortName })
	rep.At = time.Now()
	return rep, nil
}

// Compare lines up one service across the region: who offers it, on which
// template version, at what fee and maturity, how fast cases close, and how
// many applications per 1,000 inhabitants arrive.
func (u *UseCases) Compare(ctx context.Context, serviceID string) (ui.Comparison, error) {
	var cmp ui.Comparison
	svc, err := u.Catalog.BySlug(ctx, serviceID)
	if err != nil {
		return cmp, err
	}
	cmp.Service = svc
	rep, err := u.Maturity(ctx)
	if err != nil {
		return cmp, err
	}
	offerings, err := u.Catalog.OfferingsOf(ctx, svc.ID)
	if err != nil {
		return cmp, err
	}
	bySvcTenant := map[string]catalog.Offering{}
	fieldCount := map[string]int{}
	fieldsByTenant := map[string]map[string]string{}
	for _, o := range offerings {
		bySvcTenant[o.TenantID] = o
		if f, ok := u.forms.Version(ctx, o.FormID, o.VersionID); ok {
			fs := ui.FormFields(f)
			fieldsByTenant[o.TenantID] = fs
			for id := range fs {
				fieldCount[id]++
			}
		}
	}
	templates, _ := u.Catalog.Templates(ctx, svc.ID)
	owner := map[string]string{}
	for _, t := range templates {
		owner[t.ID] = t.OwnerName
	}
	stats, err := u.caseStats(ctx, svc.ID)
	if err != nil {
		return cmp, err
	}
	for _, row := range rep.Rows {
		m, handles := row.Levels[svc.ID]
		if !handles {
			continue
		}
		line := ui.ComparisonRow{Tenant: row.Tenant, Maturity: m, Fee: svc.Fee.Text}
		if o, ok := bySvcTenant[row.Tenant.ID]; ok {
			line.Offered, line.Template, line.Version = true, owner[o.TemplateID], o.Version
			if o.FeeCents != nil {
				line.Fee = euro(*o.FeeCents)
			}
			for id, label := range fieldsByTenant[row.Tenant.ID] {
				if fieldCount[id] == len(fieldsByTenant) {
					line.Common++
				} else {
					line.Different = append(line.Different, label)
				}
			}
			sort.Strings(line.Different)
		}
		if st, ok := stats[row.Tenant.ID]; ok {
			line.Applications, line.MedianDays = st.count, st.median
			if row.Tenant.Population > 0 {
				line.PerThousand = float64(st.count) * 1000 / float64(row.Tenant.Population)
			}
		}
		cmp.Rows = append(cmp.Rows, line)
	}
	return cmp, nil
}

type caseStat struct {
	count  int
	median float64
}

// caseStats counts applications per tenant and the median days from
// receipt to closing over the closed cases.
func (u *UseCases) caseStats(ctx context.Context, serviceID string) (map[string]caseStat, error) {
	rows, err := u.DB.Query(ctx, `SELECT tenant_id, received_at, closed_at FROM cases WHERE service_id = ?`, serviceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	durations := map[string][]float64{}
	counts := map[string]int{}
	for rows.Next() {
		var t string
		var recv time.Time
		var closed *time.Time
		if err := rows.Scan(&t, &recv, &closed); err != nil {
			return nil, err
		}
		counts[t]++
		if closed != nil {
			durations[t] = append(durations[t], closed.Sub(recv).Hours()/24)
		}
	}
	out := map[string]caseStat{}
	for t, n := range counts {
		st := caseStat{count: n, median: -1}
		if ds := durations[t]; len(ds) > 0 {
			sort.Float64s(ds)
			st.median = ds[len(ds)/2]
		}
		out[t] = st
	}
	return out, rows.Err()
}

func euro(cents int64) string {
	return fmt.Sprintf("%d,%02d €", cents/100, cents%100)
}
