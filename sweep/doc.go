// Package sweep quantifies the uncertainty of forecasts: it draws scenarios
// from the distributions of their inputs and runs models on each draw.
package sweep
