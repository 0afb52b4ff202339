package storetest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/postgres"
)

// PostgresEnv names the environment variable holding the DSN of a
// PostgreSQL database for tests.
const PostgresEnv = "JIRGA_TEST_POSTGRES"

var schemaSeq atomic.Int64

// Postgres opens a store in a fresh schema of the database named by
// JIRGA_TEST_POSTGRES, dropped when the test ends, and skips the test when
// the variable is not set.
func Postgres(t *testing.T) jirga.Store {
	t.Helper()
	db, err := postgres.Open(context.Background(), PostgresDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// PostgresDSN creates a fresh schema in the database named by
// JIRGA_TEST_POSTGRES, dropped when the test ends, and returns a DSN whose
// connections use it (for processes a test starts); it skips the test when
// the variable is not set.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(PostgresEnv)
	if dsn == "" {
		t.Skip(PostgresEnv + " is not set; set it to a PostgreSQL DSN to run this test on PostgreSQL")
	}
	ctx := context.Background()
	schema := fmt.Sprintf("jirga_test_%d_%d", os.Getpid(), schemaSeq.Add(1))
	admin, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.SQL().ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.SQL().ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	// A small pool: tests of several packages, and the processes a test
	// starts, share the server's connections (100 by default).
	return withParam(withSearchPath(dsn, schema), "pool_max_conns", "8")
}

// withSearchPath adds search_path=schema to a URL or key=value DSN.
func withSearchPath(dsn, schema string) string { return withParam(dsn, "search_path", schema) }

// withParam adds key=value to a URL or key=value DSN.
func withParam(dsn, key, value string) string {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return dsn + " " + key + "=" + value
	}
	if strings.Contains(dsn, "?") {
		return dsn + "&" + key + "=" + value
	}
	return dsn + "?" + key + "=" + value
}
