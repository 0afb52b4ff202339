// Package timeline forecasts the dated states of one negotiation in date
// order and attributes how the forecasts and the deal probability moved
// between consecutive states to the estimates that changed.
//
// # States
//
// A negotiation's states are a scenario and its snapshots (see
// [jirga.Scenario.States]), or several scenarios with the same id and
// different as_of dates; [States] puts them in date order.
//
// # Attribution by replay
//
// Between two consecutive states A and B, [jirga.Diff] lists the estimates
// that changed (value, range or distribution), in a fixed order: each
// issue's status quo in file order, then actor by actor in file order, the
// capability and then, issue by issue, the position, salience, reservation
// and power. The changes are replayed one at a time: starting from A, the
// first change is applied and everything is measured again (each model's
// forecast of each issue, and the deal probability over the same seeded
// draws, so that the comparison uses common random numbers), then the second
// change on top of the first, and so on until the state equals B. The effect
// of a change is what it moved at its step.
//
// The effects of the changes between A and B add up exactly to the total
// move from A to B. Each effect is path-dependent: it is measured with the
// changes before it in the order already applied and those after it not yet
// applied, so where changes interact the order decides which of them gets the
// credit: when both are needed (two reservations that must both move before
// a zone of agreement opens), the later one; when either would do (two
// statements that each close the zone), the earlier one, and the later finds
// nothing left to move. A change whose effect is zero may still matter in
// another order. To show how much the order matters, each change is also
// measured alone: applied to A without the others (Change.Alone). Alone
// effects need not add up to anything; where a change's replayed effect and
// its alone effect differ, the changes interact.
package timeline
