package jirga

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
)

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

// RoundsOptional is implemented by dynamic models that can forecast without
// recording Result.Rounds, for callers that would discard them (a sweep
// runs thousands of draws and keeps only the forecasts). ForecastOnly must
// return what Forecast returns with Rounds set to nil: the same forecasts,
// status and notes, bit for bit. Use [ForecastOnly] to call it.
type RoundsOptional interface {
	ForecastOnly(ctx context.Context, s *Scenario) (*Result, error)
}

// ForecastOnly runs m on s without recording rounds when m implements
// [RoundsOptional], and calls m.Forecast otherwise (so Rounds may be set).
func ForecastOnly(ctx context.Context, m Model, s *Scenario) (*Result, error) {
	if ro, ok := m.(RoundsOptional); ok {
		return ro.ForecastOnly(ctx, s)
	}
	return m.Forecast(ctx, s)
}

// Detail is how much of its run a dynamic model records in a [Result]: as
// much as the caller will show, since recording costs time and memory (bdm
// makes up to n² offers a round). Loops that keep only the forecasts ask
// for none, outputs that draw the rounds for the rounds, and outputs that
// tell them in full (jirga explain, the JSON of a forecast) for all.
type Detail int

const (
	// DetailNone records no rounds: the forecasts, status and notes.
	DetailNone Detail = iota
	// DetailRounds records the rounds, each with what every round has and
	// the model's trace, but not the per-pair detail that only an account
	// of the rounds shows (bdm's offers).
	DetailRounds
	// DetailAll records everything: what Forecast records.
	DetailAll
)

// Tabular is implemented by models that forecast from a scenario's
// [Table]. A caller that runs several models on one scenario, or models on
// many draws of one scenario, builds the table once (refreshing its numbers
// after each draw, see [Table.Refresh]) and runs each model with
// [ForecastTable], so that no model builds its own.
//
// ForecastTable(ctx, s.Table(), DetailAll) must return what Forecast(ctx,
// s) returns, bit for bit. With less detail the model may record less of
// Result.Rounds (see [Detail]); its forecasts, status and notes must not
// change.
type Tabular interface {
	ForecastTable(ctx context.Context, t *Table, d Detail) (*Result, error)
}

// ForecastTable runs m on the scenario of t with detail d: from t when m is
// [Tabular], and otherwise with m.Forecast, or [ForecastOnly] for
// DetailNone.
func ForecastTable(ctx context.Context, m Model, t *Table, d Detail) (*Result, error) {
	if tm, ok := m.(Tabular); ok {
		return tm.ForecastTable(ctx, t, d)
	}
	if d == DetailNone {
		return ForecastOnly(ctx, m, t.Scenario())
	}
	return m.Forecast(ctx, t.Scenario())
}

// Status records how a dynamic model's run ended.
type Status string

// Statuses of a model run.
const (
	StatusStatic     Status = "static"      // a closed-form or one-shot model
	StatusConverged  Status = "converged"   // the outcome settled, or the stopping rule was met
	StatusRoundLimit Status = "round_limit" // the rounds ran out too soon to judge whether it settled
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

// IssueForecast is the forecast on one issue. Mean, P10 … P90 and
// Histogram describe the forecasts over a Monte Carlo sweep's draws (input
// uncertainty only) and are set only by sweeps; Predictive is the
// predictive interval, which adds the model's own error.
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
	// SettleRange is, for an issue on which a dynamic model's outcome had
	// not settled when the run ended (the result's status is unsettled),
	// the least and greatest outcome over its last rounds (see
	// [JudgeSettle]); Forecast is then the middle of that range, and
	// LastRound the last round's outcome. SettleCycle is the period of the
	// cycle those rounds repeat, 0 when they do not.
	SettleRange *[2]float64 `json:"settle_range,omitempty"`
	SettleCycle int         `json:"settle_cycle,omitempty"`
	LastRound   *float64    `json:"last_round,omitempty"`
	// Predictive is where the outcome is expected to fall: the model's
	// error, measured on decisions with known outcomes, combined with the
	// input uncertainty of a sweep's draws (package calib). Nil when the
	// model has no calibration; the result's notes then say why.
	Predictive *Predictive `json:"predictive,omitempty"`
}

// Predictive is a predictive interval: quantiles of the outcome's
// distribution when a forecast's error is that of the model on decisions
// with known outcomes (relative to the issue's scale) and, when Draws > 0,
// the forecast itself varies over a sweep's draws of the inputs. The
// central 50%, 80% and 90% intervals are P25–P75, P10–P90 and P05–P95.
type Predictive struct {
	P05 float64 `json:"p05"`
	P10 float64 `json:"p10"`
	P25 float64 `json:"p25"`
	P75 float64 `json:"p75"`
	P90 float64 `json:"p90"`
	P95 float64 `json:"p95"`
	// Basis is the name of the calibration the model error comes from.
	Basis string `json:"basis"`
	// ErrorScale is the factor the analyst applied to the calibrated
	// errors (scenario field error_scale or --error-scale); omitted when 1.
	ErrorScale float64 `json:"error_scale,omitempty"`
	// Draws is the number of input draws combined with the model error;
	// 0 (omitted) when the interval is the point forecast's alone.
	Draws int `json:"draws,omitempty"`
}

