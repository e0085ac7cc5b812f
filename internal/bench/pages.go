package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const (
	fortunesName    = "fortunes page (net/http, html/template, 1 SQLite query, 13 rows)"
	servicePageName = "service page /dorsten/leistungen/hundeanmeldung"
	formStepName    = "form step page (Hundeanmeldung, step 1 of a draft)"
)

// runPages loads the fortunes ceiling and the two portal pages at the same
// arrival rate, each right after the other, then ramps each to saturation.
func runPages(ctx context.Context, r *Report, c Config, p *portal, f *fortunes) error {
	stepURL, err := startDraft(ctx, p)
	if err != nil {
		return err
	}
	pages := []struct {
		name string
		url  string
		want string
	}{
		{fortunesName, f.base + "/fortunes", "Zusätzliche Nachricht"},
		{servicePageName, p.base + "/dorsten/leistungen/hundeanmeldung", "Online beantragen"},
		{formStepName, stepURL, "Schritt 1 von"},
	}
	for _, pg := range pages {
		if err := expectPage(ctx, pg.url, pg.want); err != nil {
			return err
		}
	}
	load := fmt.Sprintf("open %s/s", formatFloat(c.Rate, 0))
	if c.Slices > 1 {
		load += fmt.Sprintf(", %d slices", c.Slices)
	}
	samples := make([]*Sample, len(pages))
	slice := c.Duration / time.Duration(c.Slices)
	for range c.Slices {
		for i, pg := range pages {
			s, err := Load{Rate: c.Rate, Duration: slice, Targets: []Target{{URL: pg.url}}}.Run(ctx)
			if err != nil {
				return err
			}
			if samples[i] == nil {
				samples[i] = &Sample{}
			}
			samples[i].Merge(s, slice)
		}
	}
	for i, pg := range pages {
		row := r.add(Row{Section: "pages", Name: pg.name, Ceiling: i == 0, Load: load, Stats: samples[i].Summary(c.Duration)})
		if i > 0 {
			r.compare(row, fortunesName, true, true)
		}
	}
	if !c.Ramp {
		return nil
	}
	for i, pg := range pages {
		sat, err := saturate(ctx, []Target{{URL: pg.url}}, c.Rate/2, c)
		if err != nil {
			return err
		}
		name := "saturation: " + pg.name
		row := r.add(Row{Section: "saturation", Name: name, Ceiling: i == 0,
			Load: fmt.Sprintf("ramp ×%s, %d steps", formatFloat(c.RampFactor, 1), len(sat.Steps)), Stats: sat.Best, Steps: sat.Steps,
			Note: fmt.Sprintf("best at %s/s offered", formatFloat(sat.Rate, 0))})
		if i > 0 {
			r.compare(row, "saturation: "+fortunesName, true, false)
		}
	}
	return nil
}

// startDraft starts a Hundeanmeldung in Dorsten as a browser does (POST,
// then follow the redirect) and returns the URL of its first step.
func startDraft(ctx context.Context, p *portal) (string, error) {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.base+"/dorsten/antrag/hundeanmeldung", strings.NewReader(url.Values{}.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "/antrag/hundeanmeldung/e/") {
		return "", fmt.Errorf("bench: starting a draft answered %d, Location %q", resp.StatusCode, loc)
	}
	u, err := url.Parse(p.base)
	if err != nil {
		return "", err
	}
	next, err := u.Parse(loc)
	if err != nil {
		return "", err
	}
	return next.String(), nil
}

// expectPage checks that a page answers 200 with the given text, so that a
// fast error page is never mistaken for a fast page.
func expectPage(ctx context.Context, u, want string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), want) {
		return fmt.Errorf("bench: %s answered %d without %q", u, resp.StatusCode, want)
	}
	return nil
}
