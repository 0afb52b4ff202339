package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jirga/jirga/sweep"
)

// runMain runs the jirga command line with ctx and returns its exit status,
// standard output and standard error. terminal says whether stderr is to be
// taken for a terminal.
func runMainCtx(ctx context.Context, terminal bool, stderr io.Writer, args ...string) (int, string) {
	var out bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: stderr,
		IsTerminal: func(io.Writer) bool { return terminal }}
	code := m.Run(ctx, args)
	return code, out.String()
}

func TestSweepWorkersIdentical(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, c := range []struct{ format, models, draws string }{
		{"table", "mean,median,condorcet,nbs", "150"},
		{"json", "mean,median,condorcet,nbs", "150"},
		{"csv", "mean,median,condorcet,nbs", "150"},
		{"json", "all", "12"}, // the dynamic models are slow
	} {
		var want string
		for _, procs := range []int{1, 2, 3} {
			runtime.GOMAXPROCS(procs)
			for _, w := range []string{"0", "1", "2", "7"} {
				var errb bytes.Buffer
				f := c.format
				code, out := runMainCtx(context.Background(), false, &errb, "sweep", "--model", c.models, "--draws", c.draws, "--seed", "9", "--workers", w, "--format", f)
				if code != 0 {
					t.Fatalf("%s, workers %s: exit %d: %s", f, w, code, errb.String())
				}
				if want == "" {
					want = out
				} else if out != want {
					t.Fatalf("%s: output with GOMAXPROCS %d and --workers %s differs:\n%s\nwant:\n%s", f, procs, w, out, want)
				}
			}
		}
	}
}

func TestSweepTable(t *testing.T) {
	var errb bytes.Buffer
	code, out := runMainCtx(context.Background(), false, &errb, "sweep", "--model", "mean,median", "--draws", "200", "--seed", "3", "--bins", "10")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"Pakistan–TTP", "200 draws, seed 3", "position ±10% of the scale, salience ±15, capability ±20%",
		"model", "forecast", "p10", "p90", "histogram", "mean ", "median ", "merger", "ceasefire", "▕"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if got := len(lines); got != 3+2*6 {
		t.Errorf("%d lines, want 15 (title, sweep line, header, 12 rows):\n%s", got, out)
	}
	if errb.Len() != 0 {
		t.Errorf("stderr is not empty on a non-terminal: %q", errb.String())
	}
	// No uncertainty at all: p10 = p90 = forecast in every row of a CSV
	// file of bare numbers.
	dir := t.TempDir()
	csvFile := filepath.Join(dir, "one.csv")
	os.WriteFile(csvFile, []byte("actor,capability,position,salience\na,10,20,50\nb,20,80,90\nc,5,50,40\n"), 0o644)
	code, out = runMainCtx(context.Background(), false, &errb, "sweep", csvFile, "--no-default-uncertainty", "--draws", "20", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	rows := strings.Split(strings.TrimSpace(out), "\n")[1:]
	if len(rows) != 4 {
		t.Fatalf("%d CSV rows, want 4 (one per model × issue):\n%s", len(rows), out)
	}
	for _, row := range rows {
		c := strings.Split(row, ",")
		if c[3] != c[5] || c[3] != c[9] {
			t.Errorf("no uncertainty, yet forecast %s, p10 %s, p90 %s", c[3], c[5], c[9])
		}
	}
}

func TestSweepJSON(t *testing.T) {
	var errb bytes.Buffer
	code, out := runMainCtx(context.Background(), false, &errb, "sweep", "--model", "nbs", "--draws", "50", "--format", "json", "--uncertainty", "salience=5,status_quo=0.05")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var r struct {
		Scenario    string
		Draws       int
		Completed   int
		Uncertainty sweep.Uncertainty
		Results     []struct {
			Model  string
			Issues []map[string]any
		}
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Scenario != "pakistan-ttp-2022" || r.Draws != 50 || r.Completed != 50 || len(r.Results) != 1 || r.Results[0].Model != "nbs" {
		t.Fatalf("JSON: %+v", r)
	}
	if want := (sweep.Uncertainty{Position: 0.1, Salience: 5, Capability: 0.2, StatusQuo: 0.05}); r.Uncertainty != want {
		t.Errorf("uncertainty %+v, want %+v", r.Uncertainty, want)
	}
	for _, k := range []string{"forecast", "mean", "p10", "p25", "p50", "p75", "p90", "histogram"} {
		if _, ok := r.Results[0].Issues[0][k]; !ok {
			t.Errorf("issue lacks %q", k)
		}
	}
}

func TestSweepBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--draws", "0"},
		{"--workers", "-1"},
		{"--bins", "0"},
		{"--uncertainty", "position=2"},
		{"--uncertainty", "salience=-1"},
		{"--uncertainty", "wobble=1"},
		{"--uncertainty", "position"},
		{"--format", "xml"},
		{"--model", "nope"},
		{"a.yaml", "b.yaml"},
	} {
		var errb bytes.Buffer
		code, _ := runMainCtx(context.Background(), false, &errb, append([]string{"sweep"}, args...)...)
		if code != exitBadInput || errb.Len() == 0 {
			t.Errorf("%v: exit %d, stderr %q; want %d and a message", args, code, errb.String(), exitBadInput)
		}
	}
}

