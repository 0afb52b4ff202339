package report

import (
	"cmp"

	"github.com/jirga/jirga"
)

// footer is what the page says about how it was made: enough to make it
// again and to check that a copy is the same.
type footer struct {
	Engine, InputHash, Date string
	// DateFrom says where the date comes from: "" when it was given, or
	// the scenario's as_of.
	DateFrom string
	Seed     uint64
	Draws    int
	Models   []string
}

// makeFooter fills the footer of the page about state, a state of s.
// Without a given hash it is jirga.InputHash of a report run of s (the
// whole scenario, snapshots included) with the models, the options that
// change the page and the seed; without a given date it is the as_of of
// the state, so that the page does not depend on the clock.
func makeFooter(s, state *jirga.Scenario, models []jirga.Model, opt Options, draws int) (footer, error) {
	f := footer{Engine: cmp.Or(opt.Engine, jirga.Version), InputHash: opt.InputHash, Date: opt.Date, Seed: opt.Seed, Draws: draws}
	for _, m := range models {
		f.Models = append(f.Models, m.Name())
	}
	if f.InputHash == "" {
		ro := jirga.RunOptions{Draws: draws, Step: opt.Step, AsOf: opt.AsOf}
		if opt.Uncertainty != nil {
			ro.Uncertainty = opt.Uncertainty.Map()
		}
		if opt.Predict != nil && opt.Predict.ErrorScale() != 1 {
			ro.ErrorScale = opt.Predict.ErrorScale()
		}
		var err error
		if f.InputHash, err = jirga.InputHash(s, jirga.KindReport, f.Models, ro, opt.Seed); err != nil {
			return f, err
		}
	}
	switch {
	case f.Date != "":
	case state.AsOf != "":
		f.Date, f.DateFrom = state.AsOf, "the scenario's as_of"
	default:
		f.DateFrom = "the scenario has no as_of"
	}
	return f, nil
}
