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
// outcomes O, and the exchange with the highest gain is executed, moving the
// two suppliers' voting positions y. Positions are measured in percent of
// each issue's scale by default ([ScalePercent]), as Decide does.
//
// Under [WithinDecide] (the default) the pending exchanges in which an actor
// supplies an issue it has just moved on are recalculated, and the others
// keep their values. A recalculated exchange's supplier moves from its
// voting position towards its partner's start position, and its clipping
// bounds use the exchange's own view of the outcomes: the start outcomes
// moved only by the cells it has been told about — its suppliers' own
// positions and the other cell of each executed exchange that recalculated
// it — not by every exchange executed since. An outcome already beyond the
// demander's position sets no bound. The exchange is dropped when the move
// would reverse or gain nothing. A position may move again. This is the
// rule of Decide, the model's reference implementation, as far as its
// published runs show it: run one round at a time from Decide's own
// positions it reproduces several of their rounds exactly and the first
// exchanges of the others, but not all (docs/models/exchange.md).
//
// Under [WithinStart] the outcomes O — the reference of the side labels and
// of the clipping bounds — stay those of the round's start positions, and
// the exchanges that touch a moved (actor, issue) cell are, under
// [UpdateRecalculate], recalculated from the current voting positions (and
// dropped when no longer feasible), or under [UpdateDrop] dropped when they
// share a supply cell and otherwise kept unchanged; with recalculation n·m
// executed exchanges end a round, a guard that is noted when reached.
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
// issue q: Decide's order with its random tie-breaking off. Under
// [WithinDecide] the order of execution moves the outcomes, so where gains tie
// exactly the order of the input can change the path; the result notes how
// many exchanges were chosen among equal gains.
//
// See docs/models/exchange.md for the full account and the citations.
package exchange
