package backtest

import (
	"context"
	"fmt"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/stat"
)

// Reference forecasts of validation.md §2.3 and two more, so that a model's
// losses against trivial rules are visible. Each works issue by issue over
// the actors holding a position and ignores capability and salience unless
// said otherwise.

// PlainMean forecasts the unweighted mean of the positions.
type PlainMean struct{}

// PlainMedian forecasts the median of the positions, the mean of the two
// middle ones when their number is even.
type PlainMedian struct{}

// Constant forecasts the same point of every issue's scale: the point at
// fraction At of the way from the scale's minimum to its maximum (0.5 is 50
// on 0–100).
type Constant struct{ At float64 }

// StatusQuo forecasts the issue's status quo (DEU's reference point); it
// fails on issues without one.
type StatusQuo struct{}

// ActorPosition forecasts the position of one actor (e.g. "com", the
// Commission); it fails on issues where the actor holds none.
type ActorPosition struct{ Actor string }

// Name returns "plain-mean".
func (PlainMean) Name() string { return "plain-mean" }

// Name returns "plain-median".
func (PlainMedian) Name() string { return "plain-median" }

// Name returns "constant-" and the point on a 0–100 scale, e.g. "constant-50".
func (c Constant) Name() string { return fmt.Sprintf("constant-%g", 100*c.At) }

// Name returns "status-quo".
func (StatusQuo) Name() string { return "status-quo" }

// Name returns "actor-" and the actor id, e.g. "actor-com".
func (a ActorPosition) Name() string { return "actor-" + a.Actor }

// References returns the reference forecasters of validation.md §2.3 (plain
// mean, plain median, constant 50) followed by the status quo and the
// Commission's position.
func References() []jirga.Model {
	return []jirga.Model{PlainMean{}, PlainMedian{}, Constant{At: 0.5}, StatusQuo{}, ActorPosition{Actor: "com"}}
}

// Forecast implements jirga.Model.
func (m PlainMean) Forecast(ctx context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	return perIssue(m.Name(), s, func(is *jirga.Issue, x []float64) (float64, error) {
		if len(x) == 0 {
			return 0, noPositions(m.Name(), is)
		}
		return stat.Mean(x), nil
	})
}

// Forecast implements jirga.Model.
func (m PlainMedian) Forecast(ctx context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	return perIssue(m.Name(), s, func(is *jirga.Issue, x []float64) (float64, error) {
		if len(x) == 0 {
			return 0, noPositions(m.Name(), is)
		}
		return stat.Median(x), nil
	})
}

// Forecast implements jirga.Model.
func (m Constant) Forecast(ctx context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	return perIssue(m.Name(), s, func(is *jirga.Issue, _ []float64) (float64, error) {
		lo, hi := is.Bounds()
		return lo + m.At*(hi-lo), nil
	})
}

// Forecast implements jirga.Model.
func (m StatusQuo) Forecast(ctx context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	return perIssue(m.Name(), s, func(is *jirga.Issue, _ []float64) (float64, error) {
		if is.StatusQuo == nil {
			return 0, jirga.Errorf(jirga.EINVALID, "%s: issue %q has no status quo", m.Name(), is.ID)
		}
		return is.StatusQuo.Value, nil
	})
}

// Forecast implements jirga.Model.
func (m ActorPosition) Forecast(ctx context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	a := s.Actor(m.Actor)
	return perIssue(m.Name(), s, func(is *jirga.Issue, _ []float64) (float64, error) {
		if a == nil || a.Stances[is.ID] == nil || a.Stances[is.ID].Position == nil {
			return 0, jirga.Errorf(jirga.EINVALID, "%s: actor %q holds no position on issue %q", m.Name(), m.Actor, is.ID)
		}
		return a.Stances[is.ID].Position.Value, nil
	})
}

func noPositions(name string, is *jirga.Issue) error {
	return jirga.Errorf(jirga.EINVALID, "%s: issue %q: no actor holds a position on it", name, is.ID)
}

// perIssue applies f to each issue and the positions held on it.
func perIssue(name string, s *jirga.Scenario, f func(*jirga.Issue, []float64) (float64, error)) (*jirga.Result, error) {
	r := &jirga.Result{Model: name, Status: jirga.StatusStatic}
	for _, is := range s.Issues {
		var x []float64
		for _, a := range s.Actors {
			if st := a.Stances[is.ID]; st != nil && st.Position != nil {
				x = append(x, st.Position.Value)
			}
		}
		v, err := f(is, x)
		if err != nil {
			return nil, err
		}
		f := jirga.IssueForecast{Issue: is.ID, Forecast: v}
		f.SetAnchor(is)
		r.Issues = append(r.Issues, f)
	}
	return r, nil
}
