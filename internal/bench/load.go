package bench

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Target is one HTTP request of a load run. Only loopback addresses are
// allowed (see checkLoopback).
type Target struct {
	Method string
	URL    string
	Body   []byte
	Header http.Header
}

// Load is an open-model run: requests are sent at a constant arrival
// rate whatever the server does, so a slow server meets a growing queue
// instead of a politely waiting client, and its tail latency shows.
type Load struct {
	// Rate is the arrival rate per second.
	Rate float64
	// Duration is how long requests are sent.
	Duration time.Duration
	// Targets are sent in turn (round robin).
	Targets []Target
	// Timeout bounds one request; 0 means 10 s.
	Timeout time.Duration
	// OK decides success; nil accepts 2xx and 3xx.
	OK func(code int) bool
}

// Run attacks the targets with vegeta and returns the sample. The latency
// vegeta reports runs from the moment a worker picks up the tick; vegeta
// adds workers whenever all are busy, so a tick is never held back by a
// slow response (the open model) unless the generator itself runs out of CPU.
func (l Load) Run(ctx context.Context) (*Sample, error) {
	if l.Rate <= 0 || l.Duration <= 0 || len(l.Targets) == 0 {
		return nil, fmt.Errorf("bench: load needs a rate, a duration and targets")
	}
	vts := make([]vegeta.Target, len(l.Targets))
	for i, t := range l.Targets {
		if err := checkLoopback(t.URL); err != nil {
			return nil, err
		}
		vts[i] = vegeta.Target{Method: t.Method, URL: t.URL, Body: t.Body, Header: t.Header}
		if vts[i].Method == "" {
			vts[i].Method = http.MethodGet
		}
	}
	timeout := l.Timeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	okFn := l.OK
	if okFn == nil {
		okFn = func(c int) bool { return c >= 200 && c < 400 }
	}
	// Our own client: no proxy ever, no redirects followed (a 303 after a
	// POST is the answer), and idle connections closed after the run so
	// that one run's connections do not linger into the next.
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        20000,
		MaxIdleConnsPerHost: 20000,
		IdleConnTimeout:     30 * time.Second,
		DisableCompression:  true,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	atk := vegeta.NewAttacker(vegeta.Client(client), vegeta.MaxBody(0), vegeta.Workers(16), vegeta.MaxWorkers(20000))
	pacer := vegeta.ConstantPacer{Freq: int(l.Rate + 0.5), Per: time.Second}
	if pacer.Freq < 1 {
		pacer = vegeta.ConstantPacer{Freq: 1, Per: time.Duration(float64(time.Second) / l.Rate)}
	}
	s := &Sample{}
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			atk.Stop()
		case <-done:
		}
	}()
	defer close(done)
	for r := range atk.Attack(vegeta.NewStaticTargeter(vts...), pacer, l.Duration, "spbench") {
		code := int(r.Code)
		// vegeta reports non-2xx/3xx codes as errors too; a 2xx or 3xx
		// with an error means the body broke off.
		broken := r.Error != "" && code >= 200 && code < 400
		ok := code != 0 && okFn(code) && !broken
		s.Add(r.Timestamp, r.Latency, ok, code)
		if !ok {
			s.NoteError(cmp.Or(r.Error, fmt.Sprintf("status %d", code)))
		}
	}
	return s, ctx.Err()
}

// checkLoopback refuses any target that is not on this machine: the
// benchmark must never load someone else's server.
func checkLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("bench: target %q: %w", raw, err)
	}
	if !isLoopbackHost(u.Hostname()) {
		return fmt.Errorf("bench: target %s is not a loopback address; only 127.0.0.1 may be loaded", u.Host)
	}
	return nil
}

// isLoopbackHost accepts 127.0.0.0/8, ::1 and localhost.
func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(h)
	return err == nil && a.IsLoopback()
}
