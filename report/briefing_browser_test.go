package report_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/jirga/jirga/calib"
	"github.com/jirga/jirga/internal/exampletest"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/report"
)

// maxPrintPages is what the flagship report may print to on A4 (issue 17).
const maxPrintPages = 8

// flagshipReport writes the report jirga report writes with no argument:
// the flagship, every default model, the default draws, seed 1, with the
// shipped calibration.
func flagshipReport(t *testing.T) []byte {
	t.Helper()
	names, err := models.Parse(models.DefaultReport)
	if err != nil {
		t.Fatal(err)
	}
	return calibrated(t, names, report.DefaultDraws)
}

// calibrated writes the report of the flagship with the named models of
// the registry, the shipped calibration, draws draws and seed 1.
func calibrated(t *testing.T, names []string, draws int) []byte {
	t.Helper()
	s := exampletest.Flagship(t)
	ms, err := models.Build(names, 0, 1, nil, models.Trusted)
	if err != nil {
		t.Fatal(err)
	}
	c, err := calib.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := report.Write(context.Background(), &buf, s, ms, report.Options{Draws: draws, Seed: 1, Predict: calib.NewPlan(c, s, names, calib.Options{})}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestBrowserBriefing opens the flagship report in headless Chromium as a
// reader would and checks what issue 17 asks of it: the first page's
// answer (P(deal) with its interval and draws, a number for every model
// and issue with its predictive interval, settle ranges where a model did
// not settle, three levers with their effect over the draws), the
// footer's provenance, no empty section, no chart label outside its
// chart at 1400 and 800 px, and at most maxPrintPages A4 pages in print.
// With JIRGA_SCREENSHOT_DIR set it leaves screenshots at both widths and
// the PDF there.
func TestBrowserBriefing(t *testing.T) {
	if testing.Short() {
		t.Skip("the flagship report with every default model takes seconds")
	}
	bin := chromium()
	if bin == "" {
		t.Skip("chromium not found (apt-get install chromium, or set JIRGA_CHROMIUM): skipping the briefing test")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "report.html")
	if err := os.WriteFile(file, flagshipReport(t), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := browser(t, bin, dir, 1400, 1000, 120*time.Second)
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+file), chromedp.WaitReady(chromedp.CSS("#footer"))); err != nil {
		t.Fatal(err)
	}

	// The first page: P(deal) with its interval and draws.
	headline := evalJS[struct{ Big, CI string }](ctx, t, `({Big: document.getElementById("deal-probability").textContent, CI: document.getElementById("deal-probability-ci").textContent})`)
	if !regexp.MustCompile(`^[<>]?\d+\.\d%$`).MatchString(headline.Big) ||
		!regexp.MustCompile(`95% CI \d+\.\d–\d+\.\d%\): \d+ of 500 draws`).MatchString(headline.CI) {
		t.Errorf("deal probability %q, %q: want a share with its 95%% CI and the draws", headline.Big, headline.CI)
	}
	// The forecast table: a number in every cell, every model's interval,
	// and a settle range in every cell marked unsettled.
	table := evalJS[forecastCells](ctx, t, `(() => {
		const t = document.getElementById("forecast-table");
		const rows = [...t.querySelectorAll("tr")].slice(1);
		return {
			Models: [...t.querySelectorAll("th[data-model]")].map(th => th.dataset.model),
			Cells: rows.map(r => [...r.querySelectorAll("td.num")].map(td => td.querySelector(".fc")?.textContent ?? "")),
			Intervals: t.querySelectorAll("td.num .iv").length,
			Unsettled: t.querySelectorAll("td.unsettled").length,
			Settle: t.querySelectorAll("td.unsettled .settle").length,
		};
	})()`)
	names, _ := models.Parse(models.DefaultReport)
	if strings.Join(table.Models, ",") != strings.Join(names, ",") {
		t.Errorf("forecast table models %v, want %v", table.Models, names)
	}
	s := exampletest.Flagship(t)
	if len(table.Cells) != len(s.Issues) {
		t.Errorf("forecast table has %d rows, want one per issue (%d)", len(table.Cells), len(s.Issues))
	}
	num := regexp.MustCompile(`^\d+\.\d~?$`)
	for i, row := range table.Cells {
		if len(row) != len(names) {
			t.Errorf("row %d has %d cells, want %d", i, len(row), len(names))
		}
		for j, c := range row {
			if !num.MatchString(c) {
				t.Errorf("row %d, model %d: %q is not a forecast", i, j, c)
			}
		}
	}
	if want := len(s.Issues) * len(names); table.Intervals != want {
		t.Errorf("%d predictive intervals in the forecast table, want %d (every default model is calibrated)", table.Intervals, want)
	}
	if table.Unsettled == 0 || table.Settle != table.Unsettled {
		t.Errorf("%d unsettled cells with %d settle ranges; the flagship's bdm, smp and exchange do not all settle", table.Unsettled, table.Settle)
	}
	// Three levers, each with its effect, its range over the draws and
	// P(deal) with it.
	levers := evalJS[[][]string](ctx, t, `[...document.querySelectorAll("#top-levers tr")].slice(1).map(r => [...r.cells].map(c => c.textContent))`)
	if len(levers) != 3 {
		t.Errorf("%d levers on the first page, want 3", len(levers))
	}
	for _, l := range levers {
		if len(l) != 4 || !regexp.MustCompile(`^[+-]\d+\.\d pts$`).MatchString(l[1]) ||
			!regexp.MustCompile(`^[+-]\d+\.\d to [+-]\d+\.\d pts$`).MatchString(l[2]) || !strings.Contains(l[3], "95%") {
			t.Errorf("lever %q: want a change, its effect, its range over the draws and P(deal) with its interval", l)
		}
	}
	// The footer.
	foot := evalJS[map[string]string](ctx, t, `Object.fromEntries(["engine", "hash", "seed", "date"].map(k => [k, document.getElementById("footer-" + k)?.textContent ?? ""]))`)
	if !strings.HasPrefix(foot["engine"], "jirga ") || !regexp.MustCompile(`sha256:[0-9a-f]{64}`).MatchString(foot["hash"]) ||
		!strings.HasPrefix(foot["seed"], "1 (500 draws)") || !strings.HasPrefix(foot["date"], s.AsOf) {
		t.Errorf("footer %q: want engine, input hash, seed and date", foot)
	}
	// No empty section: each holds more than its heading.
	empty := evalJS[[]string](ctx, t, `[...document.querySelectorAll("main section")].filter(sec => {
		const body = [...sec.children].filter(e => e.tagName !== "H2");
		return !body.some(e => e.textContent.trim().length > 20 || e.querySelector("svg, table"));
	}).map(sec => sec.id)`)
	if len(empty) > 0 {
		t.Errorf("empty sections: %v", empty)
	}
	rounds := evalJS[int](ctx, t, `document.querySelectorAll("#rounds svg.chart").length`)
	if rounds == 0 {
		t.Error("the rounds section shows no chart with the default models")
	}
	// No label outside its chart, at both widths.
	shots := map[string][]byte{}
	for _, w := range []int64{1400, 800} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 1000)); err != nil {
			t.Fatal(err)
		}
		out := evalJS[[]string](ctx, t, `[...document.querySelectorAll("svg.chart")].flatMap(svg => {
			const vb = svg.viewBox.baseVal;
			return [...svg.querySelectorAll("text")].filter(tx => {
				const b = tx.getBBox();
				return b.x < -0.5 || b.y < -0.5 || b.x + b.width > vb.width + 0.5 || b.y + b.height > vb.height + 0.5;
			}).map(tx => svg.id + ": " + JSON.stringify(tx.textContent));
		})`)
		if len(out) > 0 {
			t.Errorf("at %d px, labels outside their chart: %v", w, out)
		}
		wide := evalJS[[]string](ctx, t, `[...document.querySelectorAll("svg.chart, table")].filter(e => !e.closest(".scroll") && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map(e => e.id || e.tagName)`)
		// A table too wide for a narrow window scrolls in its own box
		// (.scroll); the page itself does not scroll sideways.
		if sw := evalJS[int](ctx, t, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); sw > 1 {
			wide = append(wide, "the page scrolls sideways")
		}
		if len(wide) > 0 {
			t.Errorf("at %d px, wider than the window: %v", w, wide)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
		if err != nil {
			t.Fatal(err)
		}
		shots[map[int64]string{1400: "report-1400.png", 800: "report-800.png"}[w]] = png
	}
	// Print: A4 (the page asks for it), at most maxPrintPages pages.
	var pdf []byte
	yes := true
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		r, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes, PrintBackground: &yes})
		pdf = r.Data
		return err
	})); err != nil {
		t.Fatal(err)
	}
	pages := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1))
	if pages == 0 || pages > maxPrintPages {
		t.Errorf("the report prints to %d A4 pages, want 1 to %d", pages, maxPrintPages)
	}
	t.Logf("printed to %d A4 pages", pages)
	shots["report.pdf"] = pdf
	if dir := os.Getenv("JIRGA_SCREENSHOT_DIR"); dir != "" {
		for name, b := range shots {
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// forecastCells is what TestBrowserBriefing reads of the forecast table.
type forecastCells struct {
	Models    []string
	Cells     [][]string
	Intervals int
	Unsettled int
	Settle    int
}

// evalJS evaluates js in the page and returns its value.
func evalJS[T any](ctx context.Context, t *testing.T, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}