// TestSweepProgress: a bar on a terminal, nothing on a pipe.
func TestSweepProgress(t *testing.T) {
	var errb bytes.Buffer
	code, out := runMainCtx(context.Background(), true, &errb, "sweep", "--model", "mean", "--draws", "300")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "300/300") || !strings.Contains(errb.String(), "█") {
		t.Errorf("no progress bar on a terminal: %q", errb.String())
	}
	if strings.Contains(out, "300/300") || strings.Contains(out, "\r") {
		t.Error("progress went to standard output")
	}
	errb.Reset()
	runMainCtx(context.Background(), false, &errb, "sweep", "--model", "mean", "--draws", "300")
	if errb.Len() != 0 {
		t.Errorf("progress written to a non-terminal: %q", errb.String())
	}
}

// cancelWriter cancels a context on its first write that shows progress,
// like a user pressing Ctrl-C while the bar moves.
type cancelWriter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	cancel context.CancelFunc
}

func (w *cancelWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if bytes.Contains(p, []byte("%")) {
		w.cancel()
	}
	return w.buf.Write(p)
}

func TestSweepInterrupt(t *testing.T) {
	for _, f := range []string{"table", "json"} {
		ctx, cancel := context.WithCancel(context.Background())
		w := &cancelWriter{cancel: cancel}
		code, out := runMainCtx(ctx, true, w, "sweep", "--draws", "100000", "--format", f)
		cancel()
		if code != exitFailure {
			t.Errorf("%s: exit %d, want %d", f, code, exitFailure)
		}
		msg := w.buf.String()
		i := strings.Index(msg, "interrupted after ")
		if i < 0 {
			t.Fatalf("%s: stderr does not say how far it got: %q", f, msg)
		}
		// k is the contiguous prefix of finished draws. The cancel comes
		// with the first progress line, whenever the scheduler lets the
		// ticker run, and a worker may still hold draw 1 then, so k may be
		// 0 (the table then has the point forecasts and no intervals).
		k, err := strconv.Atoi(strings.Fields(msg[i+len("interrupted after "):])[0])
		if err != nil || k < 0 || k >= 100000 {
			t.Fatalf("%s: interrupted after %q draws", f, msg[i:])
		}
		switch f {
		case "table":
			if !strings.Contains(out, "interrupted after "+strconv.Itoa(k)+" of 100000 draws") || !strings.Contains(out, "merger") {
				t.Errorf("table of the partial sweep missing:\n%s", out)
			}
		case "json":
			var r struct{ Draws, Completed int }
			if err := json.Unmarshal([]byte(out), &r); err != nil || r.Draws != 100000 || r.Completed != k {
				t.Errorf("partial JSON: %+v, %v", r, err)
			}
		}
	}
}

// TestSweepKeep: a kept draw re-runs with jirga forecast to the sweep's
// own forecast for that draw.
func TestSweepKeep(t *testing.T) {
	dir := t.TempDir()
	var errb bytes.Buffer
	code, out := runMainCtx(context.Background(), false, &errb, "sweep", "--model", "mean,nbs", "--draws", "50", "--seed", "4", "--keep", dir, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "draw-*.yaml")); len(files) != 50 {
		t.Fatalf("%d kept files, want 50", len(files))
	}
	// The sweep's value for draw 42 comes from the library, which the JSON
	// output summarises; re-run the same sweep in the library to get it.
	code, fc := runMainCtx(context.Background(), false, &errb, "forecast", filepath.Join(dir, "draw-000042.yaml"), "--model", "mean,nbs", "--format", "json")
	if code != 0 {
		t.Fatalf("forecast of a kept draw: exit %d: %s", code, errb.String())
	}
	var got struct {
		Results []struct {
			Model  string
			Issues []struct {
				Issue    string
				Forecast float64
			}
		}
	}
	if err := json.Unmarshal([]byte(fc), &got); err != nil {
		t.Fatal(err)
	}
	r := sweepOf(t, out)
	for _, res := range got.Results {
		for _, f := range res.Issues {
			if want := r.Values(res.Model, f.Issue)[41]; f.Forecast != want {
				t.Errorf("%s %s: forecast of draw 42 is %v, the sweep had %v", res.Model, f.Issue, f.Forecast, want)
			}
		}
	}
}

// sweepOf re-runs, in the library, the sweep whose JSON output is out.
func sweepOf(t *testing.T, out string) *sweep.Result {
	t.Helper()
	var head struct {
		Draws int
		Seed  uint64
	}
	json.Unmarshal([]byte(out), &head)
	in := inputFlags{}
	s, err := in.loadOne("")
	if err != nil {
		t.Fatal(err)
	}
	mf := modelFlags{list: "mean,nbs", seed: head.Seed}
	ms, err := mf.build()
	if err != nil {
		t.Fatal(err)
	}
	r, err := sweep.Run(context.Background(), s, ms, sweep.Options{Draws: head.Draws, Seed: head.Seed})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func init() {
	// Other test files may declare -update too; declare it only once.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// TestSweepGolden pins the table and CSV layouts (regenerate with -update).
func TestSweepGolden(t *testing.T) {
	for _, c := range []struct{ name, format string }{{"flagship.table", "table"}, {"flagship.csv", "csv"}} {
		var errb bytes.Buffer
		code, out := runMainCtx(context.Background(), false, &errb, "sweep", "--model", "mean,median", "--draws", "200", "--seed", "1", "--format", c.format)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		golden := filepath.Join("testdata", "sweep", c.name+".golden")
		if updating() {
			os.MkdirAll(filepath.Dir(golden), 0o755)
			if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if out != string(want) {
			t.Errorf("%s: output differs from %s:\n%s\nwant:\n%s", c.name, golden, out, want)
		}
	}
}
