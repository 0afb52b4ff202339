package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The flagship comparison, as a table and as CSV, is fixed by golden files.
func TestCompareGolden(t *testing.T) {
	for _, format := range []string{"table", "csv"} {
		out, errs, code := run(t, "compare", "--model", "mean,median", "--format", format)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		golden(t, "compare-flagship-"+format, out)
	}
}

func TestCompareJSON(t *testing.T) {
	out, errs, code := run(t, "compare", "--model", "mean", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var c struct {
		Variants []struct{ ID string }
		Rows     []struct {
			Variant, Model, Issue string
			Forecast, Shift       float64
		}
	}
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatal(err)
	}
	// baseline + 5 interventions + all, each with 6 issues.
	if len(c.Variants) != 7 || c.Variants[0].ID != "baseline" || c.Variants[6].ID != "all" {
		t.Errorf("variants %+v", c.Variants)
	}
	if len(c.Rows) != 7*6 {
		t.Errorf("%d rows, want 42", len(c.Rows))
	}
}

func TestLeversJSONContract(t *testing.T) {
	out, errs, code := run(t, "levers", "--model", "median", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r struct {
		Levers []map[string]any `json:"levers"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Levers) == 0 {
		t.Fatal("no levers")
	}
	prev := math.Inf(1)
	for _, l := range r.Levers {
		for _, k := range []string{"actor", "field", "target", "issue", "delta", "effect"} {
			if _, ok := l[k]; !ok {
				t.Fatalf("lever %v lacks %s", l, k)
			}
		}
		switch l["field"] {
		case "capability", "salience", "position":
		default:
			t.Errorf("field %v", l["field"])
		}
		e := math.Abs(l["effect"].(float64))
		if e > prev {
			t.Fatalf("not sorted by |effect|: %g after %g", e, prev)
		}
		prev = e
	}
}

func TestDealJSONContract(t *testing.T) {
	out, errs, code := run(t, "deal", "--draws", "100", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r struct {
		DealProbability    *float64                   `json:"deal_probability"`
		ZOPA               map[string]json.RawMessage `json:"zopa"`
		ForecastAcceptable map[string]struct {
			Acceptable *bool `json:"acceptable"`
		} `json:"forecast_acceptable"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.DealProbability == nil || *r.DealProbability < 0 || *r.DealProbability > 1 {
		t.Errorf("deal_probability %v", r.DealProbability)
	}
	if len(r.ZOPA) != 6 || string(r.ZOPA["merger"]) != "null" || !strings.Contains(string(r.ZOPA["ceasefire"]), `"low"`) {
		t.Errorf("zopa %s", out)
	}
	for _, m := range []string{"mean", "median", "condorcet", "nbs"} {
		if c, ok := r.ForecastAcceptable[m]; !ok || c.Acceptable == nil {
			t.Errorf("forecast_acceptable lacks %s", m)
		}
	}
	// The table runs too, and a bad flag is a usage error.
	if out, errs, code := run(t, "deal", "--draws", "20"); code != 0 || !strings.Contains(out, "deal probability") {
		t.Errorf("table: exit %d: %s%s", code, out, errs)
	}
	if _, _, code := run(t, "deal", "--draws", "-3"); code != 2 {
		t.Errorf("--draws -3: exit %d, want 2", code)
	}
}

func TestReportCLI(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.html")
	if _, errs, code := run(t, "report", "--draws", "20", "-o", path); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(path)
	if err != nil || !bytes.Contains(b, []byte(`id="chart-zopa"`)) {
		t.Errorf("report: %v, %d bytes", err, len(b))
	}
	if _, _, code := run(t, "report"); code != 2 {
		t.Errorf("report without -o: exit %d, want 2", code)
	}
}

// TestLeversDealJSON: a lever on the deal says so in target, and issue
// names the issue of the nudged estimate (absent for a capability), as
// docs/advice.md states; the table labels it "field on issue".
func TestLeversDealJSON(t *testing.T) {
	out, errs, code := run(t, "levers", "--target", "deal", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r struct {
		Levers []struct {
			Actor, Field, Target, Issue, Perturbed string
		} `json:"levers"`
		Movers map[string][]struct{ Actor string } `json:"movers"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	issues := map[string]bool{}
	for _, l := range r.Levers {
		if l.Target != "deal" || l.Perturbed != "" || (l.Field == "capability") != (l.Issue == "") {
			t.Fatalf("lever %+v: want target deal, no perturbed, an issue unless a capability", l)
		}
		issues[l.Issue] = true
	}
	if !issues["merger"] || issues["deal"] || len(r.Movers["deal"]) == 0 {
		t.Errorf("issues nudged %v, movers %v", issues, r.Movers)
	}
	table, _, _ := run(t, "levers", "--target", "deal", "--top", "3")
	if !strings.Contains(table, " on merger") {
		t.Errorf("table does not name the nudged issue:\n%s", table)
	}
}
