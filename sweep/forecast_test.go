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

// roundsOptional records which of its methods ran.
type roundsOptional struct {
	baseline.Mean
	full, only *int
}

func (m roundsOptional) Forecast(ctx context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	*m.full++
	return m.Mean.Forecast(ctx, s)
}

func (m roundsOptional) ForecastOnly(ctx context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	*m.only++
	return m.Mean.Forecast(ctx, s)
}

type failingModel struct{ baseline.Mean }

func (failingModel) Forecast(context.Context, *jirga.Scenario) (*jirga.Result, error) {
	return nil, errors.New("no")
}

// TestForecast: Forecast skips the rounds of a model that can, returns the
// forecasts in the scenario's issue order, and NaN on every issue with the
// model's error.
func TestForecast(t *testing.T) {
	s := small()
	var full, only int
	got, err := sweep.Forecast(context.Background(), roundsOptional{full: &full, only: &only}, s, nil)
	if err != nil || full != 0 || only != 1 {
		t.Fatalf("err %v, Forecast called %d times, ForecastOnly %d; want ForecastOnly once", err, full, only)
	}
	want, _ := baseline.Mean{}.Forecast(context.Background(), s)
	for k, is := range s.Issues {
		if x, _ := want.Forecast(is.ID); got[k] != x {
			t.Errorf("issue %s: %v, want %v", is.ID, got[k], x)
		}
	}
	got, err = sweep.Forecast(context.Background(), failingModel{}, s, got)
	if err == nil || err.Error() != "no" || len(got) != len(s.Issues) || !math.IsNaN(got[0]) || !math.IsNaN(got[1]) {
		t.Errorf("failing model: %v, %v", got, err)
	}
}
