package cost_test

import (
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/cost"
)

// TestBudgetTable prints, for docs/security.md, the largest one-issue
// scenario each model and kind may run under jirga serve's default budget:
// 1 GiB, and 10 min of CPU time for a run in one piece; a sweep, deal or
// levers run over a minute of CPU is cut into parts of about a minute (at
// most 64, one per draw or nudge), each within 10 min, and 4 h in all (see
// package queue). It runs only when JIRGA_COST_TABLE is set.
func TestBudgetTable(t *testing.T) {
	if os.Getenv("JIRGA_COST_TABLE") == "" {
		t.Skip("set JIRGA_COST_TABLE=1 to print the table of docs/security.md")
	}
	const mem, secs, all, partTime, maxParts = 1 << 30, 600, 4 * 3600, 60, 64
	for _, kind := range []jirga.RunKind{jirga.KindForecast, jirga.KindSweep, jirga.KindDeal, jirga.KindLevers} {
		for _, name := range []string{"mean", "bdm", "smp", "exchange"} {
			m := 1
			if name == "exchange" {
				m = 3 // exchange trades between issues
			}
			parts := func(n int, e cost.Estimate) int {
				iterations := 1000 // draws
				switch kind {
				case jirga.KindForecast:
					return 1
				case jirga.KindLevers:
					iterations = 6 * n * m // capability, salience and position, up and down
				}
				return max(1, min(int(math.Ceil(e.Seconds/partTime)), maxParts, iterations))
			}
			fits := func(n int) (bool, cost.Estimate) {
				sz := cost.Size{Actors: n, Issues: m, Stances: n * m, Parties: n}
				for range m {
					sz.PerIssue = append(sz.PerIssue, n)
				}
				e := cost.Of(sz, cost.Job{Kind: kind, Models: []string{name}, Workers: 1})
				if p := parts(n, e); p > 1 {
					return e.Bytes <= mem && e.Seconds/float64(p) <= secs && e.Seconds <= all, e
				}
				return e.Bytes <= mem && e.Seconds <= secs, e
			}
			lo, hi := 1, 2
			for ok, _ := fits(hi); ok && hi < 1<<20; ok, _ = fits(hi) {
				lo, hi = hi, hi*2
			}
			for hi-lo > max(1, lo/50) {
				if mid := (lo + hi) / 2; func() bool { ok, _ := fits(mid); return ok }() {
					lo = mid
				} else {
					hi = mid
				}
			}
			_, e := fits(lo)
			more := ""
			if lo >= 1<<20 {
				more = " or more"
			}
			fmt.Printf("| %s | %s | %d%s × %d | %d | %s | %s |\n", kind, name, lo, more, m, parts(lo, e), cost.Bytes(e.Bytes), cost.Duration(e.Seconds))
		}
	}
}
