package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// page wraps the browser of one test with the few actions the editor's
// tests repeat.
type page struct {
	t   *testing.T
	ctx context.Context
}

// js evaluates expr and returns its value.
func js[T any](p page, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		screenshot(p.t, p.ctx, "fail")
		p.t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// do runs actions and fails the test, with a screenshot, on an error.
func (p page) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		screenshot(p.t, p.ctx, "fail-"+strings.ReplaceAll(what, " ", "-"))
		p.t.Fatalf("%s: %v", what, err)
	}
}

// wait polls the JavaScript condition cond until it is true.
func (p page) wait(what, cond string) {
	p.t.Helper()
	if _, err := chromedp.Run(p.ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		screenshot(p.t, p.ctx, "fail-"+strings.ReplaceAll(what, " ", "-"))
		p.t.Fatalf("waiting for %s (%s): %v", what, cond, err)
	}
}

// set types v into the control with the data-key key and commits it, as
// leaving the cell does.
func (p page) set(key, v string) {
	p.t.Helper()
	sel := `[data-key="` + key + `"]`
	p.do("set "+key, chromedp.SetValue(sel, v),
		chromedp.Evaluate[chromedp.Void](`document.querySelector(`+strconv.Quote(sel)+`).dispatchEvent(new Event("change", {bubbles: true}))`))
}

func (p page) click(sel string) { p.t.Helper(); p.do("click "+sel, chromedp.Click(sel)) }

func (p page) tab(name string) {
	p.t.Helper()
	p.click("#tab-" + name)
	p.wait("tab "+name, `document.querySelector("#tab-`+name+`").getAttribute("aria-selected") === "true"`)
}

// run picks a kind and models in the run form, runs it and waits for its
// results; it returns the run's id.
func (p page) run(kind string, modelNames []string, draws string) string {
	p.t.Helper()
	prev := js[string](p, `document.querySelector("#results").dataset.run || ""`)
	return runIn(p.t, p.ctx, kind, modelNames, draws, prev)
}

