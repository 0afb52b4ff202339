package smp

import "github.com/jirga/jirga"

// Trace is the SMP's own record of a turn, its jirga.Round.Trace: risk
// attitudes, the "prob :" probabilities, the challenges and bargains, and
// the fractional change. In JSON its fields follow the round's common
// ones (rounds[].risk, rounds[].probabilities, rounds[].challenges,
// rounds[].bargains, rounds[].change).
type Trace struct {
	// Risk maps actor ids to the risk attitude R_i of the turn.
	Risk map[string]float64 `json:"risk,omitempty"`
	// Probabilities maps actor ids to the probability that the actor's
	// position is the outcome.
	Probabilities map[string]float64 `json:"probabilities,omitempty"`
	Challenges    []Challenge        `json:"challenges,omitempty"`
	Bargains      []Bargain          `json:"bargains,omitempty"`
	// Change is the turn's fractional change relative to the first turn,
	// which the stopping rule compares with its threshold.
	Change *float64 `json:"change,omitempty"`
}

// Model returns "smp".
func (*Trace) Model() string { return "smp" }

// TraceOf returns the SMP's trace of round rd, decoded when rd was read
// from JSON, or an empty trace when rd holds none (see jirga.TraceOf).
func TraceOf(rd jirga.Round) *Trace {
	t, _ := jirga.TraceOf[Trace](rd)
	return t
}

// Challenge is an SMP actor's best challenge in a turn.
type Challenge struct {
	Initiator string `json:"initiator"`
	Target    string `json:"target"`
	// Gain is the initiator's expected gain from the challenge.
	Gain float64 `json:"gain"`
	// Probability is the initiator's estimate that it would prevail.
	Probability float64 `json:"probability"`
}

// Bargain is a proposed pair of positions in the SMP.
type Bargain struct {
	Initiator string `json:"initiator"`
	Target    string `json:"target"`
	// InitiatorPosition and TargetPosition map issue ids to the proposed positions.
	InitiatorPosition map[string]float64 `json:"initiator_position"`
	TargetPosition    map[string]float64 `json:"target_position"`
	// Queues lists the actors whose queue chose this bargain.
	Queues []string `json:"queues,omitempty"`
	// Probability is the bargain's probability in the queue election that
	// decided it (the highest over its queues).
	Probability float64 `json:"probability,omitempty"`
	// QueueProbabilities are its probabilities in the elections of the
	// queues listed in Queues, in the same order.
	QueueProbabilities []float64 `json:"queue_probabilities,omitempty"`
}
