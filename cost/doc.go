// Package cost estimates, before a computation starts, the memory and the
// CPU time it will need, from each model's complexity (stated in its page
// under docs/models) and the size of the scenario. jirga serve refuses runs
// whose estimate is over its budget, and the command line warns before a run
// that will take long or need more memory than the machine has; both use
// this package, so they agree.
//
// The estimates are of the order of magnitude, not exact: each formula is
// the model's complexity with constants measured on the reference machine (a
// 2-core AMD EPYC, see docs/security.md for the measurements), rounded up.
// Times are CPU time on one core of that machine; a busy or slower machine
// takes longer, which is why the server also stops a run that runs past its
// time limit.
package cost