// Histogram counts values in equal-width bins over [Min, Max].
type Histogram struct {
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	Counts []int   `json:"counts"`
}

// IssueForecast returns the forecast on the issue id, or nil.
func (r *Result) IssueForecast(issue string) *IssueForecast {
	for i := range r.Issues {
		if r.Issues[i].Issue == issue {
			return &r.Issues[i]
		}
	}
	return nil
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

// Round is the state of a dynamic model after one update: what every
// dynamic model has. A model's own record of the round (bdm's offers and
// risk exponents, smp's challenges and bargains, the exchange model's
// trades) is its [Trace].
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
	// Trace is the model's own record of the round, nil when it keeps none.
	// In JSON its fields follow the fields above in the round's object.
	Trace Trace `json:"-"`
}

// Trace is a dynamic model's own record of one round beyond the fields of
// [Round]: each model defines its trace type in its own package, so that a
// new model adds fields to the JSON contract without editing Round.
//
// A trace marshals to a JSON object whose fields [Round.MarshalJSON]
// writes into the round's object after the common ones; they must not
// reuse the common fields' names. A round read from JSON holds its extra
// fields as a [RawTrace], which [TraceOf] decodes into the model's type
// (bdm.TraceOf, smp.TraceOf, exchange.TraceOf wrap it), so that `explain`
// and the report read a stored result as they read a fresh one.
type Trace interface {
	// Model is the name of the model whose trace it is ("" for a RawTrace).
	Model() string
}

// RawTrace is the JSON object of a trace read without knowing its model:
// the fields of a round's object other than the common ones, in order.
type RawTrace json.RawMessage

// Model returns "": a raw trace does not know its model.
func (RawTrace) Model() string { return "" }

// MarshalJSON returns t itself.
func (t RawTrace) MarshalJSON() ([]byte, error) {
	if len(t) == 0 {
		return []byte("{}"), nil
	}
	return t, nil
}

// TraceOf returns the trace of rd as the trace type *T of the model that
// recorded it: the round's own trace when it is one, the decoded RawTrace of
// a round read from JSON, and a new empty *T when rd holds no trace, one of
// another model, or a RawTrace that does not decode (ok is then false).
// Each model's package wraps it, e.g. bdm.TraceOf.
func TraceOf[T any, P interface {
	*T
	Trace
}](rd Round) (t P, ok bool) {
	switch x := rd.Trace.(type) {
	case P:
		if x != nil {
			return x, true
		}
	case RawTrace:
		t = new(T)
		if json.Unmarshal(x, t) == nil {
			return t, true
		}
	}
	return new(T), false
}

// roundFields are the JSON names of Round's own fields.
var roundFields = map[string]bool{"round": true, "positions": true, "median": true, "mean": true, "outcome": true}

// MarshalJSON writes the round's fields and then its trace's, in one
// object.
func (rd Round) MarshalJSON() ([]byte, error) {
	type common Round // Round's fields without this method
	b, err := marshalRaw(common(rd))
	if err != nil || rd.Trace == nil {
		return b, err
	}
	t, err := marshalRaw(rd.Trace)
	if err != nil {
		return nil, err
	}
	t = bytes.TrimSpace(t)
	if len(t) < 2 || t[0] != '{' {
		return nil, fmt.Errorf("jirga: the %s trace of round %d is not a JSON object", rd.Trace.Model(), rd.Round)
	}
	if len(bytes.TrimSpace(t[1:len(t)-1])) == 0 {
		return b, nil // no field
	}
	out := append(b[:len(b)-1:len(b)-1], ',')
	return append(out, t[1:]...), nil
}

// UnmarshalJSON reads the round's fields and keeps any other field, in
// order, as its RawTrace.
func (rd *Round) UnmarshalJSON(b []byte) error {
	type common Round
	var c common
	if err := json.Unmarshal(b, &c); err != nil {
		return err
	}
	*rd = Round(c)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.Token() // '{': b is an object, or Unmarshal above failed
	var extra bytes.Buffer
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return err
		}
		key, _ := tok.(string)
		if roundFields[key] {
			continue
		}
		if extra.Len() == 0 {
			extra.WriteByte('{')
		} else {
			extra.WriteByte(',')
		}
		k, _ := json.Marshal(key)
		extra.Write(k)
		extra.WriteByte(':')
		extra.Write(v)
	}
	if extra.Len() > 0 {
		extra.WriteByte('}')
		rd.Trace = RawTrace(extra.Bytes())
	}
	return nil
}

// marshalRaw marshals v without escaping HTML characters: the encoder that
// calls a MarshalJSON method applies its own escaping to the result.
func marshalRaw(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
