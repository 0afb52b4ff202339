package main

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jirga/jirga"
)

// TestOutputWidth runs every command that prints a table on the flagship
// and on the examples, and checks that no line of the default output is
// wider than 100 columns (runes), and that --wide gives each table row on
// one line.
func TestOutputWidth(t *testing.T) {
	files := []string{"example:pakistan-ttp-2022", "example:emission", "example:cop21", "example:soe-policy"}
	cmds := [][]string{
		{"forecast", "--model", "all"},
		{"sweep", "--draws", "20"},
		{"compare"},
		{"levers"},
		{"deal", "--draws", "50"},
		{"explain", "--model", "bdm"},
		{"validate"},
	}
	if testing.Short() {
		files = files[:2]
	}
	var all [][]string
	for _, f := range files {
		for _, c := range cmds {
			all = append(all, append([]string{c[0], f}, c[1:]...))
		}
	}
	all = append(all,
		[]string{"timeline", "--draws", "50"},
		[]string{"forecast", "../../backtest/testdata/deu_dev.tsv", "--model", "mean,bdm"},
		[]string{"backtest", deuDev, "--model", "mean,median,bdm"},
	)
	for _, args := range all {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			out, stderr, code := run(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for i, l := range strings.Split(out, "\n") {
				if n := utf8.RuneCountInString(l); n > textWidth {
					t.Errorf("line %d is %d columns wide: %q", i+1, n, l)
				}
			}
			if args[0] == "validate" {
				return
			}
			wide, _, code := run(t, append(args, "--wide")...)
			if code != 0 {
				t.Fatalf("--wide: exit %d", code)
			}
			if lw, ld := strings.Count(wide, "\n"), strings.Count(out, "\n"); lw > ld {
				t.Errorf("--wide has %d lines, more than the default's %d", lw, ld)
			}
		})
	}
}

// TestWide checks that --wide prints the flagship forecast's table whole:
// one header with every model, and one line per issue; and that the
// default splits it into blocks that repeat the issue and scale columns.
func TestWide(t *testing.T) {
	wide, _, _ := run(t, "forecast", "--model", "all", "--wide")
	narrow, _, _ := run(t, "forecast", "--model", "all")
	header := "issue      scale  mean           median         condorcet      nbs            bdm             smp            exchange        stacked"
	if !strings.Contains(wide, header+"\n") {
		t.Errorf("--wide: no one-line header %q in\n%s", header, wide)
	}
	if n := strings.Count(narrow, "\nissue      scale  "); n < 2 {
		t.Errorf("default: %d blocks, want at least 2:\n%s", n, narrow)
	}
	for _, l := range strings.Split(wide, "\n") {
		if strings.HasPrefix(l, "merger ") && !strings.HasSuffix(strings.TrimSpace(l), "]") {
			t.Errorf("--wide row cut: %q", l)
		}
	}
}

func TestWrapLine(t *testing.T) {
	for _, tt := range []struct {
		in    string
		width int
		want  string
	}{
		{"short", 10, "short"},
		{"aaa bbb ccc ddd", 7, "aaa bbb\n  ccc\n  ddd"},
		{"  x: aaa bbb ccc", 10, "  x: aaa\n    bbb\n    ccc"},
		{"  key    one two three four", 24, "  key    one two three\n           four"},
		{"abcdefghij", 4, "abcd\n  ef\n  gh\n  ij"},
		{"ä ö ü ä ö ü", 5, "ä ö ü\n  ä ö\n  ü"},
	} {
		if got := wrapLine(tt.in, tt.width); got != tt.want {
			t.Errorf("wrapLine(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
		}
	}
}

func TestTableBlocks(t *testing.T) {
	tb := &table{keys: 1}
	tb.add("k", "aaaaaaaa", "bbbbbbbb", "cccccccc")
	tb.add("row", "1", "2", "3")
	var b strings.Builder
	tb.write(&fitWriter{w: &b, width: 25})
	want := "k    aaaaaaaa  bbbbbbbb\nrow  1         2\n\nk    cccccccc\nrow  3\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	tb.write(&b)
	if want := "k    aaaaaaaa  bbbbbbbb  cccccccc\nrow  1         2         3\n"; b.String() != want {
		t.Errorf("unlimited: got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestCollapseNotes(t *testing.T) {
	got := collapseIssueNotes([]string{
		`issue "merger": every move from the status quo 0 leaves some actor worse off than no deal, so the bargain is the status quo (a veto)`,
		`settings: rounds=8`,
		`issue "arms": every move from the status quo 80 leaves some actor worse off than no deal, so the bargain is the status quo (a veto)`,
		`issue "amnesty": every move from the status quo 30 leaves some actor worse off than no deal, so the bargain is the status quo (a veto)`,
		`issue "x": every salience is 0, so capability alone weights the actors`,
		`issue "y": every salience is 0, so capability alone weights the actors`,
		`issue "z": no outcome is at least as good as the status quo for every actor; forecast is the status quo`,
	})
	want := []string{
		`issues merger (status quo 0), arms (80), amnesty (30): every move from the status quo leaves some actor worse off than no deal, so the bargain is the status quo (a veto)`,
		`settings: rounds=8`,
		`issues x, y: every salience is 0, so capability alone weights the actors`,
		`issue "z": no outcome is at least as good as the status quo for every actor; forecast is the status quo`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestNoteLines(t *testing.T) {
	rs := []*jirga.Result{
		{Model: "mean", Notes: []string{`issue "a": every salience is 0, so capability alone weights the actors`, `issue "b": every salience is 0, so capability alone weights the actors`}},
		{Model: "median", Notes: []string{`issue "a": every salience is 0, so capability alone weights the actors`, `issue "b": every salience is 0, so capability alone weights the actors`}},
		{Model: "bdm", Notes: []string{"bdm settings: rounds=8"}},
	}
	want := []string{
		"note (mean, median): issues a, b: every salience is 0, so capability alone weights the actors",
		"note (bdm): bdm settings: rounds=8",
	}
	if got := noteLines(rs); !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestSettingsOnce: a file of many scenarios gets one table each, but a
// model's settings (and any legend every table shares) once, at the end.
func TestSettingsOnce(t *testing.T) {
	for _, args := range [][]string{
		{"forecast", deuDev, "--model", "mean,bdm"},
		{"sweep", deuDev, "--model", "mean,bdm", "--draws", "2"},
	} {
		out, stderr, code := run(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		if n := strings.Count(out, "bdm settings:"); n != 1 {
			t.Errorf("%v: the bdm settings are written %d times, want once", args, n)
		}
		if n := strings.Count(out, "[lo–hi]: 80% predictive interval"); n != 1 {
			t.Errorf("%v: the predictive legend is written %d times, want once", args, n)
		}
		if !strings.Contains(out, "\nfor every scenario above:\n") || strings.Count(out, "\nissue ") < 274 && args[0] == "forecast" {
			t.Errorf("%v: no shared footer, or fewer tables than scenarios", args)
		}
	}
}
