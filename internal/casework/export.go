package casework

import (
	"context"
	"encoding/csv"
	"io"
	"strings"
	"time"
)

// ExportCSV writes the filtered cases as CSV for reporting (semicolon
// separated, as German spreadsheet programs expect). Every cell that a
// spreadsheet could read as a formula is neutralised.
func (c *Cases) ExportCSV(ctx context.Context, tenantID string, f Filter, serviceName func(id string) string, w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.Write([]string{"Vorgangsnummer", "Leistung", "Status", "Eingang", "Frist", "Entscheidung", "Abgeschlossen", "Bearbeitung"})
	f.After, f.Limit = "", 200
	for {
		p, err := c.Inbox(ctx, tenantID, f)
		if err != nil {
			return err
		}
		for _, cs := range p.Cases {
			row := []string{cs.TrackingNumber, serviceName(cs.ServiceID), cs.State, formatTime(&cs.ReceivedAt),
				formatTime(cs.DeadlineAt), cs.Decision, formatTime(cs.ClosedAt), cs.AssigneeID}
			for i := range row {
				row[i] = SafeCell(row[i])
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
		if p.Next == "" {
			break
		}
		f.After = p.Next
	}
	cw.Flush()
	return cw.Error()
}

// SafeCell neutralises CSV injection: a cell starting with = + - @, a tab
// or a carriage return gets a leading apostrophe, so spreadsheets show it
// as text instead of running it.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func formatTime(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.In(berlin).Format("02.01.2006 15:04")
}

var berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.FixedZone("MEZ", 3600)
	}
	return loc
}()
