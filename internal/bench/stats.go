package bench

import (
	"slices"
	"sync"
	"time"
)

// Sample collects the outcome of every operation of one measurement.
// Latencies are kept whole (a run holds at most a few hundred thousand),
// so percentiles are exact rather than estimated.
type Sample struct {
	mu        sync.Mutex
	latencies []time.Duration
	codes     map[int]int
	errors    int
	ok        int
	firstErr  string
	// first and last bound the measurement window for throughput.
	first, last time.Time
	// spans is the summed window of samples merged in (see Merge); when
	// set, it replaces last-first.
	spans time.Duration
}

// Merge adds the operations of o, measured in a window of its own (at
// least min long), as when a measurement is run in interleaved slices.
func (s *Sample) Merge(o *Sample, min time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latencies = append(s.latencies, o.latencies...)
	if s.codes == nil {
		s.codes = map[int]int{}
	}
	for k, v := range o.codes {
		s.codes[k] += v
	}
	s.ok += o.ok
	s.errors += o.errors
	if s.firstErr == "" {
		s.firstErr = o.firstErr
	}
	s.spans += max(o.last.Sub(o.first), min)
}

// Add records one operation that started (or was due) at start and took
// d; ok says whether it succeeded; code is an HTTP status (0 for in-process
// operations).
func (s *Sample) Add(start time.Time, d time.Duration, ok bool, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latencies = append(s.latencies, d)
	if s.codes == nil {
		s.codes = map[int]int{}
	}
	if code != 0 {
		s.codes[code]++
	}
	if ok {
		s.ok++
	} else {
		s.errors++
	}
	if s.first.IsZero() || start.Before(s.first) {
		s.first = start
	}
	if end := start.Add(d); end.After(s.last) {
		s.last = end
	}
}

// NoteError keeps the first error message, to explain an error rate.
func (s *Sample) NoteError(msg string) {
	if msg == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.firstErr == "" {
		s.firstErr = msg
	}
}

// Stats summarise a Sample.
type Stats struct {
	Requests   int         `json:"requests"`
	OK         int         `json:"ok"`
	Throughput float64     `json:"throughput_per_s"`
	P50        Millis      `json:"p50_ms"`
	P90        Millis      `json:"p90_ms"`
	P99        Millis      `json:"p99_ms"`
	Max        Millis      `json:"max_ms"`
	ErrorRate  float64     `json:"error_rate"`
	Codes      map[int]int `json:"status_codes,omitempty"`
	Window     Millis      `json:"window_ms"`
	FirstError string      `json:"first_error,omitempty"`
}

// Summary computes the statistics. Throughput is successful operations per
// second over the window from the first start to the last completion; a
// caller that knows the intended window (a constant-rate run) passes it as
// window, which then serves as the lower bound of the denominator.
func (s *Sample) Summary(window time.Duration) Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.latencies)
	st := Stats{Requests: n, OK: s.ok, Codes: map[int]int{}, FirstError: s.firstErr}
	for k, v := range s.codes {
		st.Codes[k] = v
	}
	if n == 0 {
		return st
	}
	sorted := slices.Clone(s.latencies)
	slices.Sort(sorted)
	st.P50 = Millis(quantile(sorted, 0.50))
	st.P90 = Millis(quantile(sorted, 0.90))
	st.P99 = Millis(quantile(sorted, 0.99))
	st.Max = Millis(sorted[n-1])
	st.ErrorRate = float64(s.errors) / float64(n)
	w := max(s.last.Sub(s.first), window)
	if s.spans > 0 {
		w = s.spans
	}
	st.Window = Millis(w)
	if w > 0 {
		st.Throughput = float64(s.ok) / w.Seconds()
	}
	return st
}

// quantile is the nearest-rank quantile of sorted durations.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// Millis is a duration that prints and encodes as milliseconds.
type Millis time.Duration

// MarshalJSON writes milliseconds with microsecond precision.
func (m Millis) MarshalJSON() ([]byte, error) {
	return []byte(formatFloat(time.Duration(m).Seconds()*1000, 3)), nil
}

// String formats for the table: three significant figures or so.
func (m Millis) String() string {
	ms := time.Duration(m).Seconds() * 1000
	switch {
	case ms == 0:
		return "-"
	case ms < 10:
		return formatFloat(ms, 2)
	case ms < 100:
		return formatFloat(ms, 1)
	}
	return formatFloat(ms, 0)
}
