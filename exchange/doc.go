// Package exchange implements Stokman's exchange model of collective decision
// making in its equal-gain variant (Stokman & Van Oosten 1994; the "Decide"
// model of Stokman & Thomson 2015), with the random-rate variant of Dijkstra
// et al. (2018) as an option.
//
// Actors trade voting positions across issues: an actor gives way on an issue
// it cares little about (it supplies that issue) in return for a move of its
// partner on an issue it cares much about (it demands that issue).
//
// # Issue outcome
//
// On each issue p, over the actors i holding a position x_ip with salience
// s_ip in [0, 1] and power c_ip (the stance's power, else the actor's
// capability; see jirga.Table.Power), the expected outcome is
//
//	O_p = Σ_i c_ip s_ip x_ip / Σ_i c_ip s_ip
//
// # Who can trade
//
// For a pair of issues (p, q), each actor sits above, below or exactly at O_p
// and O_q. Two actors can trade p against q only when they sit on opposite
// sides of the outcome on both issues (Stokman's A↔D and B↔C pairs). An
// actor within 1e-9 × the scale width of an outcome sits at it and trades
// neither issue of the pair.
//
// # Supply, demand and equal gain
//
// Of the two actors, the one with the smaller ratio s_p/s_q (call it j)
// supplies p: it moves on p towards its partner i, who supplies q. A move Δx
// by j shifts O_p by dp = Δx·c_jp s_jp / Σ_p cs. With linear utilities the
// gains are i: dp·s_ip − dq·s_iq and j: dq·s_jq − dp·s_jp. The equal-gain
// exchange rate r = dq/dp = (s_ip + s_jp)/(s_iq + s_jq) makes them equal:
//
//	gain = dp·(s_ip·s_jq − s_iq·s_jp)/(s_iq + s_jq) ≥ 0,
//
// zero exactly when the salience ratios are equal. Under [RateRandom] the
// rate is drawn uniformly between j's and i's indifference rates s_jp/s_jq
// and s_ip/s_iq (Dijkstra et al. 2018), so both gains stay ≥ 0.
//
// # Size of the moves (clipping)
//
// dp is the largest shift that respects all of:
//
//	j moves at most to i's position on p:  dp ≤ |x_jp − x_ip|·c_jp s_jp/Σ_p cs
//	i moves at most to j's position on q:  dq ≤ |x_iq − x_jq|·c_iq s_iq/Σ_q cs
//	O_p does not cross the demander i:     dp ≤ |O_p − x_ip|
//	O_q does not cross the demander j:     dq ≤ |O_q − x_jq|
//
// with dq = r·dp. The first bound is the first try of the implementation's
// description (j moves all the way to i), the second is its "mirror case",
// and the last two are its clipping rule; taking the minimum gives the same
// result in one step.
//
// # A round
//
// All feasible exchanges are computed from the round's start positions x and
// outcomes O. The exchange with the highest gain is executed, moving the two
// voting positions y. The exchanges that touch a moved (actor, issue) cell —
// in particular those that share an actor and its supply issue with the
// executed one — are then, under [UpdateRecalculate] (the default),
// recalculated from the current voting positions (and dropped when no longer
// feasible), or under [UpdateDrop] dropped when they share a supply cell and
// otherwise kept unchanged. This repeats until no exchange is left (or, under
// recalculation, n·m exchanges have been executed, a guard that is noted in
// the result when reached). Within a round the outcomes O — the reference of
// the side labels and of the clipping bounds — are those of the round's start
// positions; a recalculated exchange labels the current voting positions
// against them.
//
// The next round starts from x′ = (1 − w)·x + w·y with w = 0.1 + 0.4·(1 − s)
// (the implementation's FIXED_WEIGHT and SALIENCE_WEIGHT): actors that care
// little about an issue adopt more of their voting position. A round without
// an exchange changes nothing, so the run stops there (status converged);
// otherwise it runs [Model.Rounds] rounds (default 10, status round_limit).
// The forecast is O of the positions after the last round.
//
// # Ties
//
// Gains within a relative 1e-9 of each other tie; ties go to the exchange
// whose supplier j comes first in the scenario's actor order, then whose
// supply issue p comes first in the issue order, then the partner i, then the
// issue q. (The Decide implementation flips a coin.)
//
// See docs/models/exchange.md for the full account and the citations.
package exchange
