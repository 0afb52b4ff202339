// Package usage reports what the process has used so far, for benchmarks
// that state targets in CPU time or memory (issue 18): the peak resident
// memory and the CPU time of all threads. Run a benchmark that reports the
// peak alone (-bench '^BenchmarkX$'): the peak is the process's.
package usage

import "time"

// PeakMiB returns the largest resident set size of the process so far, in
// MiB (getrusage's ru_maxrss), or 0 where the system does not report it.
func PeakMiB() float64 { return peakMiB() }

// CPU returns the user and system CPU time of the process so far, or 0
// where the system does not report it.
func CPU() time.Duration { return cpu() }
