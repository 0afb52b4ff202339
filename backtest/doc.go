// Package backtest scores forecasting models on decisions whose outcome is
// known, such as the DEU data on EU legislation (Thomson et al. 2006, 2012;
// Arregui & Perarnaud 2022): per model the number of scored issues, the
// mean absolute error (MAE), root mean squared error, median absolute error
// and share of forecasts within 10 points, overall and by group (wave,
// voting rule); the coverage of Monte Carlo intervals; and proposal-grouped
// k-fold cross-validation for models that learn from data.
//
// An issue is scored when it has an outcome and at least MinActors actors
// hold a position on it; the others are counted as skipped with the reason.
// A model that returns an error or a non-finite forecast on an issue is
// counted as failed there, not scored, and the run goes on.
package backtest
