package exchange

import "github.com/jirga/jirga"

// Trace is the exchange model's own record of a round, its
// jirga.Round.Trace: the exchanges executed and the outcome they reached.
// In JSON its fields follow the round's common ones (rounds[].exchanges,
// rounds[].voting_outcome).
type Trace struct {
	Exchanges []Exchange `json:"exchanges,omitempty"`
	// VotingOutcome maps issue ids to the outcome of the voting positions
	// reached by the round's exchanges, before the update that gives the
	// round's positions.
	VotingOutcome map[string]float64 `json:"voting_outcome,omitempty"`
}

// Model returns "exchange".
func (*Trace) Model() string { return "exchange" }

// TraceOf returns the exchange model's trace of round rd, decoded when rd was read
// from JSON, or an empty trace when rd holds none (see jirga.TraceOf).
func TraceOf(rd jirga.Round) *Trace {
	t, _ := jirga.TraceOf[Trace](rd)
	return t
}

// Exchange is one executed trade in the exchange model: Supplier moves on
// SupplyIssue (from SupplyFrom to SupplyTo, towards the Demander) and in
// return Demander moves on DemandIssue (towards the Supplier). Gain is the
// gain used to rank the exchange: the equal gain of both actors, or the
// smaller of the two under a random rate.
type Exchange struct {
	Supplier    string  `json:"supplier"`
	SupplyIssue string  `json:"supply_issue"`
	SupplyFrom  float64 `json:"supply_from"`
	SupplyTo    float64 `json:"supply_to"`
	Demander    string  `json:"demander"`
	DemandIssue string  `json:"demand_issue"`
	DemandFrom  float64 `json:"demand_from"`
	DemandTo    float64 `json:"demand_to"`
	Gain        float64 `json:"gain"`

	// SupplyShift and DemandShift are the shifts of the outcome on
	// SupplyIssue and DemandIssue that the two moves cause (dp and dq).
	SupplyShift float64 `json:"supply_shift,omitempty"`
	DemandShift float64 `json:"demand_shift,omitempty"`
	// SupplierGain and DemanderGain are the two actors' gains in salience-
	// weighted position units (equal under the equal-gain rate).
	SupplierGain float64 `json:"supplier_gain,omitempty"`
	DemanderGain float64 `json:"demander_gain,omitempty"`
}
