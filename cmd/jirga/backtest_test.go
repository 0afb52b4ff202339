package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const deuDev = "../../backtest/testdata/deu_dev.tsv"

func TestBacktestJSONContract(t *testing.T) {
	perIssue := filepath.Join(t.TempDir(), "issues.csv")
	out, stderr, code := run(t, "backtest", deuDev, "--model", "mean,stacked", "--format", "json", "--out", perIssue)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Scored int `json:"scored"`
		Models []struct {
			Model string   `json:"model"`
			N     int      `json:"n"`
			MAE   *float64 `json:"mae"`
			RMSE  *float64 `json:"rmse"`
		} `json:"models"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Scored != 274 || len(rep.Models) != 7 || rep.Models[0].Model != "mean" || rep.Models[0].N != 274 || rep.Models[0].MAE == nil || rep.Models[0].RMSE == nil {
		t.Fatalf("report: %+v", rep)
	}
	f, err := os.Open(perIssue)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// Header, 7 models × 274 issues, and 8 skipped issues.
	if len(rows) != 1+7*274+8 {
		t.Errorf("per-issue CSV has %d rows, want %d", len(rows), 1+7*274+8)
	}
}

func TestBacktestTableAndErrors(t *testing.T) {
	out, stderr, code := run(t, "backtest", deuDev, "--model", "mean", "--capability", "council")
	if code != 0 || !strings.Contains(out, "274 scored") || !strings.Contains(out, "capability council") {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	if _, _, code := run(t, "backtest", deuDev, "--model", "nope"); code != exitBadInput {
		t.Errorf("unknown model: exit %d, want %d", code, exitBadInput)
	}
	if _, _, code := run(t, "backtest", deuDev, "--coverage", "--uncertainty", "position=x"); code != exitBadInput {
		t.Errorf("bad uncertainty: exit %d, want %d", code, exitBadInput)
	}
	// No outcomes: refused, saying why, for every subcommand.
	for _, args := range [][]string{{"backtest"}, {"backtest", "fit"}, {"backtest", "cv"}} {
		out, stderr, code = run(t, append(args, "../../examples/pakistan-ttp-2022.yaml", "--format", "json")...)
		if args[len(args)-1] == "fit" {
			out, stderr, code = run(t, append(args, "../../examples/pakistan-ttp-2022.yaml")...)
		}
		if code != exitBadInput || out != "" || !strings.Contains(stderr, "has no issue to score (6 issues with no outcome)") {
			t.Errorf("%v on the flagship: exit %d, %q", args, code, stderr)
		}
	}
	if _, _, code := run(t, "backtest"); code != exitBadInput {
		t.Errorf("no file: exit %d, want %d", code, exitBadInput)
	}
}

func TestBacktestFitMatchesShipped(t *testing.T) {
	out, stderr, code := run(t, "backtest", "fit", deuDev)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	shipped, err := os.ReadFile("../../stack/stacked.json")
	if err != nil {
		t.Fatal(err)
	}
	var a, b map[string]any
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(shipped, &b); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"lambda", "n", "training_hash", "command", "features"} {
		if ja, jb := mustJSON(a[k]), mustJSON(b[k]); ja != jb {
			t.Errorf("%s: fit gives %s, shipped %s", k, ja, jb)
		}
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
