package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
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
