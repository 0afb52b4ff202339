package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var servingRE = regexp.MustCompile(`serving on (http://[0-9.:]+)`)

// startServe starts jirga serve through Main on a free loopback port with
// the given extra flags and returns its base URL and a function that stops
// it (as SIGINT would) and returns its exit status.
func startServe(t *testing.T, db string, extra ...string) (string, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &syncBuffer{}
	code := make(chan int, 1)
	args := append([]string{"serve", "--addr", "127.0.0.1:0"}, extra...)
	if db != "" {
		args = append(args, "--db", db)
	}
	go func() {
		_, _, c := cli{ctx: ctx, stderr: stderr}.run(args...)
		code <- c
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if sm := servingRE.FindStringSubmatch(stderr.String()); sm != nil {
			stopped := false
			stop := func() int {
				if stopped {
					return 0
				}
				stopped = true
				cancel()
				return <-code
			}
			t.Cleanup(func() { stop() })
			return sm[1], stop
		}
		select {
		case c := <-code:
			cancel()
			t.Fatalf("serve exited with %d: %s", c, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not start: %s", stderr.String())
		}
	}
}

func getJSON(t testing.TB, url string, out any) int {
	t.Helper()
	return getJSONToken(t, url, "", out)
}

func getJSONToken(t testing.TB, url, token string, out any) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode == 200 {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode
}

func postJSON(t testing.TB, url, token, body string, out any) int {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

// TestServe runs jirga serve end to end: the flagship is seeded into the
// empty database, a run works, and the history survives a restart.
func TestServe(t *testing.T) {
	db := filepath.Join(t.TempDir(), "jirga.db")
	url, stop := startServe(t, db, "--token", "tok")
	if code := getJSON(t, url+"/healthz", nil); code != 200 {
		t.Fatalf("healthz %d", code)
	}
	var list struct{ Scenarios []struct{ ID string } }
	if code := getJSON(t, url+"/api/scenarios", nil); code != 401 {
		t.Fatalf("read without the token: %d, want 401", code)
	}
	getJSONToken(t, url+"/api/scenarios", "tok", &list)
	if len(list.Scenarios) != 1 || list.Scenarios[0].ID != "pakistan-ttp-2022" {
		t.Fatalf("seeded scenarios %+v", list)
	}
	if code := postJSON(t, url+"/api/runs", "", `{"scenario_id":"pakistan-ttp-2022"}`, nil); code != 401 {
		t.Fatalf("run without token: %d", code)
	}
	var run struct {
		ID      int64
		Status  string
		Results []struct{ Model string }
	}
	if code := postJSON(t, url+"/api/runs", "tok", `{"scenario_id":"pakistan-ttp-2022","models":["mean","median"]}`, &run); code != 201 {
		t.Fatalf("run: %d", code)
	}
	if run.Status != "done" || len(run.Results) != 2 || run.Results[0].Model != "mean" {
		t.Fatalf("run %+v", run)
	}
	resp, err := http.Get(url + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "/assets/app.js") || resp.Header.Get("Content-Security-Policy") == "" {
		t.Fatalf("UI page: %.200s", page)
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited with %d", code)
	}
	// Restart on the same database: nothing is seeded twice, the run is kept.
	url, _ = startServe(t, db)
	getJSON(t, url+"/api/scenarios", &list)
	if len(list.Scenarios) != 1 {
		t.Fatalf("after restart: %+v", list)
	}
	if code := getJSON(t, url+"/api/runs/1", &run); code != 200 || run.Status != "done" {
		t.Fatalf("run after restart: %d %+v", code, run)
	}
}

func TestServeFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want int
		msg  string
	}{
		{[]string{"serve", "--addr", "0.0.0.0:0"}, 2, "reachable beyond this machine; set --token"},
		{[]string{"serve", "--addr", ":0"}, 2, "reachable beyond this machine"},
		{[]string{"serve", "--workers", "-1"}, 2, "--workers must be ≥ 0"},
		{[]string{"worker", "--workers", "0"}, 2, "--workers must be ≥ 1"},
		{[]string{"worker", "--rescue-after", "1m"}, 2, "--rescue-after must be longer than --max-run-time"},
		{[]string{"worker", "--worker-timeout", "1s"}, 2, "at least two heartbeats"},
		{[]string{"worker", "--max-parts", "0"}, 2, "--max-parts must be in [1, 10000]"},
		{[]string{"worker", "extra"}, 2, "worker takes no arguments"},
		{[]string{"serve", "extra"}, 2, "serve takes no arguments"},
	} {
		if _, stderr, got := run(t, c.args...); got != c.want || !strings.Contains(stderr, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, got, stderr, c.want, c.msg)
		}
	}
	for addr, want := range map[string]bool{"127.0.0.1:8080": true, "localhost:1": true, "[::1]:80": true, "0.0.0.0:80": false, ":80": false, "192.0.2.1:80": false} {
		if got := isLoopback(addr); got != want {
			t.Errorf("isLoopback(%q) = %v", addr, got)
		}
	}
	// JIRGA_TOKEN stands in for --token, so a public address is allowed.
	t.Setenv("JIRGA_TOKEN", "from-env")
	url, _ := startServe(t, filepath.Join(t.TempDir(), "jirga.db"), "--addr", "127.0.0.1:0")
	if code := postJSON(t, url+"/api/runs", "", `{"scenario_id":"pakistan-ttp-2022"}`, nil); code != 401 {
		t.Errorf("write without the JIRGA_TOKEN token: %d, want 401", code)
	}
	if code := postJSON(t, url+"/api/runs", "from-env", `{"scenario_id":"pakistan-ttp-2022"}`, nil); code != 201 {
		t.Errorf("write with the JIRGA_TOKEN token: %d, want 201", code)
	}
	if got := redact("postgres://u:secret@h/db"); strings.Contains(got, "secret") {
		t.Errorf("redact leaks the password: %s", got)
	}
}

