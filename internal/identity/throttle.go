package identity

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
)

// ThrottlePolicy sets the exponential back-off for failed logins. See the
// package documentation for the reasoning behind the defaults.
type ThrottlePolicy struct {
	// FreeAccountFailures and FreeNetworkFailures are the failures allowed
	// before any waiting.
	FreeAccountFailures int
	FreeNetworkFailures int
	// BaseDelay is the wait after the first failure beyond the free ones;
	// each further failure doubles it, up to MaxDelay.
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// Decay forgets a counter after this long without failures.
	Decay time.Duration
}

// DefaultThrottle is the documented default policy.
var DefaultThrottle = ThrottlePolicy{
	FreeAccountFailures: 5,
	FreeNetworkFailures: 20,
	BaseDelay:           time.Second,
	MaxDelay:            15 * time.Minute,
	Decay:               24 * time.Hour,
}

// Throttle counts failed logins per e-mail address and per client network
// in the database, so that all instances share the counts.
type Throttle struct {
	db     *store.DB
	policy ThrottlePolicy
	now    func() time.Time
}

// NewThrottle returns a Throttle on db; now may be nil for time.Now.
func NewThrottle(db *store.DB, policy ThrottlePolicy, now func() time.Time) *Throttle {
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	return &Throttle{db: db, policy: policy, now: now}
}

// accountBucket keys the counter by a hash of the normalised address, so
// unknown addresses are throttled exactly like known ones and the table
// holds no addresses.
func accountBucket(kind Kind, email string) string {
	h := sha256.Sum256([]byte(string(kind) + "\x00" + NormalizeEmail(email)))
	return "a:" + hex.EncodeToString(h[:16])
}

// networkBucket keys the counter by IPv4 address or IPv6 /64, since one
// IPv6 host usually controls a whole /64.
func networkBucket(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ""
	}
	addr = addr.Unmap()
	if addr.Is6() {
		p, _ := addr.Prefix(64)
		return "n:" + p.String()
	}
	return "n:" + addr.String()
}

// delay is the wait imposed after failures, given the free allowance.
func (t *Throttle) delay(failures, free int) time.Duration {
	over := failures - free
	if over <= 0 {
		return 0
	}
	d := t.policy.BaseDelay
	for i := 1; i < over && d < t.policy.MaxDelay; i++ {
		d *= 2
	}
	return min(d, t.policy.MaxDelay)
}

type bucket struct {
	key  string
	free int
}

func (t *Throttle) buckets(kind Kind, email, ip string) []bucket {
	bs := []bucket{{accountBucket(kind, email), t.policy.FreeAccountFailures}}
	if n := networkBucket(ip); n != "" {
		bs = append(bs, bucket{n, t.policy.FreeNetworkFailures})
	}
	return bs
}

var errThrottled = errors.New("throttled")

// Attempt asks whether a login for email from ip may proceed now, and if
// not, how long to wait. An allowed attempt is counted as a failure in
// advance, in the same transaction as the check, so a burst of parallel
// guesses cannot all slip through before the first failure is recorded;
// Success (or Cancel) takes the count back. A refused attempt changes
// nothing, so waiting the announced time always works.
//
// A refused attempt is answered from a read alone: during a flood almost
// every attempt is refused, and none of them should queue for the writer.
func (t *Throttle) Attempt(ctx context.Context, kind Kind, email, ip string) (allowed bool, retryAfter time.Duration, err error) {
	buckets := t.buckets(kind, email, ip)
	wait, err := t.pending(ctx, buckets)
	if err != nil {
		return false, 0, err
	}
	if wait > 0 {
		return false, roundUp(wait), nil
	}
	err = t.db.InTx(ctx, func(ctx context.Context) error {
		now := t.now()
		for _, b := range buckets {
			// The upsert takes the row's lock (PostgreSQL) or the write lock
			// (SQLite) before the counter is read, which makes check and count
			// one step across instances. A counter older than the decay starts
			// again at one.
			if _, err := t.db.Exec(ctx, `INSERT INTO login_failures (bucket, failures, last_failure_at) VALUES (?, 1, ?)
				ON CONFLICT (bucket) DO UPDATE SET
					failures = CASE WHEN login_failures.last_failure_at < ? THEN 1 ELSE login_failures.failures + 1 END,
					previous_at = login_failures.last_failure_at,
					last_failure_at = excluded.last_failure_at`,
				b.key, now, now.Add(-t.policy.Decay)); err != nil {
				return fmt.Errorf("identity: login throttle: %w", err)
			}
			var failures int
			var previous sql.NullTime
			if err := t.db.QueryRow(ctx, `SELECT failures, previous_at FROM login_failures WHERE bucket = ?`, b.key).Scan(&failures, &previous); err != nil {
				return fmt.Errorf("identity: login throttle: %w", err)
			}
			// The earlier attempts set the wait; this one must respect it.
			if failures > 1 && previous.Valid {
				wait = max(wait, previous.Time.Add(t.delay(failures-1, b.free)).Sub(now))
			}
		}
		if wait > 0 {
			return errThrottled
		}
		return nil
	})
	if errors.Is(err, errThrottled) {
		return false, roundUp(wait), nil
	}
	if err != nil {
		return false, 0, err
	}
	return true, 0, nil
}

