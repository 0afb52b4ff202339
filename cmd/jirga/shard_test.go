package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestSweepShards: jirga sweep --shard I/N --out for every I, merged by
// jirga sweep merge in any order, prints what jirga sweep prints whole,
// byte for byte, for several N and every format; a file of several
// scenarios too, and a dynamic model that does not settle with an error
// scale (the predictive intervals and settle ranges are made at the merge).
func TestSweepShards(t *testing.T) {
	dir := t.TempDir()
	multi := filepath.Join(dir, "two.csv")
	os.WriteFile(multi, []byte("actor,capability,position,salience\na,10,20,50\nb,20,80,90\nc,5,50,40\n"), 0o644)
	for _, c := range []struct {
		input []string
		n     []int
	}{
		{[]string{"--model", "mean,median,nbs", "--draws", "61", "--seed", "4", "--bins", "7"}, []int{1, 2, 3, 7}},
		{[]string{"--model", "all", "--draws", "5", "--seed", "2", "--rounds", "3"}, []int{2, 5}},
		{[]string{multi, "--model", "mean,bdm", "--draws", "20", "--uncertainty", "position=0.2"}, []int{3}},
		{[]string{"--model", "median,bdm", "--draws", "13", "--error-scale", "1.5"}, []int{2, 4}},
	} {
		wants := map[string]string{}
		for _, f := range []string{"table", "json", "csv"} {
			out, errb, code := run(t, append(append([]string{"sweep"}, c.input...), "--format", f)...)
			if code != 0 {
				t.Fatalf("sweep %v: exit %d: %s", c.input, code, errb)
			}
			wants[f] = out
		}
		for _, n := range c.n {
			var files []string
			for i := n - 1; i >= 0; i-- {
				file := filepath.Join(dir, "shard-"+itoa(i)+".json")
				_, errb, code := run(t, append(append([]string{"sweep"}, c.input...), "--shard", itoa(i)+"/"+itoa(n), "--out", file)...)
				if code != 0 {
					t.Fatalf("sweep %v --shard %d/%d: exit %d: %s", c.input, i, n, code, errb)
				}
				files = append(files, file)
			}
			for f, want := range wants {
				out, errb, code := run(t, append([]string{"sweep", "merge", "--format", f}, files...)...)
				if code != 0 || out != want {
					t.Fatalf("merge of %d shards of %v, %s: exit %d %s\n got %s\nwant %s", n, c.input, f, code, errb, out, want)
				}
			}
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestSweepMergeRefuses: a set of shards that is not one sweep's, once
// each, is refused with exit status 2 and a message saying why.
func TestSweepMergeRefuses(t *testing.T) {
	dir := t.TempDir()
	shard := func(name, spec string, extra ...string) string {
		t.Helper()
		file := filepath.Join(dir, name)
		args := append([]string{"sweep", "--model", "mean", "--draws", "30", "--seed", "5", "--shard", spec, "--out", file}, extra...)
		if _, errb, code := run(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errb)
		}
		return file
	}
	a, b, c := shard("a.json", "0/3"), shard("b.json", "1/3"), shard("c.json", "2/3")
	seed := shard("seed.json", "1/3", "--seed", "6")
	draws := shard("draws.json", "1/3", "--draws", "31")
	model := shard("model.json", "1/3", "--model", "median")
	scale := shard("scale.json", "1/3", "--error-scale", "2")
	four := shard("four.json", "1/4")
	other := filepath.Join(dir, "other.json")
	os.WriteFile(other, []byte(`{"results":[]}`), 0o644)
	changed := filepath.Join(dir, "changed.json")
	data, _ := os.ReadFile(b)
	os.WriteFile(changed, []byte(strings.Replace(string(data), `"seed":5`, `"seed":9`, 1)), 0o644)
	version := filepath.Join(dir, "version.json")
	os.WriteFile(version, []byte(strings.Replace(string(data), `"engine_version":"`, `"engine_version":"0.0.0-other`, 1)), 0o644)
	for _, tc := range []struct {
		files []string
		want  string
	}{
		{[]string{a, c}, "shard 1 of 3 is missing"},
		{[]string{a}, "shards 1, 2 of 3 are missing"},
		{[]string{a, b, b, c}, "shard 1 of 3 is given twice"},
		{[]string{a, seed, c}, "different sweeps: their seeds differ (5 and 6)"},
		{[]string{a, draws, c}, "their numbers of draws differ (30 and 31)"},
		{[]string{a, model, c}, "their models or model options differ"},
		{[]string{a, scale, c}, "their --error-scale differ (0 and 2)"},
		{[]string{a, four, c}, "is shard 1 of 4"},
		{[]string{a, version, c}, "by jirga 0.0.0-other"},
		{[]string{a, other, c}, "other.json: it is not a shard"},
		{[]string{a, changed, c}, "changed.json: its input does not match its hash"},
		{[]string{a, filepath.Join(dir, "nope.json"), c}, "no such file"},
	} {
		out, errb, code := run(t, append([]string{"sweep", "merge"}, tc.files...)...)
		if code != 2 || out != "" || !strings.Contains(errb, tc.want) {
			t.Errorf("merge %v: exit %d, stdout %q, stderr %q; want exit 2 and %q", tc.files, code, out, errb, tc.want)
		}
	}
	if _, errb, code := run(t, "sweep", "merge", a, b, c); code != 0 {
		t.Errorf("the three shards: exit %d: %s", code, errb)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sweep", "--shard", "0/2"}, "--shard needs --out"},
		{[]string{"sweep", "--out", "x.json"}, "--out goes with --shard"},
		{[]string{"sweep", "--shard", "2/2", "--out", "x.json"}, "I must be in [0, 1]"},
		{[]string{"sweep", "--shard", "1", "--out", "x.json"}, "--shard must be I/N"},
		{[]string{"sweep", "--shard", "0/2", "--out", "x.json", "--format", "json"}, "--format applies to jirga sweep merge"},
		{[]string{"sweep", "merge"}, "no shard files"},
		{[]string{"sweep", "--shard", "0/2", "--out", "x.json", "--error-scale", "-1"}, "--error-scale must be in"},
	} {
		if _, errb, code := run(t, tc.args...); code != 2 || !strings.Contains(errb, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, errb, tc.want)
		}
	}
}
