package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jirga/jirga/examples"
)

// update rewrites the golden files (testdata/golden/NAME.golden and
// docs/cli.md) instead of comparing with them: go test ./cmd/jirga -update.
var update = flag.Bool("update", false, "rewrite the golden files and docs/cli.md")

// cli is one in-process run of the jirga command line, the only way these
// tests run it: its context (nil: context.Background()), whether standard
// error is taken for a terminal (progress bars are drawn only there), and
// where standard error goes (nil: it is captured and returned).
type cli struct {
	ctx      context.Context
	terminal bool
	stderr   io.Writer
	// stdin is standard input (default empty).
	stdin string
}

// run runs the command line args on a fresh Main with empty standard input
// and returns its standard output, its standard error (empty when c.stderr
// is set) and its exit status.
func (c cli) run(args ...string) (stdout, stderr string, code int) {
	ctx := c.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	var out, errb bytes.Buffer
	m := &Main{Stdin: strings.NewReader(c.stdin), Stdout: &out, Stderr: &errb, IsTerminal: func(io.Writer) bool { return c.terminal }}
	if c.stderr != nil {
		m.Stderr = c.stderr
	}
	code = m.Run(ctx, args)
	return out.String(), errb.String(), code
}

// run runs the command line args with a background context, standard error
// captured and not a terminal.
func run(t testing.TB, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return cli{}.run(args...)
}

// golden compares got with testdata/golden/NAME.golden, the one layout of
// the golden files, or rewrites the file under -update.
func golden(t testing.TB, name, got string) {
	t.Helper()
	goldenFile(t, filepath.Join("testdata", "golden", name+".golden"), got)
}

// goldenFile compares got with the file at path, or rewrites it under
// -update, and shows the first line that differs.
func goldenFile(t testing.TB, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/jirga -update creates it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test ./cmd/jirga -update rewrites it):\n%s", path, diff(string(want), got))
	}
}

// TestGolden compares whole command outputs with the files in
// testdata/golden; go test ./cmd/jirga -update rewrites them.
func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"forecast-flagship-table", []string{"forecast"}},
		{"forecast-flagship-json", []string{"forecast", "--format", "json"}},
		{"forecast-flagship-csv", []string{"forecast", "--format", "csv", "--model", "all"}},
		{"forecast-emission-table", []string{"forecast", "example:emission"}},
		{"forecast-emission-json", []string{"forecast", "example:emission", "--format", "json"}},
		{"forecast-emission-csv", []string{"forecast", "example:emission", "--format", "csv"}},
		{"forecast-nbs-linear", []string{"forecast", "--model", "nbs", "--opt", "nbs.utility=linear"}},
		{"forecast-error-scale", []string{"forecast", "--model", "mean,bdm", "--error-scale", "0.5", "--rounds", "12"}},
		{"forecast-draws", []string{"forecast", "--model", "mean,bdm", "--draws", "100", "--format", "csv"}},
		{"validate-bad", []string{"validate", "testdata/bad.yaml"}},
		{"validate-flagship", []string{"validate", "example:pakistan-ttp-2022"}},
		{"validate-future", []string{"validate", "testdata/future.yaml"}},
		{"validate-hindsight", []string{"validate", "testdata/hindsight.yaml"}},
		{"validate-salience01", []string{"validate", "testdata/salience01.csv"}},
		{"forecast-salience01", []string{"forecast", "testdata/salience01.csv", "--model", "mean"}},
		{"forecast-salience-scale-1", []string{"forecast", "testdata/salience01.csv", "--salience-scale", "1", "--model", "mean,median"}},
		{"forecast-hindsight", []string{"forecast", "testdata/hindsight.yaml", "--model", "mean,median"}},
		{"forecast-flagship-as-of", []string{"forecast", "--as-of", "2022-08-01", "--model", "mean,median,nbs"}},
		{"forecast-as-of-too-early", []string{"forecast", "--as-of", "2022-06-01"}},
		{"deal-flagship", []string{"deal", "--model", "mean,median"}},
		{"timeline-flagship", []string{"timeline", "--model", "mean,median,nbs", "--draws", "500"}},
		{"timeline-flagship-json", []string{"timeline", "--format", "json", "--model", "mean,nbs", "--draws", "200"}},
		{"help-timeline", []string{"help", "timeline"}},
		{"convert-emission-yaml", []string{"convert", "example:emission", "--to", "yaml"}},
		{"convert-emission-json", []string{"convert", "example:emission", "--to", "json"}},
		{"convert-flagship-json", []string{"convert", "example:pakistan-ttp-2022", "--to", "json"}},
		{"models", []string{"models"}},
		{"examples", []string{"examples"}},
		{"help", []string{"help"}},
		{"help-forecast", []string{"help", "forecast"}},
		{"no-arguments", nil},
		{"unknown-command", []string{"frobnicate"}},
		{"bad-flag", []string{"forecast", "--no-such-flag"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := run(t, tt.args...)
			got := fmt.Sprintf("$ jirga %s\n--- stdout\n%s--- stderr\n%s--- exit %d\n", strings.Join(tt.args, " "), stdout, stderr, code)
			golden(t, tt.name, got)
		})
	}
}

