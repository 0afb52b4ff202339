package smp

import (
	"fmt"
	"strings"
)

// The nine KTAB model parameters. Each is a string type whose zero value ""
// means KTAB's default, so that the zero Settings reproduce KTAB's default run.
type (
	// VictoryProbModel is the exponent ν of P[a≻b] = C_ab^ν/(C_ab^ν + C_ba^ν):
	// "Linear" (ν = 1, default), "Square" (2), "Quartic" (4), "Octic" (8), or
	// "Binary" (certain victory once the strength ratio reaches 1.1, linear
	// in the ratio between 1/1.1 and 1.1).
	VictoryProbModel string
	// PCEModel is the probabilistic Condorcet election: "Conditional"
	// (default), "MarkovUniform" or "MarkovIncentive".
	PCEModel string
	// StateTransitions chooses a queue's bargain: "Deterministic" (the most
	// probable item, first on ties; default) or "Stochastic" (drawn from the
	// PCE distribution with the seeded source).
	StateTransitions string
	// VotingRule maps a utility difference Δu to a vote: "Binary", "PropBin",
	// "Prop" (default), "PropCbc", "Cubic" or "ASymProsp".
	VotingRule string
	// BigRAdjust sets how actor h perceives i's risk attitude: "None"
	// (r = R_h), "OneThird" ((2R_h + R_i)/3, default), "Half", "TwoThirds"
	// ((R_h + 2R_i)/3) or "Full" (r = R_i).
	BigRAdjust string
	// BigRRange maps PCE probabilities to risk attitudes: "Min" ([0, 1]),
	// "Mid" ([−½, 1], default) or "Max" ([−1, 1]).
	BigRRange string
	// ThirdPartyCommit is how far a third party that joins a side is bound
	// by the contest's result: "NoCommit", "SemiCommit" (default) or
	// "FullCommit".
	ThirdPartyCommit string
	// InterVecBrgn is the bargain interpolation: "S1P1", "S2P2" (default) or
	// "S2PMax".
	InterVecBrgn string
	// BargnModel is whose victory estimate shapes a bargain:
	// "InitOnlyInterp" (default), "InitRcvrInterp" or "PWCompInterp".
	BargnModel string
)

// Option names and values, in KTAB's order (the first value listed in
// optionValues is KTAB's enum index 0).
var optionValues = map[string][]string{
	"VictoryProbModel": {"Linear", "Square", "Quartic", "Octic", "Binary"},
	"PCEModel":         {"Conditional", "MarkovIncentive", "MarkovUniform"},
	"StateTransitions": {"Deterministic", "Stochastic"},
	"VotingRule":       {"Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp"},
	"BigRAdjust":       {"None", "OneThird", "Half", "TwoThirds", "Full"},
	"BigRRange":        {"Min", "Mid", "Max"},
	"ThirdPartyCommit": {"NoCommit", "SemiCommit", "FullCommit"},
	"InterVecBrgn":     {"S1P1", "S2P2", "S2PMax"},
	"BargnModel":       {"InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"},
}

// OptionNames lists the nine KTAB parameters in KTAB's order.
var OptionNames = []string{"VictoryProbModel", "PCEModel", "StateTransitions", "VotingRule",
	"BigRAdjust", "BigRRange", "ThirdPartyCommit", "InterVecBrgn", "BargnModel"}

// Defaults maps each KTAB parameter to KTAB's default, which is also ours.
var Defaults = map[string]string{
	"VictoryProbModel": "Linear",
	"PCEModel":         "Conditional",
	"StateTransitions": "Deterministic",
	"VotingRule":       "Prop",
	"BigRAdjust":       "OneThird",
	"BigRRange":        "Mid",
	"ThirdPartyCommit": "SemiCommit",
	"InterVecBrgn":     "S2P2",
	"BargnModel":       "InitOnlyInterp",
}

// OptionValues returns the allowed values of a KTAB parameter.
func OptionValues(name string) []string { return optionValues[name] }

// normalizeOption checks value against the allowed values of name (case
// insensitive) and returns its canonical spelling.
func normalizeOption(name, value string) (string, error) {
	vals, ok := optionValues[name]
	if !ok {
		return "", fmt.Errorf("unknown KTAB parameter %q; known: %s", name, strings.Join(OptionNames, ", "))
	}
	v := strings.TrimSpace(value)
	for _, a := range vals {
		if strings.EqualFold(a, v) {
			return a, nil
		}
	}
	// KTAB's XML and database also give the enum index.
	if len(v) == 1 && v[0] >= '0' && int(v[0]-'0') < len(vals) {
		return vals[v[0]-'0'], nil
	}
	return "", fmt.Errorf("%s %q is not one of %s", name, value, strings.Join(vals, ", "))
}

// Set sets the named KTAB parameter (e.g. "VotingRule", "Cubic") on s.
func (s *Settings) Set(name, value string) error {
	v, err := normalizeOption(name, value)
	if err != nil {
		return err
	}
	switch name {
	case "VictoryProbModel":
		s.VictoryProb = VictoryProbModel(v)
	case "PCEModel":
		s.PCE = PCEModel(v)
	case "StateTransitions":
		s.Transitions = StateTransitions(v)
	case "VotingRule":
		s.Voting = VotingRule(v)
	case "BigRAdjust":
		s.RiskAdjust = BigRAdjust(v)
	case "BigRRange":
		s.RiskRange = BigRRange(v)
	case "ThirdPartyCommit":
		s.Commit = ThirdPartyCommit(v)
	case "InterVecBrgn":
		s.Interp = InterVecBrgn(v)
	case "BargnModel":
		s.Bargain = BargnModel(v)
	}
	return nil
}

// Get returns the value of the named KTAB parameter, its default when unset.
func (s *Settings) Get(name string) string {
	var v string
	switch name {
	case "VictoryProbModel":
		v = string(s.VictoryProb)
	case "PCEModel":
		v = string(s.PCE)
	case "StateTransitions":
		v = string(s.Transitions)
	case "VotingRule":
		v = string(s.Voting)
	case "BigRAdjust":
		v = string(s.RiskAdjust)
	case "BigRRange":
		v = string(s.RiskRange)
	case "ThirdPartyCommit":
		v = string(s.Commit)
	case "InterVecBrgn":
		v = string(s.Interp)
	case "BargnModel":
		v = string(s.Bargain)
	}
	if v == "" {
		return Defaults[name]
	}
	return v
}
