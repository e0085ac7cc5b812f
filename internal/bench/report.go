package bench

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Row is one line of the table: a ceiling or a portal measurement.
type Row struct {
	Section string `json:"section"`
	Name    string `json:"name"`
	// Ceiling marks the bare reference a portal line is compared with.
	Ceiling bool `json:"ceiling"`
	// Load says how it was driven: "open 300/s", "ramp", "closed 4".
	Load string `json:"load"`
	Stats
	// Ratios compare this line with ceilings measured in the same run.
	Ratios []Ratio `json:"ratios,omitempty"`
	Note   string  `json:"note,omitempty"`
	// Steps are a saturation ramp's rungs.
	Steps []Step `json:"steps,omitempty"`
}

// Ratio is portal ÷ ceiling. Throughput ratios below 1 and p99 ratios above
// 1 say how much the portal costs over the bare reference; zero means the
// metric does not apply to this pair.
type Ratio struct {
	Against    string  `json:"against"`
	Throughput float64 `json:"throughput,omitempty"`
	P99        float64 `json:"p99,omitempty"`
}

// Plan is a query plan printed to show index use.
type Plan struct {
	Database string   `json:"database"`
	Query    string   `json:"query"`
	Lines    []string `json:"plan"`
}

// Report is everything one run measured.
type Report struct {
	Machine  Machine       `json:"machine"`
	Started  time.Time     `json:"started"`
	Elapsed  Millis        `json:"elapsed_ms"`
	Config   Config        `json:"config"`
	Rows     []Row         `json:"rows"`
	Plans    []Plan        `json:"plans,omitempty"`
	Searches []QueryTiming `json:"search_queries,omitempty"`
	Notes    []string      `json:"notes,omitempty"`
	// LoadAtEnd is the machine's load average when the run ended; with
	// Machine.LoadAverage it shows whether something else ran meanwhile.
	LoadAtEnd string `json:"load_average_at_end,omitempty"`
}

// add appends a row and returns its index. A row with failures gets a
// note with its answers, so an error rate is never left unexplained.
func (r *Report) add(row Row) int {
	if row.ErrorRate > 0 {
		msg := row.Name + ": " + formatFloat(100*row.ErrorRate, 1) + " % failed"
		if len(row.Codes) > 0 {
			msg += "; answers " + codesText(row.Codes)
		}
		if row.FirstError != "" {
			msg += "; first error: " + shortErr(row.FirstError)
		}
		r.Notes = append(r.Notes, msg)
	}
	r.Rows = append(r.Rows, row)
	return len(r.Rows) - 1
}

// find returns the row with the given name, or nil.
func (r *Report) find(name string) *Row {
	for i := range r.Rows {
		if r.Rows[i].Name == name {
			return &r.Rows[i]
		}
	}
	return nil
}

// compare adds to row i its ratio against the row named ceiling; tput and
// p99 select the metrics that mean something for this pair.
func (r *Report) compare(i int, ceiling string, tput, p99 bool) {
	c := r.find(ceiling)
	if c == nil || i < 0 || i >= len(r.Rows) {
		return
	}
	p := &r.Rows[i]
	ra := Ratio{Against: ceiling}
	if tput && c.Throughput > 0 {
		ra.Throughput = p.Throughput / c.Throughput
	}
	if p99 && c.P99 > 0 {
		ra.P99 = float64(p.P99) / float64(c.P99)
	}
	p.Ratios = append(p.Ratios, ra)
}

func (r *Report) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

// WriteJSON writes the report to path.
func (r *Report) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("bench: json: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("bench: json: %w", err)
	}
	return nil
}

// PrintTable writes the machine, the table and the notes.
func (r *Report) PrintTable(w io.Writer) {
	fmt.Fprintf(w, "\nMachine: %s\nRun: %s, %.0f s; load average %s at start, %s at end\n\n", r.Machine, r.Started.Format(time.RFC3339),
		time.Duration(r.Elapsed).Seconds(), cmp.Or(r.Machine.LoadAverage, "?"), cmp.Or(r.LoadAtEnd, "?"))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tsection\tmeasurement\tload\tn\tdone/s\tp50 ms\tp99 ms\tmax ms\terr %\t×tput\t×p99\tvs\t")
	index := map[string]int{}
	for i, row := range r.Rows {
		index[row.Name] = i + 1
	}
	vs := func(ra Ratio) string {
		if n, ok := index[ra.Against]; ok {
			return "#" + strconv.Itoa(n)
		}
		return ""
	}
	last := ""
	for i, row := range r.Rows {
		sec := row.Section
		if sec == last {
			sec = ""
		}
		last = row.Section
		kind := "portal: "
		if row.Ceiling {
			kind = "ceiling: "
		}
		var first Ratio
		if len(row.Ratios) > 0 {
			first = row.Ratios[0]
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", i+1, sec, kind+row.Name, row.Load, row.Requests,
			formatFloat(row.Throughput, 1), row.P50, row.P99, row.Max, formatFloat(100*row.ErrorRate, 1),
			ratioText(first.Throughput), ratioText(first.P99), vs(first))
		for _, ra := range row.Ratios[min(1, len(row.Ratios)):] {
			fmt.Fprintf(tw, "\t\t\t\t\t\t\t\t\t\t%s\t%s\t%s\t\n", ratioText(ra.Throughput), ratioText(ra.P99), vs(ra))
		}
	}
	tw.Flush()
	fmt.Fprintln(w, "\n×tput = throughput ÷ that of line vs; ×p99 = p99 ÷ that of line vs (all lines from this run).")
	fmt.Fprintln(w, "Load: open R/s = constant arrival rate (open model); closed N = N workers back to back; ramp = rising rate until the server falls behind.")
	for _, row := range r.Rows {
		if row.Note != "" {
			fmt.Fprintf(w, "#%d: %s\n", index[row.Name], row.Note)
		}
	}
	for _, p := range r.Plans {
		fmt.Fprintf(w, "\nQuery plan (%s): %s\n", p.Database, p.Query)
		for _, l := range p.Lines {
			fmt.Fprintln(w, "  "+l)
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintln(w, "Note: "+n)
	}
}

func ratioText(v float64) string {
	if v == 0 {
		return ""
	}
	if v < 0.1 {
		return formatFloat(v, 3)
	}
	return formatFloat(v, 2)
}

func formatFloat(v float64, prec int) string { return strconv.FormatFloat(v, 'f', prec, 64) }

// shortErr trims long error messages for notes.
func shortErr(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 160 {
		return s[:160] + "…"
	}
	return s
}
