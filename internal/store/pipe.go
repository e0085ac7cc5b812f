package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// A pipe queues the writes of one PostgreSQL transaction that nobody
// reads a result of (Defer), and sends them in one round trip through
// pgx's batch, on the transaction's own connection, before the next
// statement or the commit.
//
// Each round trip to the server is a wait and two context switches. The
// submit transaction's dozen inserts (attachment, case, history, event,
// deliveries, mail, audit) took a dozen of them; on two shared cores each
// cost one to six milliseconds under load, and the server's processes
// spent more time being woken than inserting.
//
// A queued write that fails aborts the transaction: its error is kept
// and returned by the next statement, the flush before the commit, and
// InTx.
type pipe struct {
	conn  *sql.Conn
	queue []queued
	err   error
}

type queued struct {
	query string
	args  []any
}

type pipeKey struct{}

func pipeFrom(ctx context.Context) *pipe {
	p, _ := ctx.Value(pipeKey{}).(*pipe)
	return p
}

// Defer runs a write whose result nobody reads. Inside a PostgreSQL
// transaction it is queued and sent with the transaction's next statement
// or before its commit, all queued writes in one round trip; its error
// then fails that statement or the commit. Elsewhere (SQLite, whose
// single writer runs in process, or outside a transaction) it runs at
// once, as Exec.
func (db *DB) Defer(ctx context.Context, query string, args ...any) error {
	if p := pipeFrom(ctx); p != nil {
		if p.err != nil {
			return p.err
		}
		p.queue = append(p.queue, queued{query: db.Rebind(query), args: args})
		return nil
	}
	_, err := db.Exec(ctx, query, args...)
	return err
}

// flush sends the queued writes, if any, and reports the first error of
// this or an earlier flush.
func (p *pipe) flush(ctx context.Context) error {
	if p == nil {
		return nil
	}
	if p.err != nil || len(p.queue) == 0 {
		return p.err
	}
	queue := p.queue
	p.queue = nil
	p.err = p.conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: PostgreSQL connection of type %T", dc)
		}
		var b pgx.Batch
		for _, q := range queue {
			b.Queue(q.query, q.args...)
		}
		res := sc.Conn().SendBatch(ctx, &b)
		for _, q := range queue {
			if _, err := res.Exec(); err != nil {
				res.Close()
				return fmt.Errorf("store: %.60s…: %w", q.query, err)
			}
		}
		return res.Close()
	})
	return p.err
}

// flushBefore sends ctx's queued writes ahead of a statement, so that
// statements reach the server in the order the code issued them.
func flushBefore(ctx context.Context) error {
	return pipeFrom(ctx).flush(ctx)
}
