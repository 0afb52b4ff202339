// Package sweep quantifies the uncertainty of forecasts: it draws scenarios
// from the distributions of their inputs and runs models on each draw
// (Monte Carlo), and reports forecast intervals.
//
// # Drawing
//
// Every capability, position, salience, reservation, power and status quo
// of a scenario is a [jirga.Estimate], and [jirga.Scenario.Estimates] walks
// them all. [Value] draws one from its own range or
// distribution (uniform, triangular, or normal), or, for a bare number,
// from a symmetric triangular distribution of the default half-width
// ([Uncertainty], [DefaultUncertainty]), always truncated to the field's
// allowed range by inverting the truncated distribution function with one
// uniform number. [Draw] and [Sampler] draw whole scenarios in a fixed field
// order, so a seed gives the same scenario on every machine.
//
// # Sweeping
//
// [Run] draws Options.Draws scenarios, draw k with its own generator
// [DrawRand](seed, k), runs every model on each in parallel and keeps the
// forecasts by draw. Summaries are computed in draw order, so the result is
// byte-identical for any number of workers. Per model and issue it reports
// the forecast on the point values, the mean, the quantiles p10, p25, p50,
// p75 and p90 ([stat.Quantile], type 7 of Hyndman & Fan 1996) and a histogram
// over the scale ([NewHistogram]).
//
// # Looping
//
// [For] is the one loop over draws, scenarios and variants of jirga: it
// runs iteration i with the generator of draw i+1 on a bounded number of
// goroutines, stops without leaking any when its context is cancelled, and
// gives the same results for any number of workers. Run, the deal
// probability, backtests and their coverage, levers, comparisons and smp's
// turns run on it. [Forecast] is how such loops run a model: without
// recording rounds, which they discard.
//
// Memory: a sweep keeps 8 bytes per draw, model and issue (for
// [Result.Values]) and refuses more than [MaxValues] of them.
//
// See docs/sweep.md for the command line and the defaults.
package sweep
