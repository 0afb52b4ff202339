//go:build unix

package cost_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/cost"
	"github.com/jirga/jirga/deal"
	"github.com/jirga/jirga/levers"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/sweep"
)

// generated is an n-actor, m-issue scenario with uniform random positions
// on 0–100, saliences and capabilities, from a fixed seed: the shape of the
// models' own benchmarks.
func generated(n, m int) *jirga.Scenario {
	rng := rand.New(rand.NewPCG(uint64(n), uint64(m)))
	s := &jirga.Scenario{ID: fmt.Sprintf("generated-%dx%d", n, m)}
	for k := range m {
		s.Issues = append(s.Issues, &jirga.Issue{ID: fmt.Sprintf("i%d", k), StatusQuo: jirga.Val(50)})
	}
	for i := range n {
		a := &jirga.Actor{ID: fmt.Sprintf("a%d", i), Capability: jirga.Val(1 + 9*rng.Float64()), Stances: map[string]*jirga.Stance{}}
		for _, is := range s.Issues {
			a.Stances[is.ID] = &jirga.Stance{Position: jirga.Val(100 * rng.Float64()), Salience: jirga.Val(5 + 95*rng.Float64())}
		}
		s.Actors = append(s.Actors, a)
	}
	return s
}

// calibration is one measured computation: kind, model, actors, issues and
// draws (sweep, deal).
type calibration struct {
	kind  jirga.RunKind
	model string
	n, m  int
	draws int
}

func (c calibration) String() string {
	return fmt.Sprintf("%s,%s,%d,%d,%d", c.kind, c.model, c.n, c.m, c.draws)
}

// TestCalibrate measures CPU time and peak resident memory of computations
// at several sizes, each in a child process of its own so that its peak is
// its own, and prints them beside the estimates. It runs only when
// JIRGA_COST_CALIBRATE is set (it takes minutes); the constants of cost.go
// and the table in docs/security.md come from its output.
//
//	JIRGA_COST_CALIBRATE=1 go test ./cost -run TestCalibrate -v -timeout 1h
//
// JIRGA_COST_CALIBRATE may also list cases, e.g. "forecast,bdm,500,1,0".
func TestCalibrate(t *testing.T) {
	env := os.Getenv("JIRGA_COST_CALIBRATE")
	if env == "" {
		t.Skip("set JIRGA_COST_CALIBRATE=1 to measure the cost constants (minutes)")
	}
	var cases []calibration
	if env != "1" {
		for _, c := range strings.Split(env, ";") {
			cases = append(cases, parseCalibration(t, c))
		}
	} else {
		for _, n := range []int{250, 500, 1000} {
			for _, name := range []string{"mean", "median", "condorcet", "nbs", "stacked"} {
				cases = append(cases, calibration{jirga.KindForecast, name, n * 20, 5, 0})
			}
			cases = append(cases, calibration{jirga.KindForecast, "bdm", n, 1, 0},
				calibration{jirga.KindSweep, "bdm", n, 1, 4})
			cases = append(cases, calibration{jirga.KindForecast, "exchange", n / 2, 3, 0})
			cases = append(cases, calibration{jirga.KindForecast, "smp", n / 4, 1, 0})
			cases = append(cases, calibration{jirga.KindDeal, "mean", n / 5, 1, 4})
			cases = append(cases, calibration{jirga.KindLevers, "mean", n, 2, 0})
		}
	}
	for _, c := range cases {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestCalibrateChild$", "-test.v")
		cmd.Env = append(os.Environ(), "JIRGA_COST_CHILD="+c.String())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", c, err, out)
		}
		var cpu, rss, base, heap float64
		for _, line := range strings.Split(string(out), "\n") {
			if _, err := fmt.Sscanf(strings.TrimSpace(line), "measured cpu=%g rss=%g base=%g heap=%g", &cpu, &rss, &base, &heap); err == nil {
				break
			}
		}
		s := generated(c.n, c.m)
		e := cost.Of(cost.SizeOf(s), cost.Job{Kind: c.kind, Models: []string{c.model}, Draws: c.draws, Workers: 1})
		t.Logf("%-30s cpu %8.3f s est %8.3f (×%4.1f)   heap %8.1f MB est %8.1f (×%4.1f)   rss +%6.0f MB",
			c, cpu, e.Seconds, e.Seconds/cpu, heap/1e6, e.Bytes/1e6, e.Bytes/heap, (rss-base)/1e6)
	}
}

func parseCalibration(t *testing.T, s string) calibration {
	f := strings.Split(s, ",")
	if len(f) != 5 {
		t.Fatalf("calibration case %q: want kind,model,actors,issues,draws", s)
	}
	var c calibration
	c.kind, c.model = jirga.RunKind(f[0]), f[1]
	for i, p := range []*int{&c.n, &c.m, &c.draws} {
		v, err := strconv.Atoi(f[i+2])
		if err != nil {
			t.Fatal(err)
		}
		*p = v
	}
	return c
}

// TestCalibrateChild is the child of TestCalibrate: it runs one case and
// prints its CPU time and peak resident set.
func TestCalibrateChild(t *testing.T) {
	env := os.Getenv("JIRGA_COST_CHILD")
	if env == "" {
		t.Skip("run by TestCalibrate")
	}
	c := parseCalibration(t, env)
	s := generated(c.n, c.m)
	m, err := models.New(c.model, models.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	base := maxRSS()
	heap0 := heapBytes()
	stop := make(chan struct{})
	peak := make(chan float64)
	go func() {
		// Sample the heap, live objects and garbage not yet swept, every
		// millisecond: its peak is what the process must hold.
		top := heap0
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				top = max(top, heapBytes())
			case <-stop:
				peak <- max(top, heapBytes()) - heap0
				return
			}
		}
	}()
	cpu0 := cpuTime()
	ctx := context.Background()
	var v any
	switch c.kind {
	case jirga.KindForecast:
		v, err = jirga.Run(ctx, s, []jirga.Model{m})
	case jirga.KindSweep:
		v, err = sweep.Run(ctx, s, []jirga.Model{m}, sweep.Options{Draws: c.draws, Seed: 1, Workers: 1})
	case jirga.KindDeal:
		v, err = deal.Analyze(ctx, s, []jirga.Model{m}, deal.Options{Draws: c.draws, Seed: 1, Workers: 1})
	case jirga.KindLevers:
		v, err = levers.Compute(ctx, s, m, levers.Options{Workers: 1})
	}
	if err != nil {
		t.Fatal(err)
	}
	// The server encodes and stores the result: include the encoding.
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	cpu := cpuTime() - cpu0
	close(stop)
	fmt.Printf("measured cpu=%g rss=%g base=%g heap=%g result=%d\n", cpu.Seconds(), maxRSS(), base, <-peak, len(b))
}

// heapBytes is the memory of the heap's objects, live or not yet swept.
func heapBytes() float64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return float64(s[0].Value.Uint64())
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// maxRSS returns the peak resident set of the process in bytes.
func maxRSS() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) * 1024
}
