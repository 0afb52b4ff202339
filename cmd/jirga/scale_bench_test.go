package main

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/jirga/jirga/storetest"
)

// BenchmarkSweepProcesses measures the throughput of sweeps cut into 16
// parts and computed by 1, 2 and 4 jirga worker processes (one part at a
// time each) on one PostgreSQL database, beside an API-only jirga serve
// that stores them: smp on the flagship, 1280 draws per sweep. One op is
// one sweep, from POST /api/runs to its result; draws/s is the throughput.
// docs/scale.md reports it with the machine's cores:
//
//	JIRGA_TEST_POSTGRES=… go test ./cmd/jirga -run '^$' -bench SweepProcesses -benchtime 3x
func BenchmarkSweepProcesses(b *testing.B) {
	dsn := storetest.PostgresDSN(b)
	bin := buildJirga(b)
	flags := []string{"--part-time", "1us", "--max-parts", "16", "--max-run-time", "1h", "--max-run-cpu", "10h"}
	serve := startProc(b, bin, dsn, "serve", append([]string{"serve", "--addr", "127.0.0.1:0", "--workers", "0"}, flags...)...)
	const draws = 1280
	body := fmt.Sprintf(`{"scenario_id":"pakistan-ttp-2022","kind":"sweep","models":["smp"],"draws":%d,"wait":0}`, draws)
	for _, n := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("processes=%d", n), func(b *testing.B) {
			var procs []*proc
			for i := range n {
				procs = append(procs, startProc(b, bin, dsn, fmt.Sprintf("worker %d", i+1), append([]string{"worker", "--workers", "1"}, flags...)...))
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				var run struct {
					ID     int64
					Status string
					Parts  int
				}
				if code := postJSON(b, serve.url+"/api/runs", "", body, &run); code != 202 || run.Parts != 16 {
					b.Fatalf("POST: %d, %d parts", code, run.Parts)
				}
				for run.Status != "done" {
					if code := getJSON(b, fmt.Sprintf("%s/api/runs/%d?wait=10", serve.url, run.ID), &run); code != 200 || run.Status == "failed" {
						b.Fatalf("run %d: %d %s", run.ID, code, run.Status)
					}
				}
			}
			b.ReportMetric(float64(draws*b.N)/b.Elapsed().Seconds(), "draws/s")
			b.StopTimer()
			for _, p := range procs {
				p.cmd.Process.Signal(syscall.SIGTERM)
				select {
				case <-p.done:
				case <-time.After(30 * time.Second):
				}
			}
		})
	}
}
