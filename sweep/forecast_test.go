package sweep_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/baseline"
	"github.com/jirga/jirga/sweep"
)

// roundsOptional records which of its methods ran. (It does not embed
// baseline.Mean, whose ForecastTable would be called instead.)
type roundsOptional struct {
	full, only *int
}

func (roundsOptional) Name() string { return "mean" }

func (m roundsOptional) Forecast(ctx context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	*m.full++
	return baseline.Mean{}.Forecast(ctx, s)
}

func (m roundsOptional) ForecastOnly(ctx context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	*m.only++
	return baseline.Mean{}.Forecast(ctx, s)
}

// tabular records the tables and the rounds flag it was called with.
type tabular struct {
	roundsOptional
	tables  *[]*jirga.Table
	details *[]jirga.Detail
}

func (m tabular) ForecastTable(ctx context.Context, t *jirga.Table, d jirga.Detail) (*jirga.Result, error) {
	*m.tables = append(*m.tables, t)
	*m.details = append(*m.details, d)
	return baseline.Mean{}.ForecastTable(ctx, t, d)
}

type failingModel struct{}

func (failingModel) Name() string { return "failing" }

func (failingModel) Forecast(context.Context, *jirga.Scenario) (*jirga.Result, error) {
	return nil, errors.New("no")
}

// TestForecast: Forecast skips the rounds of a model that can, hands a
// model that reads tables the table it is given, returns the forecasts in
// the scenario's issue order, and NaN on every issue with the model's
// error.
func TestForecast(t *testing.T) {
	s := small()
	tb := s.Table()
	var full, only int
	got, err := sweep.Forecast(context.Background(), roundsOptional{full: &full, only: &only}, tb, nil)
	if err != nil || full != 0 || only != 1 {
		t.Fatalf("err %v, Forecast called %d times, ForecastOnly %d; want ForecastOnly once", err, full, only)
	}
	var tables []*jirga.Table
	var details []jirga.Detail
	if _, err := sweep.Forecast(context.Background(), tabular{roundsOptional{&full, &only}, &tables, &details}, tb, nil); err != nil || len(tables) != 1 || tables[0] != tb || details[0] != jirga.DetailNone || full+only != 1 {
		t.Fatalf("err %v, ForecastTable got tables %v (want [%p]) and details %v (want [DetailNone]), Forecast or ForecastOnly %d more times", err, tables, tb, details, full+only-1)
	}
	want, _ := baseline.Mean{}.Forecast(context.Background(), s)
	for k, is := range s.Issues {
		if x, _ := want.Forecast(is.ID); got[k] != x {
			t.Errorf("issue %s: %v, want %v", is.ID, got[k], x)
		}
	}
	got, err = sweep.Forecast(context.Background(), failingModel{}, tb, got)
	if err == nil || err.Error() != "no" || len(got) != len(s.Issues) || !math.IsNaN(got[0]) || !math.IsNaN(got[1]) {
		t.Errorf("failing model: %v, %v", got, err)
	}
}
