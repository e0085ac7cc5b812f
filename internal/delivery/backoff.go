package delivery

import (
	"math/rand/v2"
	"time"
)

// Backoff spaces the attempts of a failing delivery: exponential, capped,
// with jitter.
type Backoff struct {
	// Base is the wait after the first failed attempt.
	Base time.Duration
	// Max caps the wait; the delay never exceeds it.
	Max time.Duration
}

// DefaultBackoff waits 1 min, 2, 4, … up to 6 h between attempts: with
// DefaultMaxAttempts the twelfth and last attempt comes 15 to 20 hours
// after the first, enough to outlast a receiver's weekend-night maintenance without
// leaving a citizen's application hanging for days unnoticed.
var DefaultBackoff = Backoff{Base: time.Minute, Max: 6 * time.Hour}

// Delay is the wait after the given number of failed attempts in a row
// (1 for the first): min(Base·2^(failures-1), Max), less up to a quarter
// at random, so deliveries that failed together (a receiver outage) spread
// out when they come back instead of hitting the receiver at once.
func (b Backoff) Delay(failures int) time.Duration {
	if b.Base <= 0 {
		b.Base = DefaultBackoff.Base
	}
	if b.Max < b.Base {
		b.Max = b.Base
	}
	d := b.Base
	for i := 1; i < failures && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	return d - time.Duration(rand.Int64N(int64(d)/4+1)) // #nosec G404 -- jitter for retry delays; nothing secret depends on it
}
