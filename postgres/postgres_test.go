package postgres_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/postgres"
	"github.com/jirga/jirga/storetest"
)

// TestStore runs the store suite on the PostgreSQL database named by
// JIRGA_TEST_POSTGRES (a DSN), each subtest in a fresh schema.
func TestStore(t *testing.T) {
	dsn := os.Getenv("JIRGA_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("JIRGA_TEST_POSTGRES is not set; set it to a PostgreSQL DSN to run the store suite on PostgreSQL")
	}
	ctx := context.Background()
	n := 0
	storetest.Run(t, func(t *testing.T) jirga.Store {
		n++
		schema := fmt.Sprintf("jirga_test_%d_%d", os.Getpid(), n)
		admin, err := postgres.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := admin.SQL().ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			admin.SQL().ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE")
			admin.Close()
		})
		db, err := postgres.Open(ctx, withSearchPath(dsn, schema))
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}

func withSearchPath(dsn, schema string) string {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return dsn + " search_path=" + schema
	}
	if strings.Contains(dsn, "?") {
		return dsn + "&search_path=" + schema
	}
	return dsn + "?search_path=" + schema
}
