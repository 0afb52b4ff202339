package jirga

import "context"

// Model forecasts the outcome of every issue of a scenario.
//
// Forecast must not modify s, must be deterministic for a given scenario and
// settings (stochastic models take their seed from their settings), and must
// return a forecast on every issue's scale. A model that cannot forecast an
// issue (no actor holds a position on it) returns an *Error with EINVALID.
type Model interface {
	// Name is the model's registry name, e.g. "mean" or "bdm".
	Name() string
	Forecast(ctx context.Context, s *Scenario) (*Result, error)
}

// Status records how a dynamic model's run ended.
type Status string

// Statuses of a model run.
const (
	StatusStatic     Status = "static"      // a closed-form or one-shot model
	StatusConverged  Status = "converged"   // the stopping rule was met
	StatusRoundLimit Status = "round_limit" // the fixed number of rounds ran out
)

// Result is one model's forecast for a scenario. Its JSON form is part of the
// stable contract of `jirga forecast --format json`: fields may be added,
// never removed or renamed.
type Result struct {
	Model  string          `json:"model"`
	Issues []IssueForecast `json:"issues"`
	Status Status          `json:"status,omitempty"`
	// Rounds are the states of a dynamic model after each update (round 1 is
	// the state after the first update).
	Rounds []Round `json:"rounds,omitempty"`
	// Summaries are other per-issue summaries a model reports beside its
	// forecast, keyed by summary name, then issue id.
	Summaries map[string]map[string]float64 `json:"summaries,omitempty"`
	// Notes explain choices the model made on this input.
	Notes []string `json:"notes,omitempty"`
}

// IssueForecast is the forecast on one issue. The interval fields are set
// only by Monte Carlo sweeps.
type IssueForecast struct {
	Issue    string  `json:"issue"`
	Forecast float64 `json:"forecast"`
	// Anchor is the label of the nearest anchor point, when the issue has any.
	Anchor    string     `json:"anchor,omitempty"`
	Mean      *float64   `json:"mean,omitempty"`
	P10       *float64   `json:"p10,omitempty"`
	P25       *float64   `json:"p25,omitempty"`
	P50       *float64   `json:"p50,omitempty"`
	P75       *float64   `json:"p75,omitempty"`
	P90       *float64   `json:"p90,omitempty"`
	Histogram *Histogram `json:"histogram,omitempty"`
}

// Histogram counts values in equal-width bins over [Min, Max].
type Histogram struct {
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	Counts []int   `json:"counts"`
}

// Forecast returns the forecast for the issue id and whether there is one.
func (r *Result) Forecast(issue string) (float64, bool) {
	for _, f := range r.Issues {
		if f.Issue == issue {
			return f.Forecast, true
		}
	}
	return 0, false
}

// Round is the state of a dynamic model after one update.
type Round struct {
	Round int `json:"round"`
	// Positions maps actor id, then issue id, to the actor's position.
	Positions map[string]map[string]float64 `json:"positions"`
	// Median and Mean map issue ids to the median-voter position and the
	// capability × salience weighted mean of the positions.
	Median map[string]float64 `json:"median,omitempty"`
	Mean   map[string]float64 `json:"mean,omitempty"`
	// Outcome maps issue ids to the model's own outcome for this round where
	// it is neither the median nor the mean (e.g. the exchange model's
	// issue outcome, or the SMP probability-weighted position).
	Outcome map[string]float64 `json:"outcome,omitempty"`
	// Risk maps actor ids to the risk exponent or attitude used this round.
	Risk map[string]float64 `json:"risk,omitempty"`
	// RiskByIssue maps actor ids, then issue ids, to the risk exponent used
	// on each issue, for models that solve issues separately (bdm); Risk
	// then holds each actor's exponent on its first issue.
	RiskByIssue map[string]map[string]float64 `json:"risk_by_issue,omitempty"`
	// Probabilities maps actor ids to the probability that the actor's
	// position is the outcome (SMP).
	Probabilities map[string]float64 `json:"probabilities,omitempty"`
	Offers        []Offer            `json:"offers,omitempty"`
	Challenges    []Challenge        `json:"challenges,omitempty"`
	Bargains      []Bargain          `json:"bargains,omitempty"`
	Exchanges     []Exchange         `json:"exchanges,omitempty"`
	// Change is a model's own measure of movement in this round, where it
	// has one (SMP's fractional change).
	Change *float64 `json:"change,omitempty"`
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
	// (bdm: as the actor whose view judges the offer perceives both; see
	// the bdm estimate option).
	EUFrom float64 `json:"eu_from"`
	EUTo   float64 `json:"eu_to"`
	// Accepted is true when To took this offer this round.
	Accepted bool `json:"accepted"`
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
}

// Exchange is one executed trade in the exchange model: Supplier moves on
// SupplyIssue and Demander moves on DemandIssue.
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
}
