package report_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium returns the path of a Chromium binary, or "" when there is none.
// JIRGA_CHROMIUM overrides the search.
func chromium() string {
	if p := os.Getenv("JIRGA_CHROMIUM"); p != "" {
		return p
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestBrowser renders the report in headless Chromium, checks that the
// charts are laid out with a size, and takes screenshots (into
// JIRGA_SCREENSHOT_DIR when set, else a temporary directory).
func TestBrowser(t *testing.T) {
	bin := chromium()
	if bin == "" {
		t.Skip("chromium not found (apt-get install chromium, or set JIRGA_CHROMIUM): skipping the browser rendering test")
	}
	dir := t.TempDir()
	out := os.Getenv("JIRGA_SCREENSHOT_DIR")
	if out == "" {
		out = dir
	}
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, render(t, 100), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := browser(t, bin, dir, 1000, 1200, 90*time.Second)
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+page), chromedp.WaitReady(chromedp.CSS("#sources"))); err != nil {
		t.Fatal(err)
	}
	nSVG, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg.chart").length`))
	if err != nil {
		t.Fatal(err)
	}
	sizes, err := chromedp.Run(ctx, chromedp.Evaluate[map[string][]float64](`Object.fromEntries(["chart-zopa","chart-tornado-deal","chart-interventions","chart-positions-merger","chart-forecasts-merger","chart-tornado-merger","chart-rounds-toy-dynamic-merger","chart-timeline-deal","chart-timeline-slack","chart-timeline-merger"].map(id => {
		const e = document.getElementById(id);
		if (!e) return [id, [0, 0, 0]];
		const r = e.getBoundingClientRect();
		return [id, [r.width, r.height, e.querySelectorAll("circle,rect,line,polyline").length]];
	}))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(sizes) != 10 {
		t.Errorf("measured %d charts, want 10", len(sizes))
	}
	shots := map[string][]byte{}
	if shots["report-full.png"], err = chromedp.Run(ctx, chromedp.FullScreenshot(100)); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"chart-zopa", "chart-tornado-deal", "chart-interventions", "chart-rounds-toy-dynamic-merger", "chart-positions-arms", "chart-forecasts-arms", "chart-timeline-deal", "chart-timeline-slack", "chart-timeline-merger", "timeline-changes"} {
		if shots[id+".png"], err = chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS("#"+id))); err != nil {
			t.Fatal(err)
		}
	}
	// 6 issues × (positions, forecasts, tornado) + zopa + deal tornado +
	// interventions + 6 rounds charts of the toy dynamic model + the
	// timeline's deal, slack and 6 issue charts (the flagship has three
	// dated states).
	if want := 6*3 + 3 + 6 + 2 + 6; nSVG != want {
		t.Errorf("%d charts rendered, want %d", nSVG, want)
	}
	for id, wh := range sizes {
		if wh[0] < 300 || wh[1] < 60 || wh[2] < 5 {
			t.Errorf("%s: %gx%g px with %g marks; want a drawn chart", id, wh[0], wh[1], wh[2])
		}
	}
	for name, b := range shots {
		if len(b) == 0 {
			t.Errorf("empty screenshot %s", name)
			continue
		}
		if err := os.WriteFile(filepath.Join(out, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshots in %s", out)
}

// browser starts headless Chromium (bin) with its profile in dir and a
// window of w×h px, and returns a context for chromedp that ends with the
// test or after timeout.
func browser(t *testing.T, bin, dir string, w, h int, timeout time.Duration) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.WindowSize(w, h),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancel(); cancelCtx(); cancelAlloc() })
	return ctx
}
