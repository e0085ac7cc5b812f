package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"time"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/form"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

// MaturityReport is the Reifegrad of every tenant's services.
type MaturityReport struct {
	Services []catalog.Service
	Rows     []MaturityRow
	At       time.Time
}

// MaturityRow is one tenant's services and their maturity, by service id.
type MaturityRow struct {
	Tenant tenant.Tenant
	Levels map[string]catalog.Maturity
}

// Comparison lines up one service across the region.
type Comparison struct {
	Service catalog.Service
	Rows    []ComparisonRow
}

// ComparisonRow is one tenant in a Comparison.
type ComparisonRow struct {
	Tenant       tenant.Tenant
	Maturity     catalog.Maturity
	Offered      bool
	Template     string
	Version      int
	Fee          string
	Common       int
	Different    []string
	Applications int
	MedianDays   float64
	PerThousand  float64
}

// MaturityTrend is one tenant's daily maturity snapshots, oldest first.
type MaturityTrend struct {
	Tenant tenant.Tenant
	Points []catalog.Snapshot
}

// MaturitySource provides the figures; the use-case layer computes them.
type MaturitySource interface {
	Maturity(ctx context.Context) (MaturityReport, error)
	Compare(ctx context.Context, serviceID string) (Comparison, error)
	// MaturityHistory returns the snapshots of one tenant, or of all with
	// tenantID "", from day since (YYYY-MM-DD, "" for all) on.
	MaturityHistory(ctx context.Context, tenantID, since string) ([]MaturityTrend, error)
}

// FormFields maps a form's field ids to labels, for comparing versions.
func FormFields(f *form.Form) map[string]string {
	out := map[string]string{}
	var walk func(items []form.Item)
	walk = func(items []form.Item) {
		for _, it := range items {
			switch x := it.(type) {
			case *form.Field:
				if x.Kind != form.KindLabel {
					out[x.ID] = x.Label
				}
			case *form.Group:
				walk(x.Items)
			}
		}
	}
	for _, s := range f.Steps {
		walk(s.Items)
	}
	return out
}

// heatCell is one tenant × Themenfeld cell: share of services online.
type heatCell struct {
	Topic   string
	Online  int
	Total   int
	Percent int
	Fill    string
}

type heatRow struct {
	Tenant    tenant.Tenant
	Cells     []heatCell
	Online    int
	Compliant int
	Total     int
}

type maturityView struct {
	Topics  []string
	Rows    []heatRow
	Own     []ownLevel
	At      time.Time
	Width   int
	Height  int
	Service []catalog.Service
	// History is the progress over time: share online per tenant.
	History historyChart
}

type ownLevel struct {
	Service  catalog.Service
	Maturity catalog.Maturity
}

func (h *Handler) maturityRoutes(mux *http.ServeMux) {
	if h.maturity == nil {
		return
	}
	mux.HandleFunc("GET /reifegrad", h.maturityShow)
	mux.HandleFunc("GET /reifegrad.csv", h.maturityCSV)
	mux.HandleFunc("GET /reifegrad.json", h.maturityJSON)
	mux.HandleFunc("GET /reifegrad/verlauf.csv", h.maturityHistoryCSV)
	mux.HandleFunc("GET /leistungen/{slug}/vergleich", h.compareShow)
}

func heatFill(p int) string {
	// Darker blue for more services online; contrast of text is handled by
	// printing the number in the data table, not in the cell.
	switch {
	case p >= 75:
		return "#00507d"
	case p >= 50:
		return "#3a7ca5"
	case p >= 25:
		return "#8fb8d4"
	case p > 0:
		return "#d5e6f1"
	}
	return "#f2f3f6"
}

