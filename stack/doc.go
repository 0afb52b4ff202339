// Package stack implements the stacked forecaster "stacked": a regularised
// robust regression that learns, from decisions with known outcomes, how to
// correct the capability × salience weighted mean (the compromise model)
// with other models' forecasts and features of the issue.
//
// The forecast on an issue, with every position mapped to 0–100 on the
// issue's scale, is
//
//	ŷ = clip(m + Σ_j β_j z_j, 0, 100)
//
// where m is the weighted mean and z_j are the features of [FeatureNames]:
// the differences between m and other forecasts (plain mean, weighted
// median, the Council members' median, the Commission's and the
// Parliament's positions, the reference point, the qualified-majority and
// unanimity pivots of the procedural model), indicators of the voting rule,
// the procedure and two-option issues, and their interactions. A feature
// that cannot be computed (no reference point, no Commission) is 0, which
// means "no correction".
//
// β minimises the Huber loss of the errors plus a ridge penalty,
//
//	Σ_i ρ_δ(y_i − ŷ_i) + λ ||β||²,
//
// solved by iteratively reweighted least squares (Holland & Welsch 1977).
// With λ → ∞ the model is the weighted mean; λ is chosen by
// proposal-grouped cross-validation on the training data only. The fitted
// parameters ship with the binary (stacked.json, go:embed); `go generate`
// in this directory refits them from the DEU development file.
package stack
