package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

type txKey struct{}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// InTx runs fn in a transaction carried by the context passed to fn. Store
// calls made with that context join the transaction. A nested InTx joins the
// outer transaction, so use cases compose without knowing who started it.
// The transaction commits when fn returns nil and rolls back otherwise.
func (db *DB) InTx(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	if _, ok := ctx.Value(txKey{}).(*sql.Tx); ok {
		return fn(ctx)
	}
	if db.dialect == SQLite {
		return db.groupTx(ctx, fn)
	}
	// A connection of its own, so that queued writes (Defer) can reach
	// the driver beneath the transaction.
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	p := &pipe{conn: conn}
	defer func() {
		if r := recover(); r != nil {
			tx.Rollback()
			panic(r)
		}
		if err != nil {
			if p.err != nil && !errors.Is(err, p.err) {
				err = errors.Join(p.err, err) // the queued write's error caused the rest
			}
			if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
				err = errors.Join(err, rbErr)
			}
		}
	}()
	if err = fn(context.WithValue(context.WithValue(ctx, txKey{}, tx), pipeKey{}, p)); err != nil {
		return err
	}
	if err = p.flush(ctx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

func (db *DB) writer(ctx context.Context) querier {
	if tx, ok := ctx.Value(txKey{}).(*sql.Tx); ok {
		return tx
	}
	return db.write
}

func (db *DB) reader(ctx context.Context) querier {
	if tx, ok := ctx.Value(txKey{}).(*sql.Tx); ok {
		return tx
	}
	return db.read
}

// Exec runs a statement that changes data, inside the context's transaction
// if there is one. Queries use ? placeholders on both databases.
func (db *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	q := db.Rebind(query)
	if _, ok := ctx.Value(txKey{}).(*sql.Tx); !ok && db.dialect == SQLite {
		// A single statement joins the group commit like any transaction.
		var res sql.Result
		err := db.groupTx(ctx, func(ctx context.Context) error {
			var err error
			res, err = db.exec(ctx, q, args)
			return err
		})
		return res, err
	}
	return db.exec(ctx, q, args)
}

// exec runs a statement; in a transaction through the statement cache,
// which is safe for statements without rows: each runs to its end before
// the next use of its text.
func (db *DB) exec(ctx context.Context, q string, args []any) (sql.Result, error) {
	if err := flushBefore(ctx); err != nil {
		return nil, err
	}
	if tx, ok := ctx.Value(txKey{}).(*sql.Tx); ok {
		if st := db.writeStmts.get(q); st != nil {
			return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
		}
	}
	return db.writer(ctx).ExecContext(ctx, q, args...)
}

// stmt returns the cached statement for a reading query outside a
// transaction, or nil. Inside a transaction reads are parsed each time:
// there, database/sql hands every use of a statement text the same
// driver statement on the one writer connection, and a query nested in
// the rows of the same text would share its cursor.
func (db *DB) stmt(ctx context.Context, q string) *sql.Stmt {
	if _, ok := ctx.Value(txKey{}).(*sql.Tx); ok {
		return nil
	}
	return db.readStmts.get(q)
}

// Query runs a reading query, inside the context's transaction if there is one.
func (db *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	q := db.Rebind(query)
	if err := flushBefore(ctx); err != nil {
		return nil, err
	}
	if st := db.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.reader(ctx).QueryContext(ctx, q, args...)
}

// QueryRow runs a reading query that returns at most one row.
//
// Inside a transaction it too goes through the writer's statement cache:
// its one row is scanned, and its cursor closed, before the caller can run
// anything else, so no other use of the text can share the cursor.
//
// Queued writes (Defer) are sent first; should one fail, the transaction
// is aborted and the query fails with it, and InTx reports the write's
// error.
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	q := db.Rebind(query)
	_ = flushBefore(ctx) // a failure is kept and fails the query
	if tx, ok := ctx.Value(txKey{}).(*sql.Tx); ok {
		if st := db.writeStmts.get(q); st != nil {
			return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
		}
		return tx.QueryRowContext(ctx, q, args...)
	}
	if st := db.readStmts.get(q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.read.QueryRowContext(ctx, q, args...)
}

// TxFromContext returns the transaction the context carries, for libraries
// (such as the job queue) that must write inside it themselves. Queued
// writes (Defer) are sent first, so the library's statements follow them;
// an error there aborts the transaction and InTx reports it.
func TxFromContext(ctx context.Context) (*sql.Tx, bool) {
	_ = flushBefore(ctx) // a failure is kept; InTx reports it
	tx, ok := ctx.Value(txKey{}).(*sql.Tx)
	return tx, ok
}

// WritePool is the pool that writes go through: SQLite's single writer
// connection, or PostgreSQL's pool. Libraries that manage their own
// transactions (the job queue) use it so that writes stay serialised.
func (db *DB) WritePool() *sql.DB { return db.write }

// Strings runs a reading query of one text column and returns its values
// in order; none gives an empty, non-nil slice.
func (db *DB) Strings(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := db.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
