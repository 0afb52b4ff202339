package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
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

// TestOpenErrors checks that each reason a database cannot be opened gets
// its own message, where SQLite says "unable to open database file" for
// all of them.
func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	readOnly := filepath.Join(dir, "ro")
	if err := os.Mkdir(readOnly, 0o555); err != nil {
		t.Fatal(err)
	}
	roFile := filepath.Join(dir, "ro.db")
	if err := os.WriteFile(roFile, nil, 0o444); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ path, want string }{
		{filepath.Join(dir, "missing", "jirga.db"), "does not exist"},
		{dir, "is a directory"},
		{filepath.Join(file, "jirga.db"), "is not a directory"},
	}
	if os.Geteuid() != 0 { // root may write anything
		cases = append(cases,
			struct{ path, want string }{filepath.Join(readOnly, "jirga.db"), "not writable"},
			struct{ path, want string }{roFile, "permission denied"})
	}
	seen := map[string]bool{}
	for _, c := range cases {
		_, err := sqlite.Open(context.Background(), c.path)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "(14)") {
			t.Errorf("Open(%s) = %v, want a message with %q", c.path, err, c.want)
			continue
		}
		if seen[err.Error()] {
			t.Errorf("two failures print the same message: %v", err)
		}
		seen[err.Error()] = true
	}
}
