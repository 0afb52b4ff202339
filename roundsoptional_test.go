package jirga_test

import (
	"context"
	"testing"

	"github.com/jirga/jirga"
)

// roundsModel records rounds in Forecast and none in ForecastOnly.
type roundsModel struct{}

func (roundsModel) Name() string { return "rounds" }
func (roundsModel) Forecast(context.Context, *jirga.Scenario) (*jirga.Result, error) {
	return &jirga.Result{Model: "rounds", Rounds: []jirga.Round{{Round: 1}}}, nil
}
func (roundsModel) ForecastOnly(context.Context, *jirga.Scenario) (*jirga.Result, error) {
	return &jirga.Result{Model: "rounds"}, nil
}

// plainModel has no ForecastOnly.
type plainModel struct{}

func (plainModel) Name() string { return "plain" }
func (plainModel) Forecast(context.Context, *jirga.Scenario) (*jirga.Result, error) {
	return &jirga.Result{Model: "plain", Rounds: []jirga.Round{{Round: 1}}}, nil
}

// TestForecastOnly: jirga.ForecastOnly uses RoundsOptional when the model
// has it and falls back to Forecast otherwise.
func TestForecastOnly(t *testing.T) {
	var _ jirga.RoundsOptional = roundsModel{}
	r, err := jirga.ForecastOnly(context.Background(), roundsModel{}, valid())
	if err != nil || r.Rounds != nil {
		t.Errorf("RoundsOptional model: rounds %v, err %v; want ForecastOnly called", r.Rounds, err)
	}
	r, err = jirga.ForecastOnly(context.Background(), plainModel{}, valid())
	if err != nil || len(r.Rounds) != 1 {
		t.Errorf("plain model: rounds %v, err %v; want Forecast called", r, err)
	}
}