// TestBrowserEditor is issue 17's acceptance test of the editor: it builds
// a three-actor, two-issue scenario from nothing in the UI (issues and
// actors added in their tabs, the numbers pasted into the grid as a block
// copied from a spreadsheet), sees a problem marked at its cell as the
// analyst types, creates the scenario, runs a forecast and a deal analysis,
// edits a reservation with the keyboard, sees the deal probability change,
// reads the change in the versions' diff, and downloads the report. With
// JIRGA_SCREENSHOTS=DIR it keeps screenshots of the editor at 1400 and 800
// pixels.
func TestBrowserEditor(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped under -short")
	}
	ctx := newBrowser(t)
	url, _ := startServe(t, filepath.Join(t.TempDir(), "jirga.db"))
	p := page{t, ctx}
	downloads := t.TempDir()
	p.do("allow downloads", chromedp.Navigate(url+"/"), chromedp.WaitVisible(`#scenario-list`),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			yes := true
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads, EventsEnabled: &yes})
			return err
		}))

	// From nothing.
	p.click(`#new-scenario`)
	p.do("new page", chromedp.WaitVisible(`#new-id`), chromedp.SetValue(`#new-id`, "river"), chromedp.SetValue(`#new-title`, "Sharing the river"))
	screenshot(t, ctx, "editor-0-new")
	p.click(`#new-start`)
	p.wait("empty grid", `!!document.querySelector("#grid-empty")`)
	p.wait("problems of an empty scenario", `document.querySelector("#check").textContent.includes("problem")`)

	// Two issues, the second on a 0–10 scale, with status quos.
	p.tab("issues")
	p.click(`#add-issue`)
	p.click(`#add-issue`)
	p.set("issues[0].id", "release")
	p.set("issues[0].name", "Dry-season release")
	p.set("issues[1].id", "fund")
	p.set("issues[1].scale.max", "10")
	p.set("issues[1].scale.min", "0")
	p.set("issues[0].status_quo#value", "40")
	p.set("issues[1].status_quo#value", "5")

	// Three actors: two necessary parties and a mediator.
	p.tab("actors")
	for range 3 {
		p.click(`#add-actor`)
	}
	for i, id := range []string{"up", "down", "bank"} {
		p.set(fmt.Sprintf("actors[%d].id", i), id)
	}
	p.set("actors[0].name", "Upstream state")
	p.do("necessary", chromedp.Click(`[data-key="actors[0].necessary"]`), chromedp.Click(`[data-key="actors[1].necessary"]`),
		chromedp.SetValue(`[data-key="actors[2].role"]`, "mediator"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-key="actors[2].role"]').dispatchEvent(new Event("change", {bubbles: true}))`))
	screenshot(t, ctx, "editor-1-actors")

	// The numbers, pasted into the grid as a block from a spreadsheet:
	// capability, then position, salience and reservation on each issue.
	p.tab("grid")
	p.wait("grid", `!!document.querySelector("#grid")`)
	block := "60\t30\t90\t35\t2\t40\t\n40\t80\t100\t60\t8\t60\t\n10\t\t\t\t9\t80\t\n"
	p.do("paste", chromedp.Evaluate[chromedp.Void](`(() => {
		const dt = new DataTransfer();
		dt.setData("text/plain", `+strconv.Quote(block)+`);
		const cell = document.querySelector('#grid input[data-actor="up"][data-field="capability"][data-part="value"]');
		cell.focus();
		cell.dispatchEvent(new ClipboardEvent("paste", {clipboardData: dt, bubbles: true, cancelable: true}));
	})()`))
	p.wait("the pasted scenario is valid", `document.querySelector("#check").textContent === "no problems"`)
	if got := js[string](p, `document.querySelector('#grid input[data-actor="down"][data-issue="fund"][data-field="salience"][data-part="value"]').value`); got != "60" {
		t.Fatalf("down's salience on fund after the paste = %q, want 60", got)
	}

	// A salience out of range is marked at its cell, with the CLI's message,
	// before any save.
	sal := `#grid input[data-actor="bank"][data-issue="fund"][data-field="salience"][data-part="value"]`
	p.do("bad salience", chromedp.SetValue(sal, "180"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector(`+strconv.Quote(sal)+`).dispatchEvent(new Event("change", {bubbles: true}))`))
	p.wait("the bad cell marked", `document.querySelector(`+strconv.Quote(sal)+`).classList.contains("bad")`)
	msg := js[string](p, `document.querySelector("#problems").textContent`)
	if !strings.Contains(msg, `actor "bank", issue "fund", field salience: salience 180 is outside the allowed range [0, 100]`) {
		t.Errorf("problems say %q, want the CLI's message", msg)
	}
	if n := js[int](p, `+document.querySelector("#tab-grid .badge.bad").textContent`); n != 1 {
		t.Errorf("the grid's tab counts %d problems, want 1", n)
	}
	screenshot(t, ctx, "editor-2-problem")
	p.set(`actors[2].stances.fund.salience#value`, "80")
	p.wait("fixed", `document.querySelector("#check").textContent === "no problems"`)

	// The panel edits the selected estimate's range and sources.
	p.do("select a cell", chromedp.Focus(`#grid input[data-actor="down"][data-issue="release"][data-field="reservation"][data-part="value"]`))
	p.wait("panel", `document.querySelector("#sel-label").textContent.includes("down reservation on Dry-season release")`)
	// Typed with the keyboard: Tab from low lands on high.
	p.do("panel keyboard", chromedp.Focus(`#est-low`), chromedp.KeyEvent("50"), chromedp.KeyEvent(kb.Tab))
	if got := js[string](p, `document.activeElement.id`); got != "est-high" {
		t.Errorf("Tab from low in the panel went to %q, want est-high", got)
	}
	p.do("panel high", chromedp.KeyEvent("70"), chromedp.KeyEvent(kb.Tab))
	if got := js[string](p, `JSON.stringify(ed.draft.actors[1].stances.release.reservation)`); got != `{"value":60,"low":50,"high":70}` {
		t.Errorf("down's reservation on release is %s, want value 60, low 50, high 70", got)
	}
	p.wait("range mark", `document.querySelector('[data-flags="actors[1].stances.release.reservation"]').textContent.includes("±")`)
	screenshot(t, ctx, "editor-3-grid")
	for _, w := range []int64{800, 1400} {
		p.do("viewport", chromedp.EmulateViewport(w, 1000))
		screenshot(t, ctx, fmt.Sprintf("editor-3-grid-%d", w))
	}

	// Create it, and run a forecast and a deal.
	p.click(`#save`)
	p.wait("created", `location.hash === "#/s/river" && !!document.querySelector("#run")`)
	p.run("forecast", []string{"mean", "median"}, "")
	if got := js[string](p, `document.querySelector('#forecast-table td[data-model="mean"][data-issue="release"]').textContent`); got == "" {
		t.Error("no mean forecast of release")
	}
	p.run("deal", []string{"mean"}, "400")
	before := js[string](p, `document.querySelector("#deal-probability").textContent`)
	screenshot(t, ctx, "editor-4-deal")

	// Raise up's reservation on release with the keyboard: type, Enter moves
	// down to the next actor's cell, and the arrow right to the next column.
	res := `#grid input[data-actor="up"][data-issue="release"][data-field="reservation"][data-part="value"]`
	p.do("keyboard edit", chromedp.Click(res), chromedp.Evaluate[chromedp.Void](`document.querySelector(`+strconv.Quote(res)+`).select()`),
		chromedp.KeyEvent("70"), chromedp.KeyEvent("\r"))
	if got := js[string](p, `document.activeElement.dataset.actor + " " + document.activeElement.dataset.field`); got != "down reservation" {
		t.Errorf("after Enter the focus is on %q, want down's reservation", got)
	}
	p.do("arrow", chromedp.KeyEvent(kb.ArrowRight))
	if got := js[string](p, `document.activeElement.dataset.issue + " " + document.activeElement.dataset.field`); got != "fund position" {
		t.Errorf("after ArrowRight the focus is on %q, want the position on fund", got)
	}
	if got := js[string](p, `document.querySelector("#dirty").textContent`); got != "unsaved changes" {
		t.Errorf("dirty marker %q", got)
	}
	p.run("deal", []string{"mean"}, "400")
	after := js[string](p, `document.querySelector("#deal-probability").textContent`)
	pb, _ := strconv.Atoi(strings.TrimSuffix(before, "%"))
	pa, _ := strconv.Atoi(strings.TrimSuffix(after, "%"))
	if !(pa > pb) {
		t.Errorf("deal probability %s before and %s after raising up's reservation from 35 to 70; want it to rise", before, after)
	}
	t.Logf("deal probability: %s with up's reservation on release at 35, %s at 70", before, after)
	if saved := js[string](p, `document.querySelector("#save-msg").textContent`); !strings.Contains(saved, "Saved version 2") {
		t.Errorf("save message %q", saved)
	}
	screenshot(t, ctx, "editor-5-deal-after")

	// The versions' diff names the change.
	p.tab("versions")
	p.click(`#diff-show`)
	p.wait("diff", `!!document.querySelector("table.diff")`)
	diff := js[string](p, `document.querySelector("table.diff").textContent`)
	if !strings.Contains(diff, "actor up, issue release, reservation") || !strings.Contains(diff, "70") {
		t.Errorf("diff of versions 1 and 2: %q", diff)
	}
	screenshot(t, ctx, "editor-6-diff")

	// The report, downloaded.
	p.click(`#download-report`)
	p.wait("report saved", `document.querySelector("#report-saved") && document.querySelector("#report-saved").textContent.startsWith("Saved")`)
	var file string
	deadline := time.Now().Add(20 * time.Second)
	for file == "" && time.Now().Before(deadline) {
		m, _ := filepath.Glob(filepath.Join(downloads, "river-v2-report-*.html"))
		if len(m) > 0 {
			file = m[0]
		}
		time.Sleep(100 * time.Millisecond)
	}
	if file == "" {
		t.Fatal("no report downloaded")
	}
	html, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), "Sharing the river") || !strings.Contains(string(html), "<svg") {
		t.Errorf("the downloaded report (%d bytes) lacks the title or charts", len(html))
	}
	for _, w := range []int64{800, 1400} {
		p.do("viewport", chromedp.EmulateViewport(w, 1000))
		p.tab("issues")
		screenshot(t, ctx, fmt.Sprintf("editor-7-issues-%d", w))
	}
}

