package main

import (
	"os"
	"strings"
	"testing"

	"github.com/jirga/jirga/calib"
)

// TestStdin: every command that reads a FILE reads standard input for -, and
// prints what it prints for the file itself.
func TestStdin(t *testing.T) {
	const file = "../../examples/pakistan-ttp-2022.yaml"
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"forecast", "--model", "mean,bdm"},
		{"sweep", "--model", "mean", "--draws", "20"},
		{"compare", "--model", "mean"},
		{"levers", "--model", "mean", "--top", "2"},
		{"levers", "--target", "deal", "--top", "2"},
		{"deal", "--model", "mean", "--draws", "20"},
		{"explain", "--model", "bdm", "--issue", "merger"},
		{"timeline", "--model", "mean", "--draws", "10"},
		{"report", "--model", "mean", "--draws", "10", "-o", "-"},
		{"convert", "--to", "json"},
		{"validate"},
	} {
		want, _, code := run(t, append(args, file)...)
		if code != 0 {
			t.Fatalf("%v %s: exit %d", args, file, code)
		}
		got, stderr, code := cli{stdin: string(data)}.run(append(args, "-")...)
		if args[0] == "validate" {
			want = strings.Replace(want, file, stdinName, 1)
		}
		if code != 0 || got != want {
			t.Errorf("%v -: exit %d, %s; output differs from the file's: %d bytes, want %d", args, code, stderr, len(got), len(want))
		}
	}
	// Standard input is read once.
	_, stderr, code := cli{stdin: string(data)}.run("timeline", "-", "-")
	if code != exitBadInput || !strings.Contains(stderr, "standard input (-) can be read only once") {
		t.Errorf("timeline - -: exit %d, %s", code, stderr)
	}
	// A CSV on standard input has no file name to take its id from.
	csv, err := os.ReadFile("../../examples/emission_standards.csv")
	if err != nil {
		t.Fatal(err)
	}
	got, stderr, code := cli{stdin: string(csv)}.run("convert", "-", "--to", "yaml")
	if code != 0 || !strings.HasPrefix(got, "id: scenario\n") {
		t.Errorf("convert - (CSV): exit %d, %s\n%.60s", code, stderr, got)
	}
	got, _, _ = run(t, "convert", "../../examples/emission_standards.csv", "--to", "yaml")
	if !strings.HasPrefix(got, "id: emission_standards\n") {
		t.Errorf("convert emission_standards.csv: %.60s", got)
	}
	// An empty standard input is an empty file.
	_, stderr, code = run(t, "forecast", "-")
	if code != exitBadInput || !strings.Contains(stderr, "<stdin>: file is empty") {
		t.Errorf("forecast - with nothing on stdin: exit %d, %s", code, stderr)
	}
}

// TestBacktestStdin: backtest reads standard input too.
func TestBacktestStdin(t *testing.T) {
	data, err := os.ReadFile(deuDev)
	if err != nil {
		t.Fatal(err)
	}
	want, _, _ := run(t, "backtest", deuDev, "--model", "mean")
	got, stderr, code := cli{stdin: string(data)}.run("backtest", "-", "--model", "mean")
	if code != 0 || got != want {
		t.Errorf("backtest -: exit %d, %s", code, stderr)
	}
	// backtest calibrate hashes the bytes it reads: from standard input it
	// measures the same residuals of the same data, named <stdin>.
	want, _, _ = run(t, "backtest", "calibrate", deuDev, "--model", "mean", "--draws", "0")
	got, stderr, code = cli{stdin: string(data)}.run("backtest", "calibrate", "-", "--model", "mean", "--draws", "0")
	if code != 0 {
		t.Fatalf("backtest calibrate -: exit %d, %s", code, stderr)
	}
	cw, err := calib.Decode([]byte(want))
	if err != nil {
		t.Fatal(err)
	}
	cg, err := calib.Decode([]byte(got))
	if err != nil {
		t.Fatal(err)
	}
	if cg.Data != stdinName || cg.DataSHA256 != cw.DataSHA256 {
		t.Errorf("backtest calibrate -: data %s %s, want %s %s", cg.Data, cg.DataSHA256, stdinName, cw.DataSHA256)
	}
	cg.Data = cw.Data
	if err := cg.Same(cw, 0); err != nil {
		t.Errorf("backtest calibrate - differs from the file's: %v", err)
	}
}
