package models_test

import (
	"context"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/format"
	"github.com/jirga/jirga/models"
)

func TestExchangeRegistered(t *testing.T) {
	info, ok := models.Lookup("exchange")
	if !ok || !info.Dynamic || info.Explain == nil || len(info.Options) != 6 {
		t.Fatalf("exchange registry entry: %+v", info)
	}
	// From {"update": "drop"} on, each value is valid alone but not with the
	// others or the defaults: the model rejects them before any run.
	for _, bad := range []map[string]string{{"bogus": "1"}, {"fixed_weight": "2"}, {"salience_weight": "x"}, {"update": "keep"},
		{"within_round": "later"}, {"scale": "log"}, {"update": "drop"}, {"update": "recalculate", "within_round": "decide"},
		{"fixed_weight": "0.7", "salience_weight": "0.7"}} {
		if _, err := models.New("exchange", models.Options{Params: bad}); jirga.ErrorCode(err) != jirga.EINVALID {
			t.Errorf("%v: err %v, want EINVALID", bad, err)
		}
	}
	m, err := models.New("exchange", models.Options{Rounds: 3, Seed: 4, Params: map[string]string{"within_round": "start", "update": "drop", "rate": "random", "fixed_weight": "0.2", "salience_weight": "0.3"}})
	if err != nil {
		t.Fatal(err)
	}
	ss, err := examples.Load("cop21", format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Forecast(context.Background(), ss[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rounds) != 3 || len(r.Issues) != 13 {
		t.Errorf("%d rounds, %d issues; want 3, 13", len(r.Rounds), len(r.Issues))
	}
}
