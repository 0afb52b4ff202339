// Package kinds computes stored runs: the table of run kinds (forecast,
// sweep, deal, levers, timeline), each with its check of a run's input, its
// cost estimate for admission, and its computation. The kinds whose work is
// a loop (a sweep's draws, a deal's Monte Carlo draws, the nudges of a
// levers analysis) are also cut into parts: [Size] counts the loop's
// iterations, [Part] computes any range of them, anywhere, and [Merge] puts
// the parts together into the result [Compute] gives for the whole run,
// byte for byte. The server (package httpapi) and its workers (package
// queue) run runs through it.
package kinds
