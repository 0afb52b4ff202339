package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/jirga/jirga/internal/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is a jirga.Store in a PostgreSQL database.
type DB struct {
	*sqlstore.DB
}

// Open connects to the PostgreSQL database at dsn (a postgres:// URL or a
// key=value connection string) and applies the migrations.
func Open(ctx context.Context, dsn string) (*DB, error) {
	sdb, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	sdb.SetMaxOpenConns(16)
	if err := sdb.PingContext(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	db := &DB{sqlstore.New(sdb, sqlstore.Dialect{Name: "postgres", Dollar: true, LockScenario: " FOR UPDATE", IsUnique: isUnique})}
	if err := db.Migrate(ctx, migrations, "migrations"); err != nil {
		sdb.Close()
		return nil, err
	}
	return db, nil
}

func isUnique(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505"
}
