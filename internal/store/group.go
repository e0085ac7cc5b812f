package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// SQLite has one writer, and with synchronous=FULL every commit waits for
// an fsync of the log: a submit that takes a fraction of a millisecond of
// work waits milliseconds for the disk, and the next submit waits behind
// it. Group commit lets transactions that queue up meanwhile share one
// commit: each runs inside a SAVEPOINT of one SQLite transaction, so a
// failing one is rolled back alone, and all of them learn the outcome of
// the one COMMIT. Nobody's InTx returns before its writes are durable, and
// nobody waits for a batch to fill: a batch commits as soon as no other
// transaction is queued, or when it is full or old.
const (
	groupMaxMembers = 32
	groupMaxAge     = 3 * time.Millisecond
)

// group coordinates the batches. Transactions run one at a time, each on
// its caller's goroutine, under mu.
type group struct {
	mu      sync.Mutex
	waiting atomic.Int32
	batch   *batch // the open batch; guarded by mu
	// members and commits count committed transactions and the commits
	// that carried them.
	members, commits atomic.Int64
}

// GroupCommits reports how many transactions were committed on SQLite and
// in how many commits: the ratio is what group commit saved.
func (db *DB) GroupCommits() (transactions, commits int64) {
	return db.group.members.Load(), db.group.commits.Load()
}

// batch is one SQLite transaction shared by several InTx calls.
type batch struct {
	tx      *sql.Tx
	started time.Time
	seq     int
	members int
	// broken is set when the transaction can no longer be used; the batch
	// then rolls back and every member gets the error.
	broken error
	done   chan struct{}
	err    error // outcome for the members; set before done is closed
}

// groupTx is InTx on SQLite: fn runs in a savepoint of the open batch (or
// a new one) and InTx returns once that batch committed or failed.
//
// fn gets a context that is not cancelled with the caller's: cancelling a
// statement inside a transaction makes SQLite roll back the whole
// transaction, other callers' work included. Writes are short, so a
// transaction whose caller went away still finishes.
func (db *DB) groupTx(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	g := &db.group
	g.waiting.Add(1)
	g.mu.Lock()
	g.waiting.Add(-1)
	if err := ctx.Err(); err != nil {
		g.release()
		return err
	}
	if g.batch == nil {
		tx, err := db.write.BeginTx(context.Background(), nil)
		if err != nil {
			g.release()
			return fmt.Errorf("store: begin: %w", err)
		}
		g.batch = &batch{tx: tx, started: time.Now(), done: make(chan struct{})}
	}
	b := g.batch
	// Members run one after another and each releases its savepoint before
	// the next begins, so one name serves all, and its statements are
	// parsed once instead of once per member.
	const sp = "member"
	b.seq++
	inner := context.WithValue(context.WithoutCancel(ctx), txKey{}, b.tx)
	if _, err := db.exec(inner, "SAVEPOINT "+sp, nil); err != nil {
		b.broken = fmt.Errorf("store: savepoint: %w", err)
		g.release()
		<-b.done
		return b.err
	}
	returned := false
	defer func() {
		// Runs on return, on panic and on runtime.Goexit (t.Fatal in a
		// test), so the batch is never left without someone to end it.
		p := recover()
		ok := returned && err == nil && p == nil
		if ok {
			if _, rerr := db.exec(inner, "RELEASE "+sp, nil); rerr != nil {
				b.broken, ok = fmt.Errorf("store: release savepoint: %w", rerr), false
				err = b.broken
			}
		} else if b.broken == nil {
			if _, rerr := db.exec(inner, "ROLLBACK TO "+sp, nil); rerr != nil {
				b.broken = fmt.Errorf("store: roll back savepoint: %w", rerr)
			} else if _, rerr := db.exec(inner, "RELEASE "+sp, nil); rerr != nil {
				b.broken = fmt.Errorf("store: release savepoint: %w", rerr)
			}
		}
		if ok {
			b.members++
		}
		g.release()
		// A failed member waits for the batch too: what made it fail (a
		// unique key, say) may be another member's row, and the caller's
		// next read must find that row committed.
		<-b.done
		if ok {
			err = b.err
		}
		if p != nil {
			panic(p)
		}
	}()
	err = fn(inner)
	returned = true
	return err
}

// release ends the caller's turn, with mu held: it leaves the open batch
// to the next queued transaction, or ends the batch (commit, or rollback
// if broken or empty) when nobody is queued or the batch is full or old.
// It unlocks mu.
func (g *group) release() {
	b := g.batch
	if b == nil {
		g.mu.Unlock()
		return
	}
	if b.broken == nil && g.waiting.Load() > 0 && b.seq < groupMaxMembers && time.Since(b.started) < groupMaxAge {
		g.mu.Unlock()
		return
	}
	g.batch = nil
	switch {
	case b.broken != nil:
		b.err = errors.Join(b.broken, b.tx.Rollback())
	case b.members == 0:
		b.err = b.tx.Rollback()
	default:
		if cerr := b.tx.Commit(); cerr != nil {
			b.err = fmt.Errorf("store: commit: %w", cerr)
		} else {
			g.members.Add(int64(b.members))
			g.commits.Add(1)
		}
	}
	close(b.done)
	g.mu.Unlock()
}
