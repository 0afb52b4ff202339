package postgres_test

import (
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/storetest"
)

// TestStore runs the store suite on the PostgreSQL database named by
// JIRGA_TEST_POSTGRES (a DSN), each subtest in a fresh schema.
func TestStore(t *testing.T) {
	storetest.Postgres(t) // skips when JIRGA_TEST_POSTGRES is not set
	storetest.Run(t, func(t *testing.T) jirga.Store {
		// The suite closes the store; the schema goes at cleanup.
		return storetest.Postgres(t)
	})
}