// TestHindsightReport checks the acceptance of issue 19 end to end: the
// scenario whose estimate cites a later source fails validation (exit 2);
// the same estimate marked hindsight passes, and the report counts it on
// its first page and lists it with the later source and the reason.
func TestHindsightReport(t *testing.T) {
	_, stderr, code := run(t, "validate", "testdata/future.yaml")
	if code != 2 || !strings.Contains(stderr, `testdata/future.yaml:17: actor "ttp", issue "merger", field reservation: cites source "interview-2022-06-30" published 2022-06-30, after the scenario's as_of 2022-06-03`) {
		t.Fatalf("validate future.yaml: exit %d, %s", code, stderr)
	}
	page, stderr, code := run(t, "report", "testdata/hindsight.yaml", "--model", "mean", "--draws", "0", "-o", "-")
	if code != 0 {
		t.Fatalf("report: exit %d, %s", code, stderr)
	}
	head, _, _ := strings.Cut(page, `<section id="deal">`)
	if !strings.Contains(head, ">1 hindsight estimate</a>") {
		t.Error("the report's first page does not count the hindsight estimate")
	}
	_, table, _ := strings.Cut(page, `<table id="hindsight-table">`)
	table, _, _ = strings.Cut(table, "</table>")
	for _, want := range []string{"ttp · merger", "reservation", "Merger reversal our primary demand — 2022-06-30", "the floor was stated only in the interview of 30 June"} {
		if !strings.Contains(table, want) {
			t.Errorf("the hindsight table lacks %q:\n%s", want, table)
		}
	}
}

// TestTimelineJSON checks jirga timeline --format json on the flagship
// against the contract: an object with timeline (as_of, results as in
// forecast, deal_probability), in date order, and changes (from, to,
// actor, issue, field, before, after, effect).
func TestTimelineJSON(t *testing.T) {
	stdout, stderr, code := run(t, "timeline", "--format", "json", "--model", "mean,median", "--draws", "100")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Timeline []struct {
			AsOf            *string          `json:"as_of"`
			Results         []map[string]any `json:"results"`
			DealProbability *float64         `json:"deal_probability"`
		} `json:"timeline"`
		Changes []map[string]json.RawMessage `json:"changes"`
	}
	d := json.NewDecoder(strings.NewReader(stdout))
	if err := d.Decode(&got); err != nil {
		t.Fatal(err)
	}
	var dates []string
	for _, st := range got.Timeline {
		if st.AsOf == nil || st.DealProbability == nil || len(st.Results) != 2 || st.Results[0]["model"] != "mean" || st.Results[0]["issues"] == nil {
			t.Fatalf("timeline entry %+v", st)
		}
		dates = append(dates, *st.AsOf)
	}
	if want := []string{"2022-06-03", "2022-07-06", "2022-10-15"}; !slices.Equal(dates, want) {
		t.Errorf("dates %v, want %v", dates, want)
	}
	if len(got.Changes) == 0 {
		t.Fatal("no changes")
	}
	for _, c := range got.Changes {
		for _, k := range []string{"from", "to", "actor", "issue", "field", "before", "after", "effect"} {
			if _, ok := c[k]; !ok {
				t.Errorf("change without %s: %v", k, c)
			}
		}
	}
}

// TestTimelineFiles runs the timeline of the flagship's states kept as
// separate files with the same id: it equals the timeline of the one file.
func TestTimelineFiles(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for _, date := range []string{"2022-10-15", "2022-06-03", "2022-07-06"} {
		stdout, stderr, code := run(t, "convert", "example:"+examples.Flagship, "--as-of", date, "--to", "json")
		if code != 0 {
			t.Fatalf("convert --as-of %s: %s", date, stderr)
		}
		if strings.Contains(stdout, `"snapshots"`) {
			t.Fatalf("convert --as-of %s keeps the snapshots", date)
		}
		p := filepath.Join(dir, date+".json")
		if err := os.WriteFile(p, []byte(stdout), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	args := []string{"timeline", "--model", "mean,nbs", "--draws", "50", "--format", "json"}
	one, _, code := run(t, args...)
	if code != 0 {
		t.Fatal(one)
	}
	many, stderr, code := run(t, append(args, paths...)...)
	if code != 0 {
		t.Fatal(stderr)
	}
	if one != many {
		t.Errorf("the timeline of three files differs from that of the one file:\n%s", diff(one, many))
	}
}

// diff shows the first differing line of want and got.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n\twant %q\n\tgot  %q", i+1, wl, gl)
		}
	}
	return "(no line differs)"
}

