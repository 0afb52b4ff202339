// Package fingerprint keeps hashes of computed results in a file, for the
// tests that guard a speed-up: a faster computation must give the same
// bytes, not close ones (issue 18). It is a test helper.
package fingerprint

import (
	"bufio"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

// Set collects named results in order.
type Set struct {
	names  []string
	hashes map[string]string
}

// Add records the SHA-256 of v's JSON under name.
func (s *Set) Add(t testing.TB, name string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if s.hashes == nil {
		s.hashes = map[string]string{}
	}
	s.names = append(s.names, name)
	s.hashes[name] = fmt.Sprintf("%x", sha256.Sum256(b))
}

// Check compares the set with the hashes recorded in file (lines "HASH
// NAME"), reporting every result that changed or was never recorded; with
// update it writes the set to file instead.
func (s *Set) Check(t testing.TB, file string, update bool) {
	t.Helper()
	if update {
		var b strings.Builder
		for _, name := range s.names {
			fmt.Fprintf(&b, "%s %s\n", s.hashes[name], name)
		}
		if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		hash, name, _ := strings.Cut(sc.Text(), " ")
		want[name] = hash
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, name := range s.names {
		switch {
		case want[name] == "":
			t.Errorf("%s: no recorded fingerprint in %s", name, file)
		case s.hashes[name] != want[name]:
			t.Errorf("%s: the result changed", name)
		}
	}
}
