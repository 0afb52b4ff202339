package jirga_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/jirga/jirga"
)

// wide returns a valid scenario of n actors on m issues, every actor with
// a stance on every issue but one in seven (so that Has matters), drawn
// from a fixed seed.
func wide(n, m int) *jirga.Scenario {
	rng := rand.New(rand.NewPCG(uint64(n), uint64(m)))
	s := &jirga.Scenario{ID: "wide"}
	for k := range m {
		s.Issues = append(s.Issues, &jirga.Issue{ID: fmt.Sprintf("issue-%d", k)})
	}
	for i := range n {
		a := &jirga.Actor{ID: fmt.Sprintf("a%d", i), Capability: jirga.Val(1 + 99*rng.Float64()), Stances: map[string]*jirga.Stance{}}
		for k, is := range s.Issues {
			if (i+k)%7 == 3 && k > 0 {
				continue
			}
			a.Stances[is.ID] = &jirga.Stance{Position: jirga.Val(100 * rng.Float64()), Salience: jirga.Val(100 * rng.Float64())}
		}
		s.Actors = append(s.Actors, a)
	}
	return s
}

// BenchmarkTable measures Scenario.Table (issue 18: ≤ 15 ns per actor ×
// issue); ns/cell is the time per actor × issue.
func BenchmarkTable(b *testing.B) {
	for _, size := range [][2]int{{10, 6}, {200, 5}, {1000, 13}} {
		s := wide(size[0], size[1])
		b.Run(fmt.Sprintf("actors=%d/issues=%d", size[0], size[1]), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s.Table()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(size[0]*size[1]), "ns/cell")
		})
	}
}

// BenchmarkTableRefresh measures Table.Refresh, what a loop over the draws
// of one scenario pays per draw once the table is built; ns/cell as above.
func BenchmarkTableRefresh(b *testing.B) {
	for _, size := range [][2]int{{10, 6}, {200, 5}, {1000, 13}} {
		t := wide(size[0], size[1]).Table()
		b.Run(fmt.Sprintf("actors=%d/issues=%d", size[0], size[1]), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				t.Refresh()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(size[0]*size[1]), "ns/cell")
		})
	}
}

// BenchmarkValidate measures Scenario.Validate of a large valid scenario.
func BenchmarkValidate(b *testing.B) {
	for _, size := range [][2]int{{10_000, 1}, {500, 13}} {
		s := wide(size[0], size[1])
		b.Run(fmt.Sprintf("actors=%d/issues=%d", size[0], size[1]), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := s.Validate(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestTableRefresh: a table refreshed after its scenario's numbers changed
// equals a table built afresh.
func TestTableRefresh(t *testing.T) {
	s := wide(30, 4)
	s.Actors[3].Stances["issue-1"].Power = jirga.Val(7)
	s.Actors[5].Stances["issue-2"].Salience = nil // a stance without salience
	tb := s.Table()
	for i, a := range s.Actors {
		a.Capability.Value = float64(i + 2)
		for _, st := range a.Stances {
			if st.Position != nil {
				st.Position.Value = 100 - st.Position.Value
			}
		}
	}
	s.Actors[3].Stances["issue-1"].Power.Value = 9
	tb.Refresh()
	want := s.Table()
	same := func(a, b [][]float64) bool {
		for i := range a {
			for k := range a[i] {
				if math.Float64bits(a[i][k]) != math.Float64bits(b[i][k]) {
					return false
				}
			}
		}
		return len(a) == len(b)
	}
	if !same(tb.Position, want.Position) || !same(tb.Salience, want.Salience) || !same(tb.Power, want.Power) ||
		!reflect.DeepEqual(tb.Has, want.Has) || !reflect.DeepEqual(tb.Capability, want.Capability) ||
		!reflect.DeepEqual(tb.Min, want.Min) || !reflect.DeepEqual(tb.Max, want.Max) {
		t.Errorf("refreshed table differs from a new one")
	}
	if tb.Scenario() != s {
		t.Errorf("Scenario() is not the table's scenario")
	}
}
