package main

import (
	"strings"
	"testing"
)

func TestForecastBDMJSONGolden(t *testing.T) {
	out, errOut, code := run(t, "forecast", "example:emission", "--model", "bdm", "--format", "json", "--rounds-detail", "all")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	golden(t, "forecast-emission-bdm-json", out)
}

func TestExplainBDMGolden(t *testing.T) {
	out, errOut, code := run(t, "explain", "--model", "bdm", "example:emission")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	golden(t, "explain-emission-bdm", out)
}

func TestExplain(t *testing.T) {
	tests := []struct {
		args   []string
		code   int
		outHas string // in stdout
		errHas string // in stderr
	}{
		{[]string{"explain", "--model", "bdm", "example:emission", "--rounds", "2", "--detail"}, 0, "round 2: median voter 9.611", ""},
		{[]string{"explain", "example:emission", "--rounds", "1", "--issue", "issue", "--detail"}, 0, "Belgium gives way 7.000 → 8.416", ""},
		{[]string{"explain", "--model", "bdm", "--rounds", "1", "--issue", "merger", "--detail"}, 0, "Issue merger", ""},
		// The summary: one line per round, the biggest mover and why.
		{[]string{"explain", "--model", "bdm", "--issue", "merger"}, 0, "round 1: outcome 15.0; 5 of 9 moved; most: jirga 35.0 → 15.0, took pti's conflict offer", ""},
		{[]string{"explain", "--model", "smp", "--wide"}, 0, "round 1: outcome 26.6; 5 of 9 moved; most: swat-civil 5.0 → 34.3, adopted the bargain of jirga and swat-civil", ""},
		{[]string{"explain", "--model", "exchange", "--wide"}, 0, "round 1: outcome 33.4; 7 of 9 moved; most: swat-civil 5.0 → 33.9, traded with ttp, who moved on arms", ""},
		{[]string{"explain", "--model", "median", "example:emission"}, 2, "", `model "median" is static`},
		{[]string{"explain", "--model", "bdm,mean", "example:emission"}, 2, "", "takes one model"},
		{[]string{"explain", "--model", "bdm", "example:emission", "--issue", "nope"}, 2, "", `issue "nope": no such issue`},
		{[]string{"explain", "--model", "bdm", "--opt", "bdm.votes=cubic"}, 2, "", "votes="},
		{[]string{"explain", "--model", "bdm", "--rounds", "-1"}, 2, "", "rounds must be ≥ 0, got -1"},
	}
	// The flagship's default explanation is short; --detail has every offer.
	short, _, _ := run(t, "explain", "--model", "bdm")
	long, _, _ := run(t, "explain", "--model", "bdm", "--detail")
	if n := strings.Count(short, "\n"); n >= 120 || strings.Contains(short, "other offers") {
		t.Errorf("default explain: %d lines (want < 120), or it lists the offers", n)
	}
	if !strings.HasPrefix(long, short[:strings.Index(short, "\nSettled?")]) || !strings.Contains(long, "other offers") {
		t.Errorf("--detail does not follow the summary with every offer")
	}
	for i, tt := range tests {
		out, errOut, code := run(t, tt.args...)
		if code != tt.code || !strings.Contains(out, tt.outHas) || !strings.Contains(errOut, tt.errHas) {
			t.Errorf("case %d %v: exit %d, stdout %.200q, stderr %q; want exit %d, stdout with %q, stderr with %q",
				i, tt.args, code, out, errOut, tt.code, tt.outHas, tt.errHas)
		}
	}
}
