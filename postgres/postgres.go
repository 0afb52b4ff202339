package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jirga/jirga/internal/sqlstore"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DefaultMaxConns is the size of the connection pool when the DSN does not
// set pool_max_conns: the store's statements, River's fetches, leader
// election and notifications, and a transaction per worker finishing a run.
const DefaultMaxConns = 20

// DB is a jirga.Store in a PostgreSQL database.
type DB struct {
	*sqlstore.DB
	pool *pgxpool.Pool
}

// Open connects to the PostgreSQL database at dsn (a postgres:// URL or a
// key=value connection string; pool_max_conns sets the size of the pool)
// and applies the migrations, jirga's and River's (whose job queue lives in
// the same database, see package queue).
func Open(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	if !hasPoolSize(dsn) {
		cfg.MaxConns = DefaultMaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	sdb := stdlib.OpenDBFromPool(pool)
	db := &DB{DB: sqlstore.New(sdb, sqlstore.Dialect{Name: "postgres", Dollar: true, LockScenario: " FOR UPDATE", IsUnique: isUnique}), pool: pool}
	if err := db.Migrate(ctx, migrations, "migrations"); err != nil {
		db.Close()
		return nil, err
	}
	m, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err == nil {
		_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("river migrations: %w", err)
	}
	return db, nil
}

// hasPoolSize reports whether dsn sets pool_max_conns.
func hasPoolSize(dsn string) bool { return strings.Contains(dsn, "pool_max_conns") }

// Pool returns the database's connection pool, which River shares.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Close closes the store and its pool.
func (db *DB) Close() error {
	err := db.DB.Close()
	db.pool.Close()
	return err
}

// PgxTx runs f in a pgx transaction, committed when f returns nil and
// rolled back otherwise; f has the transaction both as River takes it and
// as the store's Querier.
func (db *DB) PgxTx(ctx context.Context, f func(tx pgx.Tx, q sqlstore.Querier) error) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := f(tx, Querier(tx)); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// Querier is the sqlstore.Querier of a pgx transaction or connection.
func Querier(tx interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}) sqlstore.Querier {
	return pgxQuerier{tx}
}

type pgxQuerier struct {
	tx interface {
		Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
		Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
		QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	}
}

func (q pgxQuerier) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := q.tx.Exec(ctx, query, args...)
	return tag.RowsAffected(), err
}

func (q pgxQuerier) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return pgxRow{q.tx.QueryRow(ctx, query, args...)}
}

func (q pgxQuerier) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	rows, err := q.tx.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgxRows{rows}, nil
}

// pgxRow maps pgx.ErrNoRows to sql.ErrNoRows, as the store expects.
type pgxRow struct{ row pgx.Row }

func (r pgxRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return sql.ErrNoRows
	}
	return err
}

type pgxRows struct{ pgx.Rows }

func (r pgxRows) Close() error {
	r.Rows.Close()
	return r.Rows.Err()
}

func isUnique(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505"
}
