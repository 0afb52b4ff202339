// Package stat holds the sample statistics that jirga computes in more than
// one place, each once, with its reference test: the quantile of a sorted
// sample ([Quantile], Hyndman & Fan type 7), the median ([Median]), the
// mean in a fixed order ([Mean]), the paired difference of two losses and
// its standard error ([Paired]), and the grouped assignment of items to
// cross-validation folds ([GroupFolds]).
//
// Sweeps take their intervals from it, backtests their error percentiles,
// coverage half-widths and folds, the stacked model its inner folds and
// features, and jirga backtest cv its paired comparison. The weighted mean
// and the weighted median are models' formulas and live in package
// baseline.
package stat
