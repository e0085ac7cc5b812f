package ui

import (
	"cmp"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/serviceportal/serviceportal/internal/web/request"
)

// historyDays is how many days the dashboard's chart and table cover;
// the exports carry the whole history.
const historyDays = 90

// Chart geometry in SVG user units: the plot area sits inside the margins,
// the left one holding the percent labels, the bottom one the dates.
const (
	chartWidth, chartHeight                          = 640, 280
	chartLeft, chartRight, chartTop, chartBottom int = 48, 16, 12, 36
)

// lineColours are dark enough for 3:1 contrast against white (WCAG
// 1.4.11); with 13 tenants they repeat, so the dash pattern changes with
// each round and the legend shows both.
var (
	lineColours = []string{"#1b1b1b", "#0072b2", "#b35900", "#007a5a", "#a0306e", "#5a4fcf", "#8a6d00"}
	lineDashes  = []string{"", "8 4", "2 3"}
)

// historyChart is the progress over time as a line chart of the share of
// services online per tenant, and the same figures as a table.
type historyChart struct {
	Width, Height int
	// PlotLeft and PlotRight bound the grid lines; LabelY is the baseline
	// of the date labels.
	PlotLeft, PlotRight, LabelY int
	// Window is how many days back the chart reaches.
	Window  int
	Grid    []chartLabel
	XLabels []chartLabel
	Lines   []historyLine
	// Tenants head the table's columns; Days are its rows.
	Tenants []string
	Days    []historyDay
}

// chartLabel is an axis label at one position (X or Y, the other fixed).
// Anchor is the SVG text-anchor, so the last date ends at the plot's edge
// instead of running off the picture.
type chartLabel struct {
	Pos    int
	Label  string
	Anchor string
}

type historyLine struct {
	Name, Colour, Dash, Points string
	Dots                       []historyDot
}

type historyDot struct {
	X, Y  int
	Title string
}

type historyDay struct {
	Label string
	Cells []string
}

// Empty reports whether there is no snapshot to show yet.
func (c historyChart) Empty() bool { return len(c.Days) == 0 }

// scopeOf is the tenant a maturity page is about: "" on the regional
// portal (every tenant), else the city's or Kreis' own id.
func scopeOf(r *http.Request) string {
	if t := request.From(r).Tenant; !t.IsRegion() {
		return t.ID
	}
	return ""
}

// newHistoryChart lays the trends out: days on the x axis by date (gaps
// where the job did not run stay gaps in time), 0–100 % on the y axis.
func newHistoryChart(trends []MaturityTrend) historyChart {
	c := historyChart{Width: chartWidth, Height: chartHeight, PlotLeft: chartLeft, PlotRight: chartWidth - chartRight,
		LabelY: chartHeight - chartBottom + 18, Window: historyDays}
	plotW, plotH := chartWidth-chartLeft-chartRight, chartHeight-chartTop-chartBottom
	for p := 0; p <= 100; p += 25 {
		c.Grid = append(c.Grid, chartLabel{Pos: chartTop + plotH - plotH*p/100, Label: fmt.Sprintf("%d %%", p)})
	}
	days := map[string]map[string]string{}
	var first, last time.Time
	for _, tr := range trends {
		for _, p := range tr.Points {
			d, err := time.Parse(time.DateOnly, p.Day)
			if err != nil {
				continue
			}
			if first.IsZero() || d.Before(first) {
				first = d
			}
			if d.After(last) {
				last = d
			}
		}
	}
	if first.IsZero() {
		return c
	}
	span := last.Sub(first).Hours() / 24
	x := func(d time.Time) int {
		if span == 0 {
			return chartLeft + plotW/2
		}
		return chartLeft + int(float64(plotW)*d.Sub(first).Hours()/24/span+0.5)
	}
	if span == 0 {
		c.XLabels = append(c.XLabels, chartLabel{Pos: x(first), Label: first.Format("02.01.2006"), Anchor: "middle"})
	} else {
		c.XLabels = append(c.XLabels, chartLabel{Pos: x(first), Label: first.Format("02.01.2006"), Anchor: "start"},
			chartLabel{Pos: x(last), Label: last.Format("02.01.2006"), Anchor: "end"})
	}
	for i, tr := range trends {
		name := tr.Tenant.ShortName
		c.Tenants = append(c.Tenants, name)
		line := historyLine{Name: name, Colour: lineColours[i%len(lineColours)], Dash: lineDashes[i/len(lineColours)%len(lineDashes)]}
		var pts []string
		for _, p := range tr.Points {
			d, err := time.Parse(time.DateOnly, p.Day)
			if err != nil {
				continue
			}
			share := p.SharePercent()
			dot := historyDot{X: x(d), Y: chartTop + plotH - int(float64(plotH)*share/100+0.5)}
			text := percent(share) + " (" + fmt.Sprint(p.Online) + " von " + fmt.Sprint(p.Services) + ")"
			dot.Title = name + ", " + d.Format("02.01.2006") + ": " + text
			line.Dots = append(line.Dots, dot)
			pts = append(pts, fmt.Sprintf("%d,%d", dot.X, dot.Y))
			if days[p.Day] == nil {
				days[p.Day] = map[string]string{}
			}
			days[p.Day][name] = text
		}
		line.Points = strings.Join(pts, " ")
		c.Lines = append(c.Lines, line)
	}
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		cells, ok := days[d.Format(time.DateOnly)]
		if !ok {
			continue
		}
		row := historyDay{Label: d.Format("02.01.2006")}
		for _, name := range c.Tenants {
			row.Cells = append(row.Cells, cmp.Or(cells[name], "–"))
		}
		c.Days = append(c.Days, row)
	}
	return c
}

// percent writes a share the German way: "41,7 %".
func percent(p float64) string {
	return strings.Replace(fmt.Sprintf("%.1f %%", p), ".", ",", 1)
}

// historyEntry is one snapshot in the JSON export.
type historyEntry struct {
	Tenant      string  `json:"tenant"`
	AGS         string  `json:"ags"`
	Day         string  `json:"day"`
	Services    int     `json:"services"`
	Online      int     `json:"online"`
	Compliant   int     `json:"compliant"`
	ShareOnline float64 `json:"share_online_percent"`
	Levels11    [5]int  `json:"services_per_level_1_1"`
	Levels20    [8]int  `json:"services_per_level_2_0"`
}

func historyJSON(trends []MaturityTrend) []historyEntry {
	out := []historyEntry{}
	for _, tr := range trends {
		for _, p := range tr.Points {
			out = append(out, historyEntry{Tenant: tr.Tenant.Slug, AGS: tr.Tenant.AGS, Day: p.Day, Services: p.Services, Online: p.Online,
				Compliant: p.Compliant, ShareOnline: float64(int(p.SharePercent()*10+0.5)) / 10, Levels11: p.Levels11, Levels20: p.Levels20})
		}
	}
	return out
}
