// Package smp implements KTAB's Spatial Model of Politics (SMP), the
// bargaining model of the KAPSARC Toolkit for Behavioral Analysis (KTAB, MIT
// licence; Wise, Lester & Efird 2015; Efird, Lester & Wise 2016), written
// from the equations in the project's models notes and checked against runs
// of KTAB's own smpc program: on KTAB's dummyData_3Dim and SOE-Policy
// samples every position of every turn matches KTAB to 1e−14 and the runs
// stop after the same number of turns.
//
// Positions and saliences are mapped to KTAB's [0, 1] scales. Each turn:
//
//   - distances d_ij = sqrt(Σ_m s_im²(idl_im − x_jm)² / Σ_m s_im²);
//   - risk attitudes R_i from a probabilistic Condorcet election (PCE) over
//     all positions with risk-neutral utilities 1 − d and capability weights
//     (BigRRange maps the PCE probabilities to R); h perceives i's attitude
//     as r^h_i (BigRAdjust, default (2R_h + R_i)/3); u(d, R) = (1 − d)(1 + dR);
//   - every actor i picks the target j with the largest expected gain
//     (1 − s_j)2U_ii + s_j[P·2U_ii + (1 − P)2U_ij] − (U_ii + U_ij) > 1e−5, where
//     P is i's estimate that it prevails once third parties join the side
//     they expect to gain from (ThirdPartyCommit);
//   - the pair's bargain is the S²P² interpolation with weights (s_im P)² and
//     (s_jm(1 − P))², rounded to 4 decimals (InterVecBrgn, BargnModel);
//   - each actor's queue (its status quo and every bargain it is party to) is
//     resolved by a PCE with capability weights over the mean utility of all
//     positions with the bargain applied, and the owner adopts its role's
//     position in the winner (StateTransitions);
//   - ideals follow the accommodation matrix: the identity, with the
//     entries a KTAB IdealAdjustment block lists overwritten (an actor it
//     leaves out keeps self-adjustment 1, as in KTAB).
//
// The run stops when, after at least 2 turns, the summed movement of the
// turn is below 2% of the first turn's, or at the turn cap (100).
//
// The forecast per issue is the probability-weighted position of the last
// state: Σ over distinct positions of KTAB's "prob :" probability times the
// position. Result.Summaries adds the most probable position
// ("most_probable"), the capability × salience weighted mean
// ("weighted_mean", also at the start as "initial_weighted_mean") and
// "probability_weighted" (the forecast). See docs/models/smp.md.
package smp
