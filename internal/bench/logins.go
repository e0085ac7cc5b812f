package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/serviceportal/serviceportal/internal/identity"
)

const (
	hashBoundName  = "argon2id bound: cores ÷ one hash time"
	hashParallel   = "argon2id hashes, one per core at once (measured)"
	loginsName     = "password logins through /dorsten/konto/anmelden"
	catalogName    = "catalogue page /dorsten/leistungen, no logins"
	catalogFlood   = "catalogue page /dorsten/leistungen during a login flood"
	loginsFlooding = "password logins during the flood (5× bound offered)"
	demoCitizen    = "erika.mustermann@demo.example"
)

// runLogins measures the argon2id bound, the login rate the portal
// reaches, and whether a login flood slows the catalogue.
func runLogins(ctx context.Context, r *Report, c Config, p *portal) error {
	hash, err := hashTime(ctx, p.uc.Identity.Hasher(), c.HashSamples)
	if err != nil {
		return err
	}
	cores := runtime.NumCPU()
	bound := float64(cores) / time.Duration(hash.P50).Seconds()
	r.add(Row{Section: "logins", Name: hashBoundName, Ceiling: true, Load: fmt.Sprintf("%d hashes", c.HashSamples),
		Stats: Stats{Requests: hash.Requests, OK: hash.OK, Throughput: bound, P50: hash.P50, Max: hash.Max},
		Note:  fmt.Sprintf("one argon2id hash (19 MiB, t=2, p=1) %s ms, %d cores", hash.P50, cores)})

	// The bound assumes idle cores; hashing on all cores at once shows
	// what they deliver here (memory bandwidth, other work on the machine).
	par := parallelHashes(ctx, p.uc.Identity.Hasher(), cores, c.HashSamples)
	r.add(Row{Section: "logins", Name: hashParallel, Ceiling: true, Load: fmt.Sprintf("closed %d", cores), Stats: par.Summary(0)})

	targets, err := loginTargets(ctx, p, c.LoginAccounts)
	if err != nil {
		return err
	}
	isLogin := func(code int) bool { return code == http.StatusSeeOther }
	rate := 2 * bound
	s, err := Load{Rate: rate, Duration: c.LoginDuration, Targets: targets, OK: isLogin}.Run(ctx)
	if err != nil {
		return err
	}
	i := r.add(Row{Section: "logins", Name: loginsName, Load: fmt.Sprintf("open %s/s", formatFloat(rate, 0)), Stats: s.Summary(c.LoginDuration),
		Note: "2× the bound offered; refusals (429 throttle, 503 busy) count as errors"})
	r.compare(i, hashBoundName, true, false)
	r.compare(i, hashParallel, true, false)

	page := []Target{{URL: p.base + "/dorsten/leistungen"}}
	load := fmt.Sprintf("open %s/s", formatFloat(c.CatalogRate, 0))
	s, err = Load{Rate: c.CatalogRate, Duration: c.LoginDuration, Targets: page}.Run(ctx)
	if err != nil {
		return err
	}
	r.add(Row{Section: "logins", Name: catalogName, Ceiling: true, Load: load, Stats: s.Summary(c.LoginDuration)})

	// The flood and the page load run at the same time.
	flood := 5 * bound
	var wg sync.WaitGroup
	var floodSample *Sample
	var floodErr error
	wg.Go(func() {
		floodSample, floodErr = Load{Rate: flood, Duration: c.LoginDuration, Targets: targets, OK: isLogin}.Run(ctx)
	})
	s, err = Load{Rate: c.CatalogRate, Duration: c.LoginDuration, Targets: page}.Run(ctx)
	wg.Wait()
	if err != nil {
		return err
	}
	if floodErr != nil {
		return floodErr
	}
	i = r.add(Row{Section: "logins", Name: catalogFlood, Load: load + fmt.Sprintf(" + logins %s/s", formatFloat(flood, 0)),
		Stats: s.Summary(c.LoginDuration)})
	r.compare(i, catalogName, true, true)
	fs := floodSample.Summary(c.LoginDuration)
	i = r.add(Row{Section: "logins", Name: loginsFlooding, Load: fmt.Sprintf("open %s/s", formatFloat(flood, 0)), Stats: fs})
	r.compare(i, hashBoundName, true, false)
	r.compare(i, hashParallel, true, false)
	return nil
}

// hashTime times argon2id hashes one after the other with the portal's
// own hasher and parameters, after one warm-up hash.
func hashTime(ctx context.Context, h *identity.Hasher, n int) (Stats, error) {
	if _, err := h.Hash(ctx, identity.DemoPassword); err != nil {
		return Stats{}, err
	}
	s := &Sample{}
	for range n {
		t := time.Now()
		if _, err := h.Hash(ctx, identity.DemoPassword); err != nil {
			return Stats{}, err
		}
		s.Add(t, time.Since(t), true, 0)
	}
	return s.Summary(0), nil
}

// parallelHashes runs n hashes on each of workers goroutines at once.
func parallelHashes(ctx context.Context, h *identity.Hasher, workers, n int) *Sample {
	s := &Sample{}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range n {
				t := time.Now()
				_, err := h.Hash(ctx, identity.DemoPassword)
				s.Add(t, time.Since(t), err == nil, 0)
			}
		})
	}
	wg.Wait()
	return s
}

// loginTargets prepares n verified citizen accounts (the demo citizen and
// n-1 more, all with the demo password) and returns one login request
// per account. Several accounts keep the per-account throttle from
// refusing a legitimate crowd; the per-network one still applies.
func loginTargets(ctx context.Context, p *portal, n int) ([]Target, error) {
	emails := []string{demoCitizen}
	for i := 1; i < n; i++ {
		email := "spbench-" + strconv.Itoa(i) + "@demo.example"
		reg, err := p.uc.Identity.RegisterCitizen(ctx, email, identity.DemoPassword)
		if err != nil {
			return nil, err
		}
		if reg.VerifyToken != "" {
			if _, err := p.uc.Identity.VerifyEmail(ctx, reg.VerifyToken); err != nil {
				return nil, err
			}
		}
		emails = append(emails, email)
	}
	hdr := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	var ts []Target
	for _, e := range emails {
		body := url.Values{"email": {e}, "password": {identity.DemoPassword}}.Encode()
		ts = append(ts, Target{Method: http.MethodPost, URL: p.base + "/dorsten/konto/anmelden", Body: []byte(body), Header: hdr})
	}
	// One login by hand proves the request right: 303 and a session cookie.
	t := ts[0]
	req, _ := http.NewRequestWithContext(ctx, t.Method, t.URL, strings.NewReader(string(t.Body)))
	req.Header = t.Header.Clone()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || len(resp.Cookies()) == 0 {
		return nil, fmt.Errorf("bench: the demo login answered %d without a session cookie", resp.StatusCode)
	}
	return ts, nil
}

// codesText lists status codes and counts: "303×120 429×40".
func codesText(codes map[int]int) string {
	keys := make([]int, 0, len(codes))
	for k := range codes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%d×%d ", k, codes[k])
	}
	return strings.TrimSpace(b.String())
}
