package sqlstore

import (
	"context"
	"database/sql"
)

// Querier runs statements on the database or in a transaction. Both
// drivers' handles become one: database/sql's (SQLite, and PostgreSQL
// outside transactions) through SQL, and pgx's transactions, in which
// River inserts and cancels jobs beside the store's rows, through the
// adapter of package postgres. Queries use ? placeholders; the DB's
// methods rewrite them for the dialect.
type Querier interface {
	Exec(ctx context.Context, query string, args ...any) (rowsAffected int64, err error)
	QueryRow(ctx context.Context, query string, args ...any) Row
	Query(ctx context.Context, query string, args ...any) (Rows, error)
}

// Row is the result of QueryRow. Scan returns sql.ErrNoRows when there
// was none, whatever the driver.
type Row interface {
	Scan(dest ...any) error
}

// Rows is the result of Query.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

// sqlHandle is what *sql.DB, *sql.Conn and *sql.Tx have in common.
type sqlHandle interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// SQL is the Querier of a database/sql handle (*sql.DB or *sql.Tx).
func SQL(h sqlHandle) Querier { return sqlQuerier{h} }

type sqlQuerier struct{ h sqlHandle }

func (q sqlQuerier) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := q.h.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (q sqlQuerier) QueryRow(ctx context.Context, query string, args ...any) Row {
	return q.h.QueryRowContext(ctx, query, args...)
}

func (q sqlQuerier) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	return q.h.QueryContext(ctx, query, args...)
}

// Tx runs f in a database/sql transaction, committed when f returns nil
// and rolled back otherwise.
func (db *DB) Tx(ctx context.Context, f func(q Querier) error) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := f(SQL(tx)); err != nil {
		return err
	}
	return tx.Commit()
}

// SQLStore returns db; the backends, which embed it, give the queue and
// the store tests their SQL this way.
func (db *DB) SQLStore() *DB { return db }
