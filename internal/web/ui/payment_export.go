package ui

import (
	"bytes"
	"net/http"
	"time"

	"github.com/serviceportal/serviceportal/internal/identity"
)

// paymentExport answers GET /verwaltung/zahlungen.csv?tag=YYYY-MM-DD: the
// day's confirmed payments and refunds of this tenant for the cash
// office's Finanzverfahren. The file is built in memory first, so a
// failure mid-way never hands out half a reconciliation.
func (h *Handler) paymentExport(w http.ResponseWriter, r *http.Request) {
	s, ok := h.requireStaff(w, r)
	if !ok {
		return
	}
	if !h.can(r, s, identity.ExportPayments, "") {
		h.pages.Error(w, r, http.StatusForbidden)
		return
	}
	day := h.clock().In(berlinTZ)
	if q := r.URL.Query().Get("tag"); q != "" {
		d, err := time.ParseInLocation("2006-01-02", q, berlinTZ)
		if err != nil {
			http.Error(w, "Bitte geben Sie den Tag als JJJJ-MM-TT an, zum Beispiel 2026-11-28.", http.StatusBadRequest)
			return
		}
		day = d
	}
	var buf bytes.Buffer
	if err := h.payments.ExportCSV(r.Context(), s.info.Tenant.ID, day, &buf); err != nil {
		h.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="zahlungen-`+s.info.Tenant.Slug+"-"+day.Format("2006-01-02")+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}