// TestDocsCLI keeps docs/cli.md equal to jirga help --all, byte for byte.
// After changing a command, its flags or its help text, regenerate it with
//
//	go run ./cmd/jirga help --all > docs/cli.md
//
// or go test ./cmd/jirga -run TestDocsCLI -update.
func TestDocsCLI(t *testing.T) {
	stdout, stderr, code := run(t, "help", "--all")
	if code != 0 || stderr != "" {
		t.Fatalf("help --all: exit %d, stderr %q", code, stderr)
	}
	goldenFile(t, filepath.Join("..", "..", "docs", "cli.md"), stdout)
	for _, c := range commands {
		if c.name != "help" && !strings.Contains(stdout, "## jirga "+c.name+"\n") {
			t.Errorf("help --all has no section for %s", c.name)
		}
	}
}

// TestBadInput runs the CLI end to end on bad input: every case must exit
// with status 2 and a message, never a panic or a stack trace.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty := write("empty.yaml", "")
	malformedJSON := write("bad.json", "{\"id\": \"s\",\n")
	malformedCSV := write("bad.csv", "actor,capability,position,salience\n\"a,1,2,3\n")
	nanYAML := write("nan.yaml", "id: s\nissues: [{id: i}]\nactors: [{id: a, capability: .nan, stances: {i: {position: .inf, salience: -.inf}}}]\n")
	binary := write("binary.dat", "\x00\xff\xfe\x01garbage")
	tests := []struct {
		name string
		args []string
		msg  string // in stderr
	}{
		{"MissingFile", []string{"validate", filepath.Join(dir, "nope.yaml")}, "no such file"},
		{"Directory", []string{"validate", dir}, "is a directory"},
		{"EmptyFile", []string{"forecast", empty}, "file is empty"},
		{"MalformedJSON", []string{"validate", malformedJSON}, "bad.json:2: malformed JSON"},
		{"MalformedCSV", []string{"convert", malformedCSV}, "bad.csv:2: malformed CSV"},
		{"NaN", []string{"forecast", nanYAML}, `nan.yaml:3: actor "a", field capability: want a finite number, got .nan`},
		{"Binary", []string{"validate", binary}, "binary.dat"},
		{"BadFileWithJSONOutput", []string{"forecast", "testdata/bad.yaml", "--format", "json"}, "problems found"},
		{"UnknownModel", []string{"forecast", "--model", "mean,oracle"}, `unknown model "oracle"`},
		{"UnknownFormat", []string{"forecast", "--format", "xml"}, `--format "xml" is not one of table, json, csv`},
		{"UnknownTo", []string{"convert", "example:emission", "--to", "xml"}, `--to "xml" is not one of yaml, json`},
		{"UnknownInputFormat", []string{"validate", "example:emission", "--input-format", "excel"}, `unknown input format "excel"`},
		{"WrongInputFormat", []string{"validate", "example:emission", "--input-format", "json"}, "malformed JSON"},
		{"UnknownExample", []string{"forecast", "example:atlantis"}, `unknown example "atlantis"`},
		{"UnknownOption", []string{"forecast", "--opt", "nbs.colour=red"}, "nbs: unknown option colour; known: utility"},
		{"BadOptionValue", []string{"forecast", "--opt", "nbs.utility=cubic"}, `nbs: option utility="cubic": want one of quadratic, linear`},
		{"MalformedOption", []string{"forecast", "--opt", "utility"}, "want MODEL.KEY=VALUE"},
		{"OptionForUnrunModel", []string{"forecast", "--model", "mean", "--opt", "nbs.utility=linear"}, "model nbs is not among the models run"},
		{"NegativeRounds", []string{"forecast", "--rounds", "-1"}, "rounds must be ≥ 0, got -1"},
		{"TwoFiles", []string{"forecast", empty, empty}, "want at most one FILE"},
		{"ValidateNoFile", []string{"validate"}, "want one FILE"},
		{"ConvertNoFile", []string{"convert"}, "want one FILE"},
		{"UnknownCommand", []string{"forcast"}, `unknown command "forcast"`},
		{"HelpUnknown", []string{"help", "forcast"}, `help: unknown command "forcast"`},
		{"BadFlag", []string{"models", "--verbose"}, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := run(t, tt.args...)
			if code != exitBadInput {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, exitBadInput, stderr)
			}
			if !strings.Contains(stderr, tt.msg) {
				t.Errorf("stderr does not contain %q:\n%s", tt.msg, stderr)
			}
			if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
				t.Errorf("stack trace in stderr:\n%s", stderr)
			}
			if strings.Contains(tt.name, "BadFile") && stdout != "" {
				t.Errorf("output written despite bad input:\n%s", stdout)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	stdout, _, code := run(t, "version")
	if code != 0 || !strings.HasPrefix(stdout, "jirga ") {
		t.Errorf("version: exit %d, output %q", code, stdout)
	}
	if stdout2, _, _ := run(t, "--version"); stdout2 != stdout {
		t.Errorf("--version=%q, version=%q", stdout2, stdout)
	}
}

func TestHelpFlag(t *testing.T) {
	for _, args := range [][]string{{"forecast", "-h"}, {"help", "-h"}, {"--help"}} {
		if _, _, code := run(t, args...); code != exitOK {
			t.Errorf("%v: exit %d, want 0", args, code)
		}
	}
}
