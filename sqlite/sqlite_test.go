package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/sqlite"
	"github.com/jirga/jirga/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) jirga.Store {
		db, err := sqlite.Open(context.Background(), sqlite.Memory)
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}

func TestStoreFile(t *testing.T) {
	storetest.Run(t, func(t *testing.T) jirga.Store {
		db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "jirga.db"))
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}

// TestReopen checks that data survives closing the file and that opening
// it again does not re-apply the migrations.
func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "jirga.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s := &jirga.Scenario{ID: "x", Issues: []*jirga.Issue{{ID: "i"}}}
	if _, err := db.CreateScenario(ctx, s); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if sv, err := db.FindScenario(ctx, "x", 0); err != nil || sv.Version != 1 {
		t.Fatalf("after reopen: %v, %v", sv, err)
	}
}
