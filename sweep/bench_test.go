package sweep_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/internal/exampletest"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/sweep"
)

// synthetic returns a scenario of n actors on 5 issues with positions,
// saliences and capabilities drawn from a fixed seed, bare numbers only.
func synthetic(n int) *jirga.Scenario {
	rng := rand.New(rand.NewPCG(uint64(n), 1))
	s := &jirga.Scenario{ID: fmt.Sprintf("synthetic-%d", n)}
	for k := range 5 {
		s.Issues = append(s.Issues, &jirga.Issue{ID: fmt.Sprintf("i%d", k), StatusQuo: jirga.Val(float64(rng.IntN(101)))})
	}
	for i := range n {
		a := &jirga.Actor{ID: fmt.Sprintf("a%d", i), Capability: jirga.Val(1 + float64(rng.IntN(100))), Stances: map[string]*jirga.Stance{}}
		for _, is := range s.Issues {
			a.Stances[is.ID] = &jirga.Stance{Position: jirga.Val(float64(rng.IntN(101))), Salience: jirga.Val(float64(rng.IntN(101)))}
		}
		s.Actors = append(s.Actors, a)
	}
	return s
}

// scenarioOf returns the benchmark scenario of a size: 0 is the flagship.
func scenarioOf(tb testing.TB, size int) *jirga.Scenario {
	if size == 0 {
		return exampletest.Flagship(tb)
	}
	return synthetic(size)
}

func sizeName(size int) string {
	if size == 0 {
		return "flagship"
	}
	return fmt.Sprintf("actors=%d", size)
}

// sizes are the benchmark scenarios: the flagship (9 actors, 6 issues) and
// synthetic ones of 50 and 200 actors on 5 issues.
var sizes = []int{0, 50, 200}

func BenchmarkDraw(b *testing.B) {
	for _, size := range sizes {
		b.Run(sizeName(size), func(b *testing.B) { benchmarkDraw(b, size) })
	}
}

// benchmarkDraw compares Draw, which copies the scenario on every draw,
// with a Sampler, which reuses one copy.
func benchmarkDraw(b *testing.B, size int) {
	s := scenarioOf(b, size)
	rng := rand.New(rand.NewPCG(1, 1))
	b.Run("clone", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sweep.Draw(s, rng, sweep.DefaultUncertainty())
		}
	})
	b.Run("sampler", func(b *testing.B) {
		p := sweep.NewSampler(s, sweep.DefaultUncertainty())
		b.ReportAllocs()
		for b.Loop() {
			p.Draw(rng)
		}
	})
}

// slow is the time of one forecast (the fastest of three) above which a
// model is left out of a benchmark size, so that the benchmarks stay short.
const slow = 50 * time.Millisecond

// BenchmarkSweep measures draws per second of each registered model, at
// each size, with 1 and 2 workers. One op is one draw (drawn, forecast and
// stored); draws/s is the throughput.
func BenchmarkSweep(b *testing.B) {
	for _, name := range models.Names() {
		for _, size := range sizes {
			for _, workers := range []int{1, 2} {
				b.Run(fmt.Sprintf("%s/%s/workers=%d", name, sizeName(size), workers), func(b *testing.B) {
					benchmarkSweep(b, name, size, workers)
				})
			}
		}
	}
}

