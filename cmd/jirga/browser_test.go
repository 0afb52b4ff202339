package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/jirga/jirga"
	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/format"
	"github.com/jirga/jirga/models"
)

// chromiumPath returns Debian's chromium (or $JIRGA_CHROMIUM), or skips.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("JIRGA_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium is not installed (apt-get install -y chromium); skipping the browser test")
	return ""
}

// newBrowser starts headless chromium with a temporary profile and no
// network features beyond the page's own requests.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1400, 1000),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	ctx, cancelC := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelC(); cancelB(); cancelA() })
	// Report the page's JavaScript errors and console errors.
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			t.Errorf("page exception at %d:%d: %s", d.LineNumber, d.ColumnNumber, msg)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value))
				}
				t.Errorf("console error: %s", strings.Join(args, " "))
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return ctx
}

// screenshot saves a full-page PNG into $JIRGA_SCREENSHOTS when it is set.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("JIRGA_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// expectedMean is the mean model's forecast on merger with ttp's salience
// on merger set to sal, computed without the server.
func expectedMean(t *testing.T, sal float64) string {
	ss, err := examples.Load(examples.Flagship, format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := ss[0]
	if sal >= 0 {
		s.Actor("ttp").Stances["merger"].Salience.Value = sal
	}
	m, _ := models.New("mean", models.Options{})
	fc, err := jirga.Run(context.Background(), s, []jirga.Model{m})
	if err != nil {
		t.Fatal(err)
	}
	x, _ := fc.Results[0].Forecast("merger")
	return strconv.FormatFloat(x, 'f', 1, 64)
}

// waitRun waits until the results panel shows a run other than prev and
// returns its id.
func waitRun(ctx context.Context, prev string) (string, error) {
	return chromedp.Run(ctx, chromedp.Poll[string](fmt.Sprintf(`(() => { const r = document.querySelector("#results"); const id = r && r.dataset.run; return id && id !== %q && document.querySelector("#forecast-table") ? id : false; })()`, prev), chromedp.WithPollingTimeout(30*time.Second)))
}

// TestBrowser drives the web UI in headless chromium: open the flagship
// scenario, run the default models, raise the TTP's salience on the merger
// from 80 to 85 in the grid, run again, and see the mean forecast move to
// the value the engine computes for the edited scenario.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped under -short")
	}
	ctx := newBrowser(t)
	url, _ := startServe(t, filepath.Join(t.TempDir(), "jirga.db"))
	cell := `#forecast-table td[data-model="mean"][data-issue="merger"]`
	salience := `#grid input[data-actor="ttp"][data-issue="merger"][data-field="salience"][data-part="value"]`
	if err := chromedp.Do(ctx,
		chromedp.Navigate(url+"/"),
		chromedp.WaitVisible(`#scenario-list a`),
	); err != nil {
		t.Fatal(err)
	}
	scenarios, err := chromedp.Run(ctx, chromedp.Text(`#scenario-list`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(scenarios, examples.Flagship) {
		t.Fatalf("scenario list %q lacks the flagship", scenarios)
	}
	screenshot(t, ctx, "1-list")
	if err := chromedp.Do(ctx, chromedp.Click(`#scenario-list a`)); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	err = chromedp.Do(wctx, chromedp.WaitVisible(salience))
	cancel()
	if err != nil {
		screenshot(t, ctx, "fail-grid")
		t.Fatalf("the grid did not show: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(`#run`)); err != nil {
		t.Fatal(err)
	}
	firstRun, err := waitRun(ctx, "")
	if err != nil {
		t.Fatalf("first run: %v", err)
	}
	before, err := chromedp.Run(ctx, chromedp.Text(cell))
	if err != nil {
		t.Fatal(err)
	}
	if want := expectedMean(t, -1); firstField(before) != want {
		t.Fatalf("mean on merger before the edit = %q, want %s", before, want)
	}
	// Every forecast carries its predictive interval, and the page says
	// that the flagship is not EU legislation, where the errors come from.
	if iv, err := chromedp.Run(ctx, chromedp.Text(cell+` .predictive`)); err != nil || !strings.HasPrefix(strings.TrimSpace(iv), "[") {
		t.Errorf("the mean's merger cell shows no predictive interval: %q (%v)", iv, err)
	}
	if note, err := chromedp.Run(ctx, chromedp.Text(`#calibration-domain`)); err != nil || !strings.Contains(note, "not EU legislation") {
		t.Errorf("no statement that the calibration comes from another domain: %q (%v)", note, err)
	}
	screenshot(t, ctx, "2-forecast")
	if err := chromedp.Do(ctx,
		chromedp.SetValue(salience, "85"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector(`+strconv.Quote(salience)+`).dispatchEvent(new Event("change"))`),
		chromedp.Click(`#run`),
	); err != nil {
		t.Fatal(err)
	}
	if _, err := waitRun(ctx, firstRun); err != nil {
		msg, _ := chromedp.Run(ctx, chromedp.Text(`#save-msg`))
		screenshot(t, ctx, "fail-second-run")
		t.Fatalf("second run: %v; save message %q", err, msg)
	}
	after, err := chromedp.Run(ctx, chromedp.Text(cell))
	if err != nil {
		t.Fatal(err)
	}
	saved, err := chromedp.Run(ctx, chromedp.Text(`#save-msg`))
	if err != nil {
		t.Fatal(err)
	}
	want := expectedMean(t, 85)
	if firstField(after) != want || after == before {
		t.Fatalf("mean on merger after raising the TTP's salience = %q (before %q), want %s", after, before, want)
	}
	if !strings.Contains(saved, "Saved version 2") {
		t.Errorf("save message %q, want it to name version 2", saved)
	}
	screenshot(t, ctx, "3-edited")

	// A salience out of range is refused with the CLI's message, and the
	// input is outlined.
	if err := chromedp.Do(ctx,
		chromedp.SetValue(salience, "150"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector(`+strconv.Quote(salience)+`).dispatchEvent(new Event("change"))`),
		chromedp.Click(`#save`),
		chromedp.WaitVisible(`#save-msg .error`),
	); err != nil {
		t.Fatal(err)
	}
	problem, err := chromedp.Run(ctx, chromedp.Text(`#save-msg .error`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(problem, `actor "ttp", issue "merger", field salience: salience 150 is outside the allowed range [0, 100]`) {
		t.Errorf("save error %q lacks the CLI's message", problem)
	}
	if strings.Contains(problem, "request.json") {
		t.Errorf("save error %q names the request body, which the user never saw", problem)
	}
	bad, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector(`+strconv.Quote(salience)+`).classList.contains("bad")`))
	if err != nil || !bad {
		t.Errorf("the bad salience input is not outlined (%v)", err)
	}
	screenshot(t, ctx, "3b-invalid")
	t.Logf("mean forecast on merger: %s before, %s after raising the TTP's salience from 80 to 85", strings.TrimSpace(before), strings.TrimSpace(after))
}

// firstField returns the first word of a cell's text: the forecast, before
// its predictive interval.
func firstField(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

// runIn sets the run form (kind, models, draws) with JavaScript, clicks Run
// and waits for the results of a new run.
func runIn(t *testing.T, ctx context.Context, kind string, modelNames []string, draws string, prev string) string {
	t.Helper()
	js := fmt.Sprintf(`(() => {
		document.querySelector("#kind").value = %q;
		for (const i of document.querySelectorAll("#models input")) i.checked = %s.includes(i.value);
		document.querySelector("#draws").value = %q;
		return true; })()`, kind, mustJSONString(modelNames), draws)
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](js), chromedp.Click(`#run`)); err != nil {
		t.Fatal(err)
	}
	id, err := chromedp.Run(ctx, chromedp.Poll[string](fmt.Sprintf(`(() => { const r = document.querySelector("#results"); const id = r && r.dataset.run; return id && id !== %q ? id : false; })()`, prev), chromedp.WithPollingTimeout(60*time.Second)))
	if err != nil {
		screenshot(t, ctx, "fail-"+kind)
		t.Fatalf("%s run: %v", kind, err)
	}
	return id
}

func mustJSONString(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// TestBrowserKinds runs a dynamic model, a sweep, a deal analysis, levers
// and a timeline from the UI and checks that each draws its charts, runs a
// later dated state, then opens the run history.
func TestBrowserKinds(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped under -short")
	}
	ctx := newBrowser(t)
	url, _ := startServe(t, filepath.Join(t.TempDir(), "jirga.db"))
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/#/s/"+examples.Flagship), chromedp.WaitVisible(`#run`)); err != nil {
		t.Fatal(err)
	}
	count := func(sel string) int {
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+strconv.Quote(sel)+`).length`))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// The ranges editor shows each estimate's low, high and sources.
	if err := chromedp.Do(ctx, chromedp.Click(`#show-ranges`), chromedp.WaitVisible(`#grid input[data-part="low"]`)); err != nil {
		t.Fatal(err)
	}
	low, err := chromedp.Run(ctx, chromedp.Value(`#grid input[data-actor="ttp"][data-issue="merger"][data-field="salience"][data-part="low"]`))
	if err != nil || low != "60" {
		t.Errorf("ttp's salience on merger shows low %q (%v), want 60", low, err)
	}
	src, err := chromedp.Run(ctx, chromedp.Value(`#grid input[data-actor="ttp"][data-issue="merger"][data-field="salience"][data-part="sources"]`))
	if err != nil || src != "dawn-2022-06-03" {
		t.Errorf("ttp's salience on merger shows sources %q (%v), want dawn-2022-06-03", src, err)
	}
	if n := count(`#snapshots b`); n != 3 {
		t.Errorf("the scenario page names %d dated states, want the flagship's 3", n)
	}
	screenshot(t, ctx, "0-ranges")
	id := runIn(t, ctx, "forecast", []string{"mean", "bdm"}, "", "")
	if n := count(`svg[aria-label^="rounds on"]`); n != 6 {
		t.Errorf("bdm run drew %d rounds charts, want one per issue (6)", n)
	}
	if n := count(`#forecast-table .predictive`); n != 12 {
		t.Errorf("the forecast table shows %d predictive intervals, want 12 (2 models × 6 issues)", n)
	}
	if n := count(`svg[aria-label^="positions on"] rect.predictive`); n != 12 {
		t.Errorf("the issue charts draw %d predictive bands, want 12", n)
	}
	// bdm does not settle on the flagship's army issue (a 2-round cycle):
	// its cell carries the unsettled mark, and the page explains it.
	if n := count(`#forecast-table td[data-model="bdm"][data-issue="army"] .unsettled`); n != 1 {
		t.Errorf("bdm's army forecast carries %d unsettled marks, want 1", n)
	}
	if n := count(`#forecast-table td[data-model="mean"] .unsettled`); n != 0 {
		t.Errorf("the static mean carries %d unsettled marks", n)
	}
	if note, err := chromedp.Run(ctx, chromedp.Text(`#unsettled-note`)); err != nil || !strings.Contains(note, "bdm on") {
		t.Errorf("no note on the unsettled forecasts: %q (%v)", note, err)
	}
	screenshot(t, ctx, "4-bdm")
	kinds, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#kind option")].map(o => o.value)`))
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(kinds, "sweep") {
		id = runIn(t, ctx, "sweep", []string{"mean", "median"}, "200", id)
		if n := count(`#forecast-table .muted`); n != 12 {
			t.Errorf("sweep table shows %d input-only intervals, want 12", n)
		}
		if n := count(`#forecast-table .predictive`); n != 12 {
			t.Errorf("sweep table shows %d predictive intervals, want 12", n)
		}
		screenshot(t, ctx, "5-sweep")
	}
	if slices.Contains(kinds, "deal") {
		id = runIn(t, ctx, "deal", []string{"mean", "median"}, "200", id)
		p, err := chromedp.Run(ctx, chromedp.Text(`#deal-probability`))
		if err != nil || !strings.HasSuffix(p, "%") {
			t.Errorf("deal probability %q, %v", p, err)
		}
		// Its Monte Carlo error is stated beside it (issue 14, item 3).
		if ci, err := chromedp.Run(ctx, chromedp.Text(`#deal-probability-ci`)); err != nil || !strings.Contains(ci, "95%") || !strings.Contains(ci, "of 200 draws") {
			t.Errorf("deal probability interval %q, %v", ci, err)
		}
		screenshot(t, ctx, "6-deal")
	}
	if slices.Contains(kinds, "levers") {
		id = runIn(t, ctx, "levers", []string{"mean"}, "", id)
		if n := count(`svg[aria-label^="levers on"]`); n != 6 {
			t.Errorf("levers run drew %d tornados, want one per issue (6)", n)
		}
		screenshot(t, ctx, "6b-levers")
	}
	if slices.Contains(kinds, "timeline") {
		id = runIn(t, ctx, "timeline", []string{"mean", "median", "nbs"}, "200", id)
		if n := count(`svg#timeline-deal circle`); n != 3 {
			t.Errorf("the timeline's deal chart has %d points, want one per state (3)", n)
		}
		if n := count(`svg[aria-label^="timeline of"]`); n != 6 {
			t.Errorf("timeline run drew %d charts of forecasts over time, want one per issue (6)", n)
		}
		if n := count(`#timeline-table tr`); n != 4 {
			t.Errorf("timeline table has %d rows, want a header and 3 states", n)
		}
		if n := count(`#timeline-changes tr`); n < 2 {
			t.Errorf("timeline shows no changed estimates")
		}
		screenshot(t, ctx, "6c-timeline")
		// A forecast of a later state, picked under "as of".
		if err := chromedp.Do(ctx, chromedp.SetValue(`#as-of`, "2022-10-15")); err != nil {
			t.Fatal(err)
		}
		id = runIn(t, ctx, "forecast", []string{"mean"}, "", id)
		if msg, err := chromedp.Run(ctx, chromedp.Text(`#results p.muted`)); err != nil || !strings.Contains(msg, "as of 2022-10-15") {
			t.Errorf("forecast as of 2022-10-15: the results say %q (%v)", msg, err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/#/runs"), chromedp.WaitVisible(`table.runs`)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "7-history")
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/#/runs/"+id), chromedp.WaitVisible(`#results h2`)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "8-run")
}

// TestBrowserToken drives the UI of a server with a token (issue 12.7 and
// 12.3): without the token the page says it needs one; with it, it lists
// the scenarios, imports a file (sent as application/octet-stream) and runs
// models (JSON writes from the page's own origin).
func TestBrowserToken(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped under -short")
	}
	ctx := newBrowser(t)
	url, _ := startServe(t, filepath.Join(t.TempDir(), "jirga.db"), "--token", "tok")
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/"), chromedp.WaitVisible(`#app .error`)); err != nil {
		t.Fatal(err)
	}
	msg, err := chromedp.Run(ctx, chromedp.Text(`#app .error`))
	if err != nil || !strings.Contains(msg, "needs a token") {
		t.Fatalf("page without the token says %q (%v)", msg, err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SetValue(`#token`, "tok"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#token").dispatchEvent(new Event("change"))`),
		chromedp.WaitVisible(`#scenario-list a`),
	); err != nil {
		t.Fatal(err)
	}
	_, csv, err := examples.Bytes("emission")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "emission_standards.csv")
	os.WriteFile(file, csv, 0o644)
	if err := chromedp.Do(ctx,
		chromedp.SetUploadFiles(`#import-file`, []string{file}),
		chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll("button")].find(b => b.textContent === "Import").click()`),
		chromedp.WaitVisible(`#app .notice`),
	); err != nil {
		t.Fatal(err)
	}
	if got, _ := chromedp.Run(ctx, chromedp.Text(`#app .notice`)); !strings.Contains(got, "Imported") {
		t.Errorf("import says %q", got)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/#/s/"+examples.Flagship), chromedp.WaitVisible(`#run`), chromedp.Click(`#run`)); err != nil {
		t.Fatal(err)
	}
	if _, err := waitRun(ctx, ""); err != nil {
		screenshot(t, ctx, "fail-token-run")
		t.Fatalf("run with the token: %v", err)
	}
}

// TestBrowserProgress (issue 16): the page of a run being computed in
// parts shows its progress, draws done of all, and its parts, and shows
// the result when the run ends.
func TestBrowserProgress(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped under -short")
	}
	ctx := newBrowser(t)
	// An API-only server (--workers 0) holds the run queued until the page
	// shows its progress; a worker started then computes it. A server that
	// computed it at once could finish before the page loads (smp's 160
	// draws take a fraction of a second), and the bar would never show.
	db := filepath.Join(t.TempDir(), "jirga.db")
	url, _ := startServe(t, db, "--part-time", "1us", "--max-parts", "4", "--workers", "0")
	var run struct {
		ID    int64
		Parts int
	}
	body := `{"scenario_id":"` + examples.Flagship + `","kind":"sweep","models":["smp"],"draws":160,"wait":0}`
	if code := postJSON(t, url+"/api/runs", "", body, &run); code != 202 || run.Parts != 4 {
		t.Fatalf("sweep: status %d, %d parts", code, run.Parts)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/#/runs/"+strconv.FormatInt(run.ID, 10)), chromedp.WaitVisible(`#run-progress progress`)); err != nil {
		t.Fatal(err)
	}
	max, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector("#run-progress progress").max`))
	if err != nil || max != 160 {
		t.Errorf("progress of %v draws (%v), want 160", max, err)
	}
	if txt, err := chromedp.Run(ctx, chromedp.Text(`#app table`)); err != nil || !strings.Contains(txt, "4 (computed by any worker, then merged)") {
		t.Errorf("the run page does not show its parts: %q (%v)", txt, err)
	}
	screenshot(t, ctx, "9-progress")
	wctx, stop := context.WithCancel(context.Background())
	exited := make(chan int, 1)
	go func() {
		_, _, code := cli{ctx: wctx, stderr: &syncBuffer{}}.run("worker", "--db", db, "--workers", "1")
		exited <- code
	}()
	t.Cleanup(func() { stop(); <-exited })
	if err := chromedp.Do(ctx, chromedp.WaitVisible(`#results h2`)); err != nil {
		t.Fatal(err)
	}
}
