// Package delivery hands submitted applications to the authority's
// destinations through a transactional outbox: the portal's own back
// office (the default), a signed webhook, an e-mail to the office with the
// receipt PDF, and later FIT-Connect as one more Adapter.
//
// Enqueue runs inside the submit transaction (a submission hook). It writes
// one delivery row per resolved target and one River job per delivery in
// that same transaction, so a committed submission always has its
// deliveries and a rolled-back one never has any.
//
// The DeliverWorker claims a delivery with a conditional UPDATE, runs the
// adapter outside any transaction, and records the attempt. A delivered
// (or dead) delivery is never claimed again, so a job that runs twice sends
// nothing twice; a receiver may still see a delivery more than once (the
// portal crashed after sending but before recording) and deduplicates by
// the delivery ID, which is stable across attempts.
//
// Retries: a failed attempt returns its error to River, and the worker's
// NextRetry returns the time the worker chose and stored in
// next_attempt_at: Backoff.Delay, which doubles from Base up to Max and
// subtracts up to a quarter at random (jitter, so deliveries that failed
// together do not return together; never more than Max). After MaxAttempts
// failed attempts in a row the delivery is dead (dead letter) and its job
// is cancelled; staff see it and call Retry once the cause is fixed, which
// starts a fresh series of attempts.
package delivery