func benchmarkSweep(b *testing.B, name string, size, workers int) {
	s := scenarioOf(b, size)
	m, err := models.New(name, models.Options{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	fastest := time.Duration(math.MaxInt64)
	for range 3 {
		t0 := time.Now()
		if _, err := m.Forecast(context.Background(), s); err != nil {
			b.Fatal(err)
		}
		fastest = min(fastest, time.Since(t0))
	}
	if fastest > slow {
		b.Skipf("%s takes %v per forecast at %s", name, fastest, sizeName(size))
	}
	b.ResetTimer()
	c0 := cpuTime()
	r, err := sweep.Run(context.Background(), s, []jirga.Model{m}, sweep.Options{Draws: b.N, Workers: workers, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	if r.Completed != b.N {
		b.Fatalf("completed %d of %d", r.Completed, b.N)
	}
	reportRates(b, b.N, c0)
}

// reportRates reports draws per second of wall time and CPU µs per draw
// (the process's CPU time, all threads, GC included), which is less
// sensitive than wall time to other load on a shared machine.
func reportRates(b *testing.B, draws int, c0 time.Duration) {
	b.ReportMetric(float64(draws)/b.Elapsed().Seconds(), "draws/s")
	if c := cpuTime() - c0; c > 0 {
		b.ReportMetric(float64(c.Microseconds())/float64(draws), "cpu-µs/draw")
	}
}

// BenchmarkFlagship10k is the target of issue 5: 10,000 draws of the
// flagship scenario through every static model and bdm (when registered),
// under 10 s on two cores.
func BenchmarkFlagship10k(b *testing.B) {
	b.Run("static", func(b *testing.B) { benchmarkFlagship10k(b, false) })
	b.Run("static+bdm", func(b *testing.B) { benchmarkFlagship10k(b, true) })
}

func benchmarkFlagship10k(b *testing.B, withBDM bool) {
	var ms []jirga.Model
	var names []string
	for _, info := range models.All() {
		if info.Dynamic && (info.Name != "bdm" || !withBDM) {
			continue
		}
		m, err := models.New(info.Name, models.Options{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		ms = append(ms, m)
		names = append(names, info.Name)
	}
	if withBDM && len(names) == len(staticModels(b)) {
		b.Skip("bdm is not registered")
	}
	s := exampletest.Flagship(b)
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			b.Logf("models: %v", names)
			c0 := cpuTime()
			for b.Loop() {
				if _, err := sweep.Run(context.Background(), s, ms, sweep.Options{Draws: 10000, Workers: workers, Seed: 1}); err != nil {
					b.Fatal(err)
				}
			}
			reportRates(b, 10000*b.N, c0)
		})
	}
}

// TestDrawRates prints the cost model of docs/scale.md: draws per second
// per core of each model at each scenario size (the flagship, and
// synthetic scenarios of 40 and 160 actors on 5 issues), from the CPU
// time of a sweep on one worker. It measures, so it runs only when asked:
//
//	JIRGA_DRAW_RATES=1 go test ./sweep -run TestDrawRates -v
func TestDrawRates(t *testing.T) {
	if os.Getenv("JIRGA_DRAW_RATES") == "" {
		t.Skip("set JIRGA_DRAW_RATES=1 to measure the draw rates of docs/scale.md")
	}
	sizes := []int{0, 40, 160}
	var b strings.Builder
	fmt.Fprintf(&b, "| model | %s | %s | %s |\n|---|---:|---:|---:|\n", sizeName(sizes[0]), sizeName(sizes[1]), sizeName(sizes[2]))
	for _, name := range models.Names() {
		m, err := models.New(name, models.Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "| %s |", name)
		for _, size := range sizes {
			s := scenarioOf(t, size)
			// Draws until 2 s of CPU time (at least 2, at most 2000).
			draws, cpu := 0, time.Duration(0)
			for n := 2; cpu < 2*time.Second && draws < 2000; n *= 4 {
				c0 := cpuTime()
				if _, err := sweep.Run(context.Background(), s, []jirga.Model{m}, sweep.Options{Draws: n, Workers: 1, Seed: 1}); err != nil {
					t.Fatal(err)
				}
				draws, cpu = n, cpuTime()-c0
			}
			fmt.Fprintf(&b, " %s |", rate(float64(draws)/cpu.Seconds()))
		}
		b.WriteString("\n")
	}
	t.Logf("draws per second per core (CPU time, one worker):\n%s", b.String())
}

// rate writes a rate with two or three significant digits.
func rate(r float64) string {
	switch {
	case r >= 100:
		return fmt.Sprintf("%.0f", r)
	case r >= 10:
		return fmt.Sprintf("%.1f", r)
	}
	return fmt.Sprintf("%.2f", r)
}

// BenchmarkFlagshipAll is issue 18's sweep row: draws per second of the
// flagship scenario through every registered model, static and dynamic
// (smp and exchange included), on 1 and 2 workers. One op is one sweep of
// 1,000 draws.
func BenchmarkFlagshipAll(b *testing.B) {
	ms := registered(b, true)
	s := exampletest.Flagship(b)
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			c0 := cpuTime()
			for b.Loop() {
				if _, err := sweep.Run(context.Background(), s, ms, sweep.Options{Draws: 1000, Workers: workers, Seed: 1}); err != nil {
					b.Fatal(err)
				}
			}
			reportRates(b, 1000*b.N, c0)
		})
	}
}
