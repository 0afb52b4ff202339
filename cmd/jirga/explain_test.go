package main

import (
	"strings"
	"testing"
)

func TestForecastBDMJSONGolden(t *testing.T) {
	out, errOut, code := run(t, "forecast", "example:emission", "--model", "bdm", "--format", "json")
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
		{[]string{"explain", "--model", "bdm", "example:emission", "--rounds", "2"}, 0, "round 2: median voter 9.611", ""},
		{[]string{"explain", "example:emission", "--rounds", "1", "--issue", "issue"}, 0, "Belgium gives way 7.000 → 8.416", ""},
		{[]string{"explain", "--model", "bdm", "--rounds", "1", "--issue", "merger"}, 0, "Issue merger", ""},
		{[]string{"explain", "--model", "median", "example:emission"}, 2, "", `model "median" is static`},
		{[]string{"explain", "--model", "bdm,mean", "example:emission"}, 2, "", "takes one model"},
		{[]string{"explain", "--model", "bdm", "example:emission", "--issue", "nope"}, 2, "", `issue "nope": no such issue`},
		{[]string{"explain", "--model", "bdm", "--opt", "bdm.votes=cubic"}, 2, "", "votes="},
		{[]string{"explain", "--model", "bdm", "--rounds", "-1"}, 2, "", "rounds must be ≥ 0, got -1"},
	}
	for i, tt := range tests {
		out, errOut, code := run(t, tt.args...)
		if code != tt.code || !strings.Contains(out, tt.outHas) || !strings.Contains(errOut, tt.errHas) {
			t.Errorf("case %d %v: exit %d, stdout %.200q, stderr %q; want exit %d, stdout with %q, stderr with %q",
				i, tt.args, code, out, errOut, tt.code, tt.outHas, tt.errHas)
		}
	}
}
