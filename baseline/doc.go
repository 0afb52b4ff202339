// Package baseline implements the simple forecasts that the literature finds
// hard to beat: the capability × salience weighted mean (the "compromise
// model"), the weighted median, the Condorcet median and the asymmetric Nash
// bargaining solution. Each works issue by issue over the actors that hold a
// position on the issue.
//
// Weights: actor i's weight on an issue is c_i·s_i (capability times
// salience). Where every actor holding a position has salience 0, the
// weights fall back to c_i and the result carries a note saying so.
package baseline
