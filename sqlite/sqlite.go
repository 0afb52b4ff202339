package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/internal/sqlstore"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
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
	if path != Memory {
		if err := checkPath(path); err != nil {
			return nil, err
		}
	}
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
	if err := migrateRiver(ctx, sdb); err != nil {
		sdb.Close()
		return nil, err
	}
	return db, nil
}

// migrateRiver applies River's migrations: its job queue lives in the same
// database (see package queue).
func migrateRiver(ctx context.Context, sdb *sql.DB) error {
	m, err := rivermigrate.New(riversqlite.New(sdb), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	return nil
}

func isUnique(err error) bool {
	var e *sqlite3.Error
	return errors.As(err, &e) && (e.Code() == sqlite3lib.SQLITE_CONSTRAINT_PRIMARYKEY || e.Code() == sqlite3lib.SQLITE_CONSTRAINT_UNIQUE)
}

// checkPath says why a database file cannot be opened, where SQLite would
// say only "unable to open database file": the file must be a regular file
// (or not exist yet) that can be read and written, in a directory that
// exists and can be written (SQLite keeps its write-ahead log beside it).
func checkPath(path string) error {
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return jirga.Errorf(jirga.EINVALID, "open database %s: the directory %s does not exist", path, dir)
	case err != nil:
		return jirga.Errorf(jirga.EINVALID, "open database %s: %v", path, err)
	case !st.IsDir():
		return jirga.Errorf(jirga.EINVALID, "open database %s: %s is not a directory", path, dir)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return jirga.Errorf(jirga.EINVALID, "open database %s: it is a directory; give a file name", path)
	} else if err == nil && !st.Mode().IsRegular() {
		return jirga.Errorf(jirga.EINVALID, "open database %s: it is not a regular file", path)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if errors.Is(err, fs.ErrPermission) {
		return jirga.Errorf(jirga.EINVALID, "open database %s: permission denied: the file must be readable and writable", path)
	} else if err != nil {
		return jirga.Errorf(jirga.EINVALID, "open database %s: %v", path, err)
	}
	f.Close()
	probe, err := os.CreateTemp(dir, ".jirga-write-test-*")
	if err != nil {
		return jirga.Errorf(jirga.EINVALID, "open database %s: the directory %s is not writable, and SQLite keeps its journal beside the database", path, dir)
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
}
