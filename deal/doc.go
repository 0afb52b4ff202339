// Package deal decides whether a deal is possible: whether a zone of
// possible agreement (ZOPA) exists among the necessary parties, per issue and
// jointly across issues, whether each model's forecast lies inside it, and,
// by Monte Carlo over the inputs' uncertainty, how likely a deal is.
//
// # Who must agree
//
// The necessary parties are the actors marked necessary (a party without
// whom there is no deal); when no actor is marked, every actor whose role is
// party.
//
// # Per issue
//
// Actor i has an ideal point p_i on issue k and a reservation value r_i, the
// worst outcome it would still accept; when it gives none, the status
// quo (the outcome of no deal). Utility is single-peaked and symmetric, so i
// accepts an outcome x on k alone iff x is at least as close to its position
// as its reservation is:
//
//	|x − p_i| ≤ |r_i − p_i|   ⇔   x ∈ [p_i − |r_i − p_i|, p_i + |r_i − p_i|] ∩ scale
//
// The ZOPA is the intersection of these intervals over the necessary
// parties holding a stance on k; it is empty (JSON null) when they do not
// overlap. An actor with neither a reservation nor a status quo on k accepts
// any outcome there (and a note says so).
//
// # Jointly
//
// Across issues, actor i values a package x = (x_1 … x_m) by the
// salience-weighted linear utility
//
//	U_i(x) = − Σ_k s_ik |x_k − p_ik| / R_k
//
// where s_ik ∈ [0, 1] is its salience (file salience / 100) and R_k the width
// of issue k's scale, and accepts x iff U_i(x) ≥ U_i(r_i), r_i being its
// package of reservations (status quo where absent). Losing on an issue it
// cares little about can be paid for by gains on one it cares about, so a
// joint ZOPA can exist where some issue's own zone is empty (logrolling); if
// every issue's zone is non-empty, so is the joint one. Each acceptance set is
// convex, and the joint zone, their intersection with the box of scales, is
// found by linear programming (the package's own two-phase tableau
// simplex, after Chvátal 1983; gonum's revised simplex serves only as an
// independent oracle in its tests): minimise
//
//	z = max_i (L_i(x) − L_i(r_i)) / W_i,   L_i = −U_i,  W_i = Σ_k s_ik,
//
// so a joint deal exists iff z* ≤ 0; −z* is reported as the slack, the
// margin of the worst-off necessary party as a share of its salience-weighted
// scale, and the minimiser as the point. The bounds of the joint zone on each
// issue are the least and greatest x_k over acceptable packages (2m more
// programs).
//
// # Forecasts
//
// A model's forecast is acceptable when every necessary party accepts the
// forecast package jointly; per issue, when it lies in the ZOPA.
//
// # Deal probability
//
// Draw k (k = 1 … Draws) is sweep.Draw(s, sweep.DrawRand(Seed, k), u): every
// capability, position, salience, reservation, power and status quo drawn
// from its range or the default uncertainty. The deal probability is the share of
// draws with a joint ZOPA; the result depends only on the scenario and the
// seed, not on the number of workers.
//
// A share of draws is an estimate with a Monte Carlo error: each one (the
// deal probability, each issue's, each model's and each intervention's)
// carries the 95% Wilson score interval of its count ([CI]), and
// [Percent] writes it for people, "1.5% (95% CI 0.9–2.5%)", or "below
// 0.4% (95%)" when none of 1,000 draws had a deal: no draw is not a
// probability of zero.
package deal
