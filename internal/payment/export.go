package payment

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// ExportCSV writes one day's (Europe/Berlin) money movements of a tenant
// for the Finanzverfahren: every payment verified as PAYED that day and
// every refund recorded that day (negative), as
// "Kassenzeichen;Betrag;Datum;Anbieter-Referenz;Haushaltsstelle" with
// German numbers
// ("30,70") and dates. Cells a spreadsheet would read as a formula are
// neutralised.
func (s *Service) ExportCSV(ctx context.Context, tenantID string, day time.Time, w io.Writer) error {
	d := day.In(berlin)
	from := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, berlin)
	to := from.AddDate(0, 0, 1)
	type line struct {
		at   time.Time
		cols []string
	}
	var lines []line
	paid, err := s.payments(ctx, `tenant_id = ? AND status = ? AND paid_at >= ? AND paid_at < ?`, tenantID, string(StatusPayed), from.UTC(), to.UTC())
	if err != nil {
		return err
	}
	for _, p := range paid {
		lines = append(lines, line{*p.PaidAt, []string{p.Kassenzeichen, FormatAmount(p.AmountCents), p.PaidAt.In(berlin).Format("02.01.2006"), p.ProviderRef, p.Haushaltsstelle}})
	}
	rows, err := s.db.Query(ctx, `SELECT p.kassenzeichen, r.amount_cents, r.created_at, r.provider_ref, p.haushaltsstelle FROM payment_refunds r
		JOIN payments p ON p.id = r.payment_id WHERE r.tenant_id = ? AND r.created_at >= ? AND r.created_at < ?`, tenantID, from.UTC(), to.UTC())
	if err != nil {
		return fmt.Errorf("payment: export refunds: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kz, ref, hh string
		var cents int64
		var at time.Time
		if err := rows.Scan(&kz, &cents, &at, &ref, &hh); err != nil {
			return fmt.Errorf("payment: export refunds: %w", err)
		}
		lines = append(lines, line{at, []string{kz, FormatAmount(-cents), at.In(berlin).Format("02.01.2006"), ref, hh}})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("payment: export refunds: %w", err)
	}
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].at.Before(lines[j].at) })
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.Write([]string{"Kassenzeichen", "Betrag", "Datum", "Anbieter-Referenz", "Haushaltsstelle"})
	for _, l := range lines {
		for i := range l.cols {
			if i != 1 { // the amount is ours and may be negative on purpose
				l.cols[i] = safeCell(l.cols[i])
			}
		}
		cw.Write(l.cols)
	}
	cw.Flush()
	return cw.Error()
}

// safeCell neutralises CSV injection: a cell starting with = + - @, a tab
// or a carriage return gets a leading apostrophe, so spreadsheets show it
// as text (provider references come from outside).
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
