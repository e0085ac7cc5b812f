package ui

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
)

// maturityHistoryCSV answers GET /reifegrad/verlauf.csv: every snapshot of
// the page's tenants (all of them on the regional portal), one row per
// tenant and day, for spreadsheets (semicolons and a BOM, as Excel in
// German expects).
func (h *Handler) maturityHistoryCSV(w http.ResponseWriter, r *http.Request) {
	trends, err := h.maturity.MaturityHistory(r.Context(), scopeOf(r), "")
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	cw := spreadsheetCSV(w, "reifegrad-verlauf.csv")
	head := []string{"Gebietskörperschaft", "AGS", "Tag", "Leistungen", "online (ab Stufe 2)", "OZG-konform (ab Stufe 3)", "Anteil online (%)"}
	for l := range 5 {
		head = append(head, fmt.Sprintf("Stufe %d (1.1)", l))
	}
	for l := range 8 {
		head = append(head, fmt.Sprintf("Stufe %d (2.0)", l))
	}
	cw.Write(head)
	for _, tr := range trends {
		for _, p := range tr.Points {
			row := []string{tr.Tenant.Name, tr.Tenant.AGS, p.Day, fmt.Sprint(p.Services), fmt.Sprint(p.Online), fmt.Sprint(p.Compliant),
				strings.TrimSuffix(percent(p.SharePercent()), " %")}
			for _, n := range p.Levels11 {
				row = append(row, fmt.Sprint(n))
			}
			for _, n := range p.Levels20 {
				row = append(row, fmt.Sprint(n))
			}
			cw.Write(row)
		}
	}
	cw.Flush()
}

// spreadsheetCSV starts a CSV download as spreadsheets in German expect
// it: semicolons, and a byte order mark so Excel reads UTF-8.
func spreadsheetCSV(w http.ResponseWriter, filename string) *csv.Writer {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	w.Write([]byte("\uFEFF"))
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	return cw
}
