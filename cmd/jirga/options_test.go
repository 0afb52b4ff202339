package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jirga/jirga/models"
)

// TestOptionErrorsSameInCLIAndAPI: the CLI's --opt and the HTTP API's opts
// go through one parser (models.Build), so a bad option gets the same
// message from both, and the API answers 400 before storing a run (it used
// to store nbs.utility=cubic and fail it later).
func TestOptionErrorsSameInCLIAndAPI(t *testing.T) {
	url, _ := startServe(t, filepath.Join(t.TempDir(), "jirga.db"))
	for _, c := range []struct {
		models string
		opts   map[string]string
	}{
		{"nbs", map[string]string{"nbs.utility": "cubic"}},
		{"nbs", map[string]string{"nbs.colour": "red"}},
		{"exchange", map[string]string{"exchange.fixed_weight": "0.7", "exchange.salience_weight": "0.7"}},
		{"mean", map[string]string{"nbs.utility": "linear"}},
		{"bdm,smp", map[string]string{"bdm.q": "2", "bdm.votes": "loud", "smp.turns": "0"}},
		{"smp", map[string]string{"smp.VotingRule": "Quad"}},
	} {
		args := []string{"forecast", "--model", c.models}
		for k, v := range c.opts {
			args = append(args, "--opt", k+"="+v)
		}
		_, stderr, code := run(t, args...)
		cli, ok := strings.CutPrefix(strings.TrimSuffix(stderr, "\n"), "jirga: ")
		if code != exitBadInput || !ok {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
			continue
		}
		body, _ := json.Marshal(map[string]any{"scenario_id": "pakistan-ttp-2022", "models": strings.Split(c.models, ","), "opts": c.opts})
		var eb struct {
			Error struct{ Code, Message string }
		}
		if status := postJSON(t, url+"/api/runs", "", string(body), &eb); status != 400 {
			t.Errorf("%v: API status %d, want 400", c.opts, status)
		}
		if eb.Error.Message != cli {
			t.Errorf("%v: API says %q,\nCLI says %q", c.opts, eb.Error.Message, cli)
		}
	}
	// No run was stored.
	var list struct{ Runs []struct{ ID int64 } }
	getJSON(t, url+"/api/runs", &list)
	if len(list.Runs) != 0 {
		t.Errorf("runs stored: %+v", list.Runs)
	}
}

// TestModelsListsEveryValue: jirga models lists every value of every choice
// option under its option, each with its one-line meaning and its source
// (issue 15), as the models' declarations give them.
func TestModelsListsEveryValue(t *testing.T) {
	stdout, stderr, code := run(t, "models")
	if code != 0 || stderr != "" {
		t.Fatalf("models: exit %d, stderr %q", code, stderr)
	}
	// values[model.option] are the lines under that option's --opt line.
	values := map[string][]string{}
	var cur string
	for _, line := range strings.Split(stdout, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "--opt "); ok {
			cur, _, _ = strings.Cut(rest, "=")
			continue
		}
		if cur != "" {
			values[cur] = append(values[cur], strings.TrimSpace(line))
		}
	}
	n := 0
	for _, info := range models.All() {
		for _, o := range info.Options {
			for _, v := range o.Values {
				n++
				found := false
				for _, l := range values[info.Name+"."+o.Name] {
					name, rest, _ := strings.Cut(l, " ")
					if name == v.Name && strings.HasPrefix(strings.TrimSpace(rest), v.Doc+" ["+v.Cite+"]") {
						found = true
					}
				}
				if !found {
					t.Errorf("jirga models does not list %s.%s=%s with %q [%s]", info.Name, o.Name, v.Name, v.Doc, v.Cite)
				}
			}
		}
	}
	if n < 40 {
		t.Errorf("only %d choice values declared", n)
	}
}
