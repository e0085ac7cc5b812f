package store

import (
	"context"
	"database/sql"
	"sync"
)

// SQLite in pure Go parses SQL slowly: compiling a statement took about a
// quarter of the writer's time in the submission benchmark, every time,
// because database/sql prepares anew for each call with arguments. The
// cache keeps each statement text prepared, once per connection
// (database/sql re-prepares a *sql.Stmt on a connection that lacks it and
// reuses it inside transactions on the same connection).
//
// A statement is never prepared while the caller waits inside a
// transaction: on the single writer connection that would wait for the
// connection the transaction holds. Unknown statements run as before and
// are prepared in the background when the pool has a connection free.
type stmtCache struct {
	pool    *sql.DB
	mu      sync.Mutex
	stmts   map[string]*sql.Stmt
	pending map[string]bool
	closed  bool
}

// maxCachedStmts bounds the cache for code that builds statement texts.
const maxCachedStmts = 512

func newStmtCache(pool *sql.DB) *stmtCache {
	return &stmtCache{pool: pool, stmts: map[string]*sql.Stmt{}, pending: map[string]bool{}}
}

// get returns the prepared statement for q, or nil after asking for it to
// be prepared.
func (c *stmtCache) get(q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st := c.stmts[q]; st != nil {
		return st
	}
	if c.closed || c.pending[q] || len(c.stmts)+len(c.pending) >= maxCachedStmts {
		return nil
	}
	c.pending[q] = true
	go c.prepare(q)
	return nil
}

func (c *stmtCache) prepare(q string) {
	st, err := c.pool.PrepareContext(context.Background(), q)
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.pending, q)
	if err != nil {
		return
	}
	if c.closed {
		st.Close()
		return
	}
	c.stmts[q] = st
}

// close releases the statements; later gets find none.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	for _, st := range c.stmts {
		st.Close()
	}
	c.stmts = map[string]*sql.Stmt{}
}