func (h *Handler) maturityView(rep MaturityReport, only string) maturityView {
	topicSet := map[string]bool{}
	for _, s := range rep.Services {
		topicSet[s.Themenfeld] = true
	}
	var topics []string
	for t := range topicSet {
		topics = append(topics, t)
	}
	sort.Strings(topics)
	v := maturityView{Topics: topics, At: rep.At}
	byID := map[string]catalog.Service{}
	for _, s := range rep.Services {
		byID[s.ID] = s
	}
	for _, row := range rep.Rows {
		if only != "" && row.Tenant.ID != only {
			continue
		}
		hr := heatRow{Tenant: row.Tenant}
		for _, topic := range topics {
			c := heatCell{Topic: topic}
			for id, m := range row.Levels {
				if byID[id].Themenfeld != topic || m.Level11 < 0 {
					continue
				}
				c.Total++
				if m.Level11 >= 2 {
					c.Online++
				}
			}
			if c.Total > 0 {
				c.Percent = 100 * c.Online / c.Total
			}
			c.Fill = heatFill(c.Percent)
			hr.Cells = append(hr.Cells, c)
		}
		// The same tally as the daily snapshots, so today's figures and
		// the last point of the progress chart agree.
		tally := catalog.Tally(row.Tenant.ID, "", slices.Collect(maps.Values(row.Levels)))
		hr.Total, hr.Online, hr.Compliant = tally.Services, tally.Online, tally.Compliant
		for id, m := range row.Levels {
			if only != "" && m.Level11 >= 0 {
				v.Own = append(v.Own, ownLevel{Service: byID[id], Maturity: m})
			}
		}
		v.Rows = append(v.Rows, hr)
	}
	sort.Slice(v.Own, func(i, j int) bool {
		if v.Own[i].Maturity.Level11 != v.Own[j].Maturity.Level11 {
			return v.Own[i].Maturity.Level11 > v.Own[j].Maturity.Level11
		}
		return v.Own[i].Service.Name < v.Own[j].Service.Name
	})
	v.Width, v.Height = 200+len(topics)*40, 60+len(v.Rows)*28
	return v
}

func (h *Handler) maturityShow(w http.ResponseWriter, r *http.Request) {
	rep, err := h.maturity.Maturity(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	only := scopeOf(r)
	v := h.maturityView(rep, only)
	now := h.clock()
	trends, err := h.maturity.MaturityHistory(r.Context(), only, catalog.Day(now.AddDate(0, 0, -(historyDays-1))))
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v.History = newHistoryChart(trends)
	h.pages.Render(w, r, http.StatusOK, "maturity", pageData("Reifegrad der Online-Leistungen", v))
}

func (h *Handler) maturityCSV(w http.ResponseWriter, r *http.Request) {
	rep, err := h.maturity.Maturity(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	cw := spreadsheetCSV(w, "reifegrad.csv")
	cw.Write([]string{"Gebietskörperschaft", "AGS", "Leistung", "LeiKa", "Reifegrad 1.1", "Reifegrad 2.0", "Hemmnis 1.1", "Hemmnis 2.0"})
	for _, row := range rep.Rows {
		for _, s := range rep.Services {
			m, ok := row.Levels[s.ID]
			if !ok {
				continue
			}
			cw.Write([]string{row.Tenant.Name, row.Tenant.AGS, s.Name, s.LeiKa, levelText(m.Level11), levelText(m.Level20), m.HeldBy11, m.HeldBy20})
		}
	}
	cw.Flush()
}

func levelText(l int) string {
	if l < 0 {
		return "extern"
	}
	return fmt.Sprint(l)
}

func (h *Handler) maturityJSON(w http.ResponseWriter, r *http.Request) {
	rep, err := h.maturity.Maturity(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	type entry struct {
		Tenant   string `json:"tenant"`
		AGS      string `json:"ags"`
		Service  string `json:"service"`
		LeiKa    string `json:"leika_key,omitempty"`
		Level11  int    `json:"level_1_1"`
		Level20  int    `json:"level_2_0"`
		HeldBy11 string `json:"held_by_1_1,omitempty"`
		HeldBy20 string `json:"held_by_2_0,omitempty"`
	}
	out := []entry{}
	for _, row := range rep.Rows {
		for _, s := range rep.Services {
			if m, ok := row.Levels[s.ID]; ok {
				out = append(out, entry{row.Tenant.Slug, row.Tenant.AGS, s.Slug, s.LeiKa, m.Level11, m.Level20, m.HeldBy11, m.HeldBy20})
			}
		}
	}
	trends, err := h.maturity.MaturityHistory(r.Context(), scopeOf(r), "")
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(map[string]any{"generated_at": rep.At.UTC().Format(time.RFC3339), "offerings": out,
		"history": historyJSON(trends)})
}

func (h *Handler) compareShow(w http.ResponseWriter, r *http.Request) {
	cmp, err := h.maturity.Compare(r.Context(), r.PathValue("slug"))
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.pages.Render(w, r, http.StatusOK, "compare", pageData(cmp.Service.Name+" in der Region", cmp))
}
