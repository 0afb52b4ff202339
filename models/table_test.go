package models_test

import (
	"context"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/sweep"
)

// TestForecastTable: a model that reads tables gives from a table exactly
// what Forecast gives from the scenario, with rounds false the same without
// (or with) its rounds, and the same again from a table that was built for
// other numbers and refreshed, as a sweep's sampler does.
func TestForecastTable(t *testing.T) {
	n := 6
	if testing.Short() {
		n = 2
	}
	for _, name := range models.Names() {
		m, err := models.New(name, models.Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		tm, ok := m.(jirga.Tabular)
		if !ok {
			continue
		}
		for _, s := range scenarios(t, n) {
			want, err := m.Forecast(context.Background(), s)
			if err != nil {
				t.Fatalf("%s on %s: %v", name, s.ID, err)
			}
			got, err := tm.ForecastTable(context.Background(), s.Table(), jirga.DetailAll)
			if err != nil || !deepEqual(got, want) {
				t.Fatalf("%s on %s: ForecastTable differs from Forecast (%v)", name, s.ID, err)
			}
			only, err := tm.ForecastTable(context.Background(), s.Table(), jirga.DetailNone)
			if err != nil {
				t.Fatal(err)
			}
			w := *want
			if only.Rounds == nil {
				w.Rounds = nil
			}
			if !deepEqual(only, &w) {
				t.Fatalf("%s on %s: ForecastTable without rounds changed the forecast", name, s.ID)
			}
			// A table built on another draw of the same structure and
			// refreshed reads the current numbers.
			sm := sweep.NewSampler(s, sweep.DefaultUncertainty())
			d := sm.Draw(sweep.DrawRand(1, 1))
			fresh, err := m.Forecast(context.Background(), d)
			if err != nil {
				continue // a model may fail on a draw; the sweep counts it
			}
			sm.Draw(sweep.DrawRand(1, 2))
			sm.Draw(sweep.DrawRand(1, 1))
			again, err := tm.ForecastTable(context.Background(), sm.Table(), jirga.DetailAll)
			if err != nil || !deepEqual(again, fresh) {
				t.Fatalf("%s on %s: ForecastTable on a refreshed table differs from Forecast on the draw (%v)", name, s.ID, err)
			}
		}
	}
}

// BenchmarkFlagshipDraw is one forecast of each registered model on the
// flagship, as a sweep runs a draw (from a table, no round recorded):
// the shares of issue 18's sweep row.
func BenchmarkFlagshipDraw(b *testing.B) {
	for _, name := range models.Names() {
		m, err := models.New(name, models.Options{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		s := scenarios(b, 0)[0]
		t := s.Table()
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := jirga.ForecastTable(context.Background(), m, t, jirga.DetailNone); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
