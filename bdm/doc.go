// Package bdm implements Bueno de Mesquita's expected-utility ("challenge")
// model of group decisions, the 1994 variant as reconstructed by Scholz,
// Calbert & Smith (2011).
//
// References:
//   - Bueno de Mesquita, B. (1994), "Political forecasting: an expected
//     utility method", in Bueno de Mesquita & Stokman (eds.), European
//     Community Decision Making, Yale UP, ch. 4.
//   - Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011), "Unravelling Bueno
//     de Mesquita's group decision model", Journal of Theoretical Politics
//     23(4): 510–531.
//
// # Model
//
// Each issue is solved on its own, over the actors that hold a position on
// it (the literature's model is one-dimensional). Actor i has capability
// c_i, position x_i, salience s_i ∈ [0, 1] and, each round, a risk
// exponent r_i; R is the range (scale max − scale min). A round:
//
//  1. The median voter μ ([MedianVoter]) of the current positions.
//  2. The probability P^i that i beats j, from the votes of every actor
//     (see probability.go and Settings.Probability, Settings.Votes).
//  3. The expected utility of a challenge ([ExpectedUtility]):
//     E^i(U_ij) = s_j[P^i U_s + (1 − P^i) U_f] + (1 − s_j) U_s − Q U_sq −
//     (1 − Q)[T U_b + (1 − T) U_w], with the basic utilities of
//     [BasicUtilities]; first with every r = 1.
//  4. Security Sec_i = Σ_{j≠i} E^j(U_ji) at r = 1, and from it the risk
//     exponents r_i ∈ [0.5, 2] ([RiskExponents]); r is reset to 1 at the
//     start of every round.
//  5. The expected utilities again with the r_i, and for every ordered pair
//     an offer of one of three kinds ([Classify]): conflict, compromise or
//     capitulation (or none: status quo).
//  6. Each actor takes at most one of the offers it received (conflict,
//     then compromise, then capitulation; among compromises the lowest
//     proposed position, as Scholz's code does; among conflicts the
//     smallest move), and all actors move at once.
//
// The run lasts a fixed number of rounds (DefaultRounds = 8, the length of
// Scholz et al.'s Table 2) unless Settings.Tolerance asks it to stop once
// no actor moves; the forecast is the median voter after the last round.
//
// # Readings
//
// The published descriptions leave six points open (the project's
// models.md §2.5), and the choice among several offers is a seventh. Each
// is an option of [Settings]; a reading (the option reading) is a named
// preset of them. The zero value is [ReadingScholz]: it reproduces Scholz et al.'s
// Table 2 on the EC car-emission case and, for ten rounds, every position
// of the Scholz-based coding on six published cases, with no fitted
// constant: the probability denominator over all ordered actor pairs,
// votes raised to each voter's risk exponent, offers judged by their
// receiver with its own exponent, the full Condorcet median, no
// capitulation offers and no minimum expected utility (the coding makes
// neither), and the lowest of several compromises. [ReadingScholzCode]
// swaps in the coding's sequential median; [ReadingEmissionFit] is the
// former default (capitulation, the smallest compromise, min_eu = 0.01
// fitted on the emission case). docs/models/bdm.md has the table of which
// reading leaves which reference run in which round.
//
// # Cost
//
// A round costs O(n log n + n²) time and O(n²) memory for n actors under
// every reading: the vote totals of a pair split at the midpoint of the two
// positions, so they are differences of prefix sums over the voters sorted
// by position, and the midpoints of the pairs a position forms with the
// positions above it are found by one pointer moving right (see
// probability.go). With the default risk votes a round takes 3n²
// exponentials and 1.5n² logarithms, which dominate. A round allocates
// nothing but the result it records (tested with testing.AllocsPerRun), and
// the issues of a scenario share one set of tables. [Model.ForecastOnly]
// skips recording the rounds, for callers such as sweeps that discard them.
//
// Results do not depend on the order of the actors: each issue is solved in
// the order of actor ids, and ties between offers are broken by the proposed
// position and then the proposer's id.
package bdm
