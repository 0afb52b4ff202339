package format_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/format"
)

// large returns a scenario of n actors on one issue, drawn from a fixed
// seed: the size of a large import (issue 18's first row).
func large(n int) *jirga.Scenario {
	rng := rand.New(rand.NewPCG(uint64(n), 18))
	s := &jirga.Scenario{ID: "large", Title: fmt.Sprintf("%d actors", n),
		Issues: []*jirga.Issue{{ID: "x", Name: "One issue", Scale: &jirga.Scale{Min: 0, Max: 100}}}}
	for i := range n {
		round := func(x float64) float64 { return float64(int(x*10)) / 10 }
		s.Actors = append(s.Actors, &jirga.Actor{
			ID:         fmt.Sprintf("actor-%05d", i),
			Capability: jirga.Val(round(1 + 99*rng.Float64())),
			Stances: map[string]*jirga.Stance{"x": {
				Position: jirga.Val(round(100 * rng.Float64())),
				Salience: jirga.Val(round(100 * rng.Float64())),
			}},
		})
	}
	return s
}

// largeJSON is large(n) as compact JSON (about 100 bytes an actor).
func largeJSON(tb testing.TB, n int) []byte {
	b, err := json.Marshal(large(n))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// largeYAML is large(n) as jirga YAML, as format.Write writes it.
func largeYAML(tb testing.TB, n int) []byte {
	var b strings.Builder
	if err := format.Write(&b, []*jirga.Scenario{large(n)}, format.YAML); err != nil {
		tb.Fatal(err)
	}
	return []byte(b.String())
}

// BenchmarkRead measures reading and validating a 10,000-actor one-issue
// scenario (one op is one file read), as JSON and as YAML, valid and with
// one bad value near the end (the path that locates a problem's line).
func BenchmarkRead(b *testing.B) {
	const n = 10_000
	js, ym := largeJSON(b, n), largeYAML(b, n)
	i := strings.LastIndex(string(js), `"salience":`) + len(`"salience":`)
	bad := []byte(string(js[:i]) + "-" + string(js[i:]))
	for _, c := range []struct {
		name string
		data []byte
		ok   bool
	}{{"json", js, true}, {"json-error", bad, false}, {"yaml", ym, true}} {
		b.Run(fmt.Sprintf("%s/actors=%d", c.name, n), func(b *testing.B) {
			b.SetBytes(int64(len(c.data)))
			b.ReportAllocs()
			for b.Loop() {
				_, err := format.Read("large."+strings.TrimSuffix(c.name, "-error"), c.data, format.Options{})
				if (err == nil) != c.ok {
					b.Fatal(err)
				}
			}
		})
	}
}
