package format

import (
	"math"
	"os"
	"strconv"
	"testing"
)

func TestScenarioID(t *testing.T) {
	for _, tc := range []struct{ name, title, def, want string }{
		{"testdata/decide/cop21_2015.tsv", "", "decide", "cop21_2015"},
		{"/tmp/x/CoP 21 (Paris).tsv", "ignored", "decide", "CoP-21-Paris"},
		{"data.v2.csv", "", "scenario", "data.v2"},
		{"<stdin>", "CoP21 Paris negotiations", "decide", "CoP21-Paris-negotiations"},
		{"<upload>", "", "decide", "decide"},
		{"-", "", "scenario", "scenario"},
		{"", "", "scenario", "scenario"},
		{"переговоры.csv", "", "scenario", "scenario"},
	} {
		if got := scenarioID(tc.name, tc.title, tc.def); got != tc.want {
			t.Errorf("scenarioID(%q, %q, %q) = %q, want %q", tc.name, tc.title, tc.def, got, tc.want)
		}
	}
}

func TestTidy(t *testing.T) {
	for _, tc := range []struct{ in, want float64 }{
		{0.55 * 100, 55},
		{0.07 * 100, 7},
		{0.1 + 0.2, 0.3},
		{1.0 / 3, 0.333333333333},
		{123456.7, 123456.7},
		{-0.29 * 100, -29},
		{1e-20 / 3, 3.33333333333e-21},
		{0, 0},
	} {
		if got := tidy(tc.in); got != tc.want {
			t.Errorf("tidy(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
	for _, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if got := tidy(x); strconv.FormatFloat(got, 'g', -1, 64) != strconv.FormatFloat(x, 'g', -1, 64) {
			t.Errorf("tidy(%v) = %v", x, got)
		}
	}
}

// TestDecideNumbers checks that no salience or capability imported from the
// CoP21 file carries binary noise: each is its shortest 12-digit decimal
// (the file's 0.55 is 55, where 0.55 × 100 is 55.00000000000001).
func TestDecideNumbers(t *testing.T) {
	data, err := os.ReadFile("testdata/decide/cop21_2015.tsv")
	if err != nil {
		t.Fatal(err)
	}
	ss, err := Read("testdata/decide/cop21_2015.tsv", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := ss[0]
	if s.ID != "cop21_2015" {
		t.Errorf("id %q, want cop21_2015 (from the file name)", s.ID)
	}
	n := 0
	for _, a := range s.Actors {
		if x := a.Capability.Value; x != tidy(x) {
			t.Errorf("actor %s: capability %v is not tidy", a.ID, x)
		}
		for is, st := range a.Stances {
			x := st.Salience.Value
			if x != tidy(x) {
				t.Errorf("actor %s, issue %s: salience %v is not tidy", a.ID, is, x)
			}
			if x == 55 {
				n++
			}
		}
	}
	if n == 0 {
		t.Error("no salience of 55 (0.55 in the file): the test data changed?")
	}
}