// TestServeSecurityFlags: the flags of issue 12 and their checks.
func TestServeSecurityFlags(t *testing.T) {
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pw")
	os.WriteFile(pwFile, []byte("s3cr'et\n"), 0o600)
	for _, c := range []struct {
		args []string
		want int
		msg  string
	}{
		{[]string{"serve", "--read-token", "r"}, 2, "--read-token needs --token"},
		{[]string{"serve", "--token", "t", "--read-token", "t"}, 2, "must differ"},
		{[]string{"serve", "--max-run-memory", "lots"}, 2, "want a size such as 512MiB"},
		{[]string{"serve", "--max-run-memory", "100"}, 2, "at least 1MiB"},
		{[]string{"serve", "--max-run-time", "10ms"}, 2, "at least 1s"},
		{[]string{"serve", "--max-resumes", "-1"}, 2, "--max-resumes must be ≥ 0"},
		{[]string{"serve", "--db", filepath.Join(dir, "x.db"), "--db-password-file", pwFile}, 2, "is for a PostgreSQL --db"},
		{[]string{"serve", "--db", filepath.Join(dir, "missing", "x.db")}, 2, "does not exist"},
	} {
		var stderr bytes.Buffer
		m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &stderr, IsTerminal: func(io.Writer) bool { return false }}
		if got := m.Run(context.Background(), c.args); got != c.want || !strings.Contains(stderr.String(), c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, got, stderr.String(), c.want, c.msg)
		}
	}
	// A password on the command line is warned about, and never printed.
	var stderr bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &stderr, IsTerminal: func(io.Writer) bool { return false }}
	m.Run(context.Background(), []string{"serve", "--db", "postgres://u:topsecret@127.0.0.1:1/db?connect_timeout=2"})
	if !strings.Contains(stderr.String(), "visible in the process list") || strings.Contains(stderr.String(), "topsecret") {
		t.Errorf("password in --db: %q", stderr.String())
	}
	for db, want := range map[string]string{
		"postgres://u@h/db":                 "postgres://u:s3cr%27et@h/db",
		"postgres://h/db?sslmode=disable":   "postgres://:s3cr%27et@h/db?sslmode=disable",
		"host=h user=u dbname=d":            `host=h user=u dbname=d password='s3cr\'et'`,
		"postgresql://u:old@h:5/db":         "postgresql://u:s3cr%27et@h:5/db",
		"host=h user=u password=x dbname=d": `host=h user=u password=x dbname=d password='s3cr\'et'`,
	} {
		got, err := withPasswordFile(db, pwFile)
		if err != nil || got != want {
			t.Errorf("withPasswordFile(%q) = %q, %v; want %q", db, got, err, want)
		}
		if strings.Contains(redact(got), "s3cr") {
			t.Errorf("redact(%q) shows the password", got)
		}
	}
	for db, want := range map[string]bool{"postgres://u:p@h/db": true, "postgres://u@h/db": false, "host=h password=p": true, "jirga.db": false} {
		if hasPassword(db) != want {
			t.Errorf("hasPassword(%q) = %v", db, !want)
		}
	}
	for in, want := range map[string]int64{"512MiB": 512 << 20, "2GB": 2e9, "1.5GiB": 3 << 29, "4096": 4096, "1 KiB": 1024} {
		var b byteSize
		if err := b.Set(in); err != nil || int64(b) != want {
			t.Errorf("byteSize %q = %d, %v; want %d", in, b, err, want)
		}
	}
	// JIRGA_DB stands in for --db.
	db := filepath.Join(dir, "from-env.db")
	t.Setenv("JIRGA_DB", db)
	url, _ := startServe(t, "")
	if code := getJSON(t, url+"/healthz", nil); code != 200 {
		t.Fatalf("healthz %d", code)
	}
	if _, err := os.Stat(db); err != nil {
		t.Errorf("JIRGA_DB was not used: %v", err)
	}
}

// TestWorkerSQLite (issue 16): an API-only jirga serve and a jirga worker
// share a SQLite file: the worker computes the runs the server stores, a
// sweep cut into parts included, and stops gracefully.
func TestWorkerSQLite(t *testing.T) {
	db := filepath.Join(t.TempDir(), "jirga.db")
	url, _ := startServe(t, db, "--workers", "0", "--part-time", "1us", "--max-parts", "3")
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &syncBuffer{}
	code := make(chan int, 1)
	go func() {
		_, _, c := cli{ctx: ctx, stderr: stderr}.run("worker", "--db", db, "--workers", "2")
		code <- c
	}()
	var run struct {
		ID     int64
		Status string
		Parts  int
	}
	if c := postJSON(t, url+"/api/runs", "", `{"scenario_id":"pakistan-ttp-2022","kind":"sweep","models":["mean"],"draws":60,"wait":10}`, &run); c != 201 || run.Status != "done" || run.Parts != 3 {
		t.Fatalf("sweep: %d %+v\nworker: %s", c, run, stderr.String())
	}
	var ws struct{ Workers []struct{ Role string } }
	if getJSON(t, url+"/api/workers", &ws); len(ws.Workers) != 2 {
		t.Errorf("workers %+v, want the server and the worker", ws)
	}
	cancel()
	if c := <-code; c != 0 || !strings.Contains(stderr.String(), "computing 2 runs at once") {
		t.Errorf("worker: exit %d: %s", c, stderr.String())
	}
}
