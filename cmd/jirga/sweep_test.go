package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/jirga/jirga/sweep"
)

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
				f := c.format
				out, errb, code := run(t, "sweep", "--model", c.models, "--draws", c.draws, "--seed", "9", "--workers", w, "--format", f)
				if code != 0 {
					t.Fatalf("%s, workers %s: exit %d: %s", f, w, code, errb)
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
	out, errb, code := run(t, "sweep", "--model", "mean,median", "--draws", "200", "--seed", "3", "--bins", "10")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	for _, want := range []string{"Pakistan–TTP", "200 draws, seed 3", "position ±10% of the scale, salience ±15, capability ±20%",
		"model", "forecast", "p10", "p90", "histogram", "mean ", "median ", "merger", "ceasefire", "▕"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if got := len(lines); got != 3+2*6+3 {
		t.Errorf("%d lines, want 18 (title, sweep line, header, 12 rows, the legends of the input-only and predictive intervals):\n%s", got, out)
	}
	if len(errb) != 0 {
		t.Errorf("stderr is not empty on a non-terminal: %q", errb)
	}
	// No uncertainty at all: p10 = p90 = forecast in every row of a CSV
	// file of bare numbers.
	dir := t.TempDir()
	csvFile := filepath.Join(dir, "one.csv")
	os.WriteFile(csvFile, []byte("actor,capability,position,salience\na,10,20,50\nb,20,80,90\nc,5,50,40\n"), 0o644)
	out, errb, code = run(t, "sweep", csvFile, "--no-default-uncertainty", "--draws", "20", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
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
	out, errb, code := run(t, "sweep", "--model", "nbs", "--draws", "50", "--format", "json", "--uncertainty", "salience=5,status_quo=0.05")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
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
		_, errb, code := run(t, append([]string{"sweep"}, args...)...)
		if code != exitBadInput || len(errb) == 0 {
			t.Errorf("%v: exit %d, stderr %q; want %d and a message", args, code, errb, exitBadInput)
		}
	}
}

// TestSweepProgress: a bar on a terminal, nothing on a pipe.
func TestSweepProgress(t *testing.T) {
	out, errb, code := cli{terminal: true}.run("sweep", "--model", "mean", "--draws", "300")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	if !strings.Contains(errb, "300/300") || !strings.Contains(errb, "█") {
		t.Errorf("no progress bar on a terminal: %q", errb)
	}
	if strings.Contains(out, "300/300") || strings.Contains(out, "\r") {
		t.Error("progress went to standard output")
	}
	_, errb, _ = run(t, "sweep", "--model", "mean", "--draws", "300")
	if len(errb) != 0 {
		t.Errorf("progress written to a non-terminal: %q", errb)
	}
}

// TestSweepKeep: a kept draw re-runs with jirga forecast to the sweep's
// own forecast for that draw.
func TestSweepKeep(t *testing.T) {
	dir := t.TempDir()
	out, errb, code := run(t, "sweep", "--model", "mean,nbs", "--draws", "50", "--seed", "4", "--keep", dir, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "draw-*.yaml")); len(files) != 50 {
		t.Fatalf("%d kept files, want 50", len(files))
	}
	// The sweep's value for draw 42 comes from the library, which the JSON
	// output summarises; re-run the same sweep in the library to get it.
	fc, errb, code := run(t, "forecast", filepath.Join(dir, "draw-000042.yaml"), "--model", "mean,nbs", "--format", "json")
	if code != 0 {
		t.Fatalf("forecast of a kept draw: exit %d: %s", code, errb)
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

// TestSweepGolden pins the table and CSV layouts (regenerate with -update).
func TestSweepGolden(t *testing.T) {
	for _, format := range []string{"table", "csv"} {
		out, errb, code := run(t, "sweep", "--model", "mean,median", "--draws", "200", "--seed", "1", "--format", format)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errb)
		}
		golden(t, "sweep-flagship-"+format, out)
	}
}
