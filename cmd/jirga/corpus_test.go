package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCorpusThroughCLI runs every input of the format fuzz corpus through
// jirga validate and jirga forecast --model all, end to end: whatever the
// input, the exit status is 0 (accepted) or 2 (bad input), never 1 (a bug),
// and no stack trace reaches the user. Accepted inputs are forecast, so a
// model that fails on odd but valid input fails here.
func TestCorpusThroughCLI(t *testing.T) {
	files, err := filepath.Glob("../../format/testdata/fuzz/*/*")
	if err != nil {
		t.Fatal(err)
	}
	// JIRGA_FUZZ_CACHE=$(go env GOCACHE)/fuzz/github.com/jirga/jirga/format
	// adds the inputs a local fuzzing run generated.
	if cache := os.Getenv("JIRGA_FUZZ_CACHE"); cache != "" {
		more, _ := filepath.Glob(filepath.Join(cache, "*", "*"))
		files = append(files, more...)
	}
	if len(files) == 0 {
		t.Fatal("no corpus found")
	}
	dir := t.TempDir()
	for _, f := range files {
		data, err := corpusEntry(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		target := filepath.Base(filepath.Dir(f))
		ext := map[string]string{"FuzzReadYAML": ".yaml", "FuzzReadJSON": ".json", "FuzzReadCSV": ".csv"}[target]
		in := filepath.Join(dir, target+"-"+filepath.Base(f)+ext)
		if err := os.WriteFile(in, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"validate", in}, {"forecast", in, "--model", "all", "--format", "json"}} {
			_, stderr, code := run(t, args...)
			if code != exitOK && code != exitBadInput {
				t.Errorf("%s: jirga %s: exit %d:\n%s", f, args[0], code, stderr)
			}
			if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
				t.Errorf("%s: stack trace:\n%s", f, stderr)
			}
		}
	}
}

// corpusEntry decodes a "go test fuzz v1" file holding one []byte value.
func corpusEntry(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	_, rest, _ := bytes.Cut(b, []byte("\n"))
	s := strings.TrimSpace(string(rest))
	s = strings.TrimSuffix(strings.TrimPrefix(s, "[]byte("), ")")
	u, err := strconv.Unquote(s)
	return []byte(u), err
}
