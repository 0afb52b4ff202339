package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"

	"github.com/jirga/jirga/internal/sqlstore"
	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Memory is the DSN of a private in-memory database.
const Memory = ":memory:"

// DB is a jirga.Store in a SQLite database.
type DB struct {
	*sqlstore.DB
}

// Open opens (creating if needed) the SQLite database at path, or a private
// in-memory database for Memory, and applies the migrations.
//
// The database runs in WAL mode with foreign keys on. It uses a single
// connection, so writes are serialised in the process and never fail with
// SQLITE_BUSY; another process writing the same file waits up to 10 s.
func Open(ctx context.Context, path string) (*DB, error) {
	dsn := "file:" + url.PathEscape(path) + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)"
	if path != Memory {
		dsn += "&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	}
	sdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	sdb.SetMaxOpenConns(1)
	sdb.SetConnMaxLifetime(0)
	sdb.SetConnMaxIdleTime(0)
	if err := sdb.PingContext(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db := &DB{sqlstore.New(sdb, sqlstore.Dialect{Name: "sqlite", IsUnique: isUnique})}
	if err := db.Migrate(ctx, migrations, "migrations"); err != nil {
		sdb.Close()
		return nil, err
	}
	return db, nil
}

func isUnique(err error) bool {
	var e *sqlite3.Error
	return errors.As(err, &e) && (e.Code() == sqlite3lib.SQLITE_CONSTRAINT_PRIMARYKEY || e.Code() == sqlite3lib.SQLITE_CONSTRAINT_UNIQUE)
}