// TestBrowserEditorTabs opens the flagship in the editor and goes through
// every tab: the sources an estimate cites are ticked in the panel;
// renaming an issue renames the stances and the interventions' changes on
// it; moving an actor reorders the grid; removing an intervention removes
// it; the result saves without a problem. Then it runs a comparison and an
// explanation from the UI. With JIRGA_SCREENSHOTS=DIR it keeps a screenshot
// of each tab at 1400 and 800 pixels.
func TestBrowserEditorTabs(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped under -short")
	}
	ctx := newBrowser(t)
	url, _ := startServe(t, filepath.Join(t.TempDir(), "jirga.db"))
	p := page{t, ctx}
	p.do("open", chromedp.Navigate(url+"/#/s/pakistan-ttp-2022"), chromedp.WaitVisible(`#grid`))
	p.wait("checked", `document.querySelector("#check").textContent === "no problems"`)
	for _, w := range []int64{1400, 800} {
		p.do("viewport", chromedp.EmulateViewport(w, 1000))
		for _, tab := range []string{"grid", "issues", "actors", "sources", "interventions", "snapshots", "scenario", "versions"} {
			p.tab(tab)
			screenshot(t, ctx, fmt.Sprintf("tabs-%d-%s", w, tab))
		}
	}
	p.do("viewport", chromedp.EmulateViewport(1400, 1000))
	count := func(sel string) int { return js[int](p, `document.querySelectorAll(`+strconv.Quote(sel)+`).length`) }
	p.tab("sources")
	if n := count(`#sources tbody tr`); n != 29 {
		t.Errorf("%d sources, want the flagship's 29", n)
	}
	p.tab("interventions")
	if n := count(`#tabpanel fieldset.card`); n != 5 {
		t.Errorf("%d interventions, want 5", n)
	}
	p.tab("snapshots")
	if n := count(`#tabpanel fieldset.card`); n != 2 {
		t.Errorf("%d snapshots, want 2", n)
	}
	if n := count(`#tabpanel fieldset.card tbody tr`); n != 30 {
		t.Errorf("%d revisions, want 17 + 13", n)
	}

	// The panel ticks the sources the selected estimate cites.
	p.tab("grid")
	p.do("select", chromedp.Focus(`#grid input[data-actor="ttp"][data-issue="merger"][data-field="salience"][data-part="value"]`))
	p.wait("panel", `!!document.querySelector('#details input[data-source="dawn-2022-06-03"]')`)
	if !js[bool](p, `document.querySelector('#details input[data-source="dawn-2022-06-03"]').checked`) {
		t.Error("ttp's salience on merger cites dawn-2022-06-03, but the panel does not tick it")
	}
	screenshot(t, ctx, "tabs-panel")

	// Renaming an issue renames its stances and the changes on it.
	refs := `JSON.stringify(ed.draft).split('"merger"').length - 1`
	if n := js[int](p, refs); n == 0 {
		t.Fatal("the flagship does not mention merger")
	}
	p.tab("issues")
	p.set("issues[0].id", "fata-merger")
	if n := js[int](p, refs); n != 0 {
		t.Errorf("%d references to merger left after renaming it", n)
	}
	if !js[bool](p, `ed.draft.actors.every(a => !a.stances.merger) && !!ed.draft.actors[0].stances["fata-merger"]`) {
		t.Error("the stances on merger were not renamed")
	}
	// Moving the first actor down swaps the grid's first two rows.
	first := js[string](p, `ed.draft.actors[0].id`)
	p.tab("actors")
	p.click(`#actors tbody tr:first-child button[aria-label^="move actor"][aria-label$="down"]`)
	if got := js[string](p, `ed.draft.actors[1].id`); got != first {
		t.Errorf("after moving %s down the second actor is %s", first, got)
	}
	p.tab("grid")
	if got := js[string](p, `document.querySelector("#grid tbody tr:nth-child(3) input").dataset.actor`); got != first {
		t.Errorf("the grid's second actor row is %s, want %s", got, first)
	}
	// Removing an issue removes its stances and the revisions on it.
	p.tab("issues")
	p.click(`button[aria-label="remove issue Sharia"]`)
	if n := js[int](p, `JSON.stringify(ed.draft).split('"sharia"').length - 1`); n != 0 || js[int](p, `ed.draft.issues.length`) != 5 {
		t.Errorf("after removing sharia: %d references left, %d issues", n, js[int](p, `ed.draft.issues.length`))
	}
	// Removing an intervention.
	p.tab("interventions")
	p.do("remove intervention", chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll("#tabpanel fieldset.card button")].find(b => b.textContent.startsWith("Remove")).click()`))
	if n := count(`#tabpanel fieldset.card`); n != 4 {
		t.Errorf("%d interventions after removing one, want 4", n)
	}
	p.wait("still valid", `document.querySelector("#check").textContent === "no problems"`)
	p.click(`#save`)
	p.wait("saved", `document.querySelector("#save-msg").textContent.includes("Saved version 2")`)

	// A comparison and an explanation.
	p.run("compare", []string{"mean", "bdm"}, "")
	if n := count(`table.compare[data-model="mean"] tbody tr`); n != 5 {
		t.Errorf("the comparison shows %d issues, want the 5 left", n)
	}
	// Every cell carries its predictive interval (5 issues × as given, 4
	// interventions and all together), and bdm's unsettled forecasts their
	// mark, which the static mean never has.
	if n := count(`table.compare[data-model="mean"] td .predictive`); n != 30 {
		t.Errorf("the mean's comparison shows %d predictive intervals, want 30", n)
	}
	if n := count(`table.compare[data-model="bdm"] td .unsettled`); n == 0 || count(`table.compare[data-model="mean"] td .unsettled`) != 0 || count(`#unsettled-note`) != 1 {
		t.Errorf("unsettled marks: %d on bdm, %d on the mean, %d notes", n, count(`table.compare[data-model="mean"] td .unsettled`), count(`#unsettled-note`))
	}
	screenshot(t, ctx, "tabs-compare")
	p.do("explain issue", chromedp.SetValue(`#kind`, "explain"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#kind").dispatchEvent(new Event("change"))`),
		chromedp.SetValue(`#explain-issue`, "fata-merger"))
	p.run("explain", []string{"bdm"}, "")
	text := js[string](p, `document.querySelector("#explain-text").textContent`)
	if !strings.Contains(text, "fata-merger") || !strings.Contains(text, "round") || !strings.Contains(text, "Settled?") {
		t.Errorf("the explanation does not tell the rounds of fata-merger: %.200q", text)
	}
	screenshot(t, ctx, "tabs-explain")
}
