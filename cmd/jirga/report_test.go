package main

import (
	"strings"
	"testing"
)

// TestReportProvenance: jirga report gives the same bytes for the same
// input and seed whatever the workers, states the engine, input hash,
// seed and date in its footer (the scenario's as_of unless --date), and
// refuses a --date that is not a date.
func TestReportProvenance(t *testing.T) {
	if testing.Short() {
		t.Skip("three reports of the flagship")
	}
	args := []string{"report", "--model", "mean,bdm", "--draws", "20", "-o", "-"}
	a, errs, code := run(t, append(args, "--workers", "1")...)
	if code != 0 {
		t.Fatalf("report: exit %d, %s", code, errs)
	}
	b, _, _ := run(t, append(args, "--workers", "2")...)
	if a != b {
		t.Error("the report depends on the number of workers")
	}
	for _, want := range []string{`<dd id="footer-engine">jirga `, `<dd id="footer-hash"><code>sha256:`, `<dd id="footer-seed">1 (20 draws)</dd>`,
		`<dd id="footer-date">2022-06-03 (the scenario&#39;s as_of`} {
		if !strings.Contains(a, want) {
			t.Errorf("the footer lacks %q", want)
		}
	}
	c, _, _ := run(t, append(args, "--date", "2026-12-03")...)
	if !strings.Contains(c, `<dd id="footer-date">2026-12-03</dd>`) {
		t.Error("--date is not the footer's date")
	}
	if _, errs, code := run(t, "report", "--date", "3 Dec", "-o", "-"); code != 2 || !strings.Contains(errs, `--date "3 Dec": want a date YYYY-MM-DD`) {
		t.Errorf("a bad --date: exit %d, %s", code, errs)
	}
}