// pending returns how long the buckets still ask a new attempt to wait,
// read outside any transaction. It is the wait Attempt's transaction would
// find, since counting this attempt makes the newest failure the previous
// one. Attempt checks again inside its transaction, so a stale read can only
// let an attempt through to that check, never count a refused one.
func (t *Throttle) pending(ctx context.Context, buckets []bucket) (time.Duration, error) {
	now := t.now()
	var wait time.Duration
	for _, b := range buckets {
		var failures int
		var last time.Time
		err := t.db.QueryRow(ctx, `SELECT failures, last_failure_at FROM login_failures WHERE bucket = ?`, b.key).Scan(&failures, &last)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("identity: login throttle: %w", err)
		}
		if last.Before(now.Add(-t.policy.Decay)) {
			continue
		}
		wait = max(wait, last.Add(t.delay(failures, b.free)).Sub(now))
	}
	return wait, nil
}

// roundUp gives a wait in whole seconds, rounded up, as Retry-After carries
// them: never a moment that would still be refused.
func roundUp(wait time.Duration) time.Duration {
	return (wait + time.Second - 1).Truncate(time.Second)
}

// Success clears the address's counter after a correct login and takes
// back the network's advance count. The rest of the network counter stays:
// otherwise an attacker could reset it with an account of their own.
func (t *Throttle) Success(ctx context.Context, kind Kind, email, ip string) error {
	return t.db.InTx(ctx, func(ctx context.Context) error {
		if _, err := t.db.Exec(ctx, `DELETE FROM login_failures WHERE bucket = ?`, accountBucket(kind, email)); err != nil {
			return fmt.Errorf("identity: clear failed logins: %w", err)
		}
		return t.uncount(ctx, networkBucket(ip))
	})
}

// Cancel takes back an attempt that was never decided (the password check
// could not run), so server trouble does not count against the user.
func (t *Throttle) Cancel(ctx context.Context, kind Kind, email, ip string) error {
	return t.db.InTx(ctx, func(ctx context.Context) error {
		for _, b := range t.buckets(kind, email, ip) {
			if err := t.uncount(ctx, b.key); err != nil {
				return err
			}
		}
		return nil
	})
}

func (t *Throttle) uncount(ctx context.Context, bucket string) error {
	if bucket == "" {
		return nil
	}
	if _, err := t.db.Exec(ctx, `UPDATE login_failures SET failures = failures - 1 WHERE bucket = ? AND failures > 0`, bucket); err != nil {
		return fmt.Errorf("identity: login throttle: %w", err)
	}
	return nil
}

// DeleteExpired forgets counters older than the decay period.
func (t *Throttle) DeleteExpired(ctx context.Context) (int64, error) {
	res, err := t.db.Exec(ctx, `DELETE FROM login_failures WHERE last_failure_at < ?`, t.now().Add(-t.policy.Decay))
	if err != nil {
		return 0, fmt.Errorf("identity: delete old login failures: %w", err)
	}
	return res.RowsAffected()
}
