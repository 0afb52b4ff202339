package main

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteIndented: writeJSON writes what an Encoder with SetIndent("",
// "  ") and SetEscapeHTML(false) writes, byte for byte, for the JSON golden
// files and for random values (nesting, empty objects and arrays, escapes,
// brackets and quotes inside strings).
func TestWriteIndented(t *testing.T) {
	var values []any
	files, _ := filepath.Glob("testdata/golden/*json*.golden")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if json.Unmarshal(b, &v) == nil {
			values = append(values, v)
		}
	}
	rng := rand.New(rand.NewPCG(18, 18))
	var gen func(depth int) any
	gen = func(depth int) any {
		switch k := rng.IntN(8); {
		case depth > 4 || k == 0:
			return []string{"", "a", `q"uo\\te`, "{[,:]}", "tab\tnl\n", "<&>", "é😀"}[rng.IntN(7)]
		case k == 1:
			return rng.Float64() * 1e6
		case k == 2:
			return nil
		case k == 3:
			return rng.IntN(2) == 0
		case k < 6:
			m := map[string]any{}
			for range rng.IntN(4) {
				m[[]string{"a", "b:c", "d,e", `"f"`, "{g}"}[rng.IntN(5)]] = gen(depth + 1)
			}
			return m
		default:
			a := []any{}
			for range rng.IntN(4) {
				a = append(a, gen(depth+1))
			}
			return a
		}
	}
	for range 500 {
		values = append(values, gen(0))
	}
	for i, v := range values {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := writeJSON(&got, []any{v}); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("value %d: got\n%s\nwant\n%s", i, got.Bytes(), want.Bytes())
		}
	}
}
