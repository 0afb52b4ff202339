package bdm

import "github.com/jirga/jirga"

// Trace is bdm's own record of a round, its jirga.Round.Trace: the risk
// exponents and the offers. In JSON its fields follow the round's common
// ones (rounds[].risk, rounds[].risk_by_issue, rounds[].offers).
type Trace struct {
	// Risk maps actor ids to the risk exponent r_i, each actor's on its
	// first issue; RiskByIssue maps actor ids, then issue ids, to the
	// exponent on each issue (bdm solves issues separately).
	Risk        map[string]float64            `json:"risk,omitempty"`
	RiskByIssue map[string]map[string]float64 `json:"risk_by_issue,omitempty"`
	// Offers are the round's offers (see the offers option).
	Offers []Offer `json:"offers,omitempty"`
}

// Model returns "bdm".
func (*Trace) Model() string { return "bdm" }

// TraceOf returns bdm's trace of round rd, decoded when rd was read
// from JSON, or an empty trace when rd holds none (see jirga.TraceOf).
func TraceOf(rd jirga.Round) *Trace {
	t, _ := jirga.TraceOf[Trace](rd)
	return t
}

// Offer is one proposal in the expected-utility model: From would have To
// move to Position on Issue.
type Offer struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Issue string `json:"issue"`
	// Kind is "conflict", "compromise" or "capitulation".
	Kind     string  `json:"kind"`
	Position float64 `json:"position"`
	// EUFrom is From's expected utility of challenging To, E^From(U_From,To);
	// EUTo is To's expected utility of challenging From, as From perceives it
	// (as the actor whose view judges the offer perceives both; see the
	// estimate option).
	EUFrom float64 `json:"eu_from"`
	EUTo   float64 `json:"eu_to"`
	// Accepted is true when To took this offer this round.
	Accepted bool `json:"accepted"`
}
