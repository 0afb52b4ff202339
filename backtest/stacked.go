package backtest

import (
	"github.com/jirga/jirga"
	"github.com/jirga/jirga/stack"
)

// FitStacked fits the stacked model on the scorable issues of ss, the
// backtest's own cases (see [Cases], with minActors), each a training
// sample grouped by its proposal ([Case.Group]), so that the model is
// fitted on exactly the issues a backtest scores and its inner
// cross-validation keeps a proposal's issues together as the backtest's
// does (stack.Fit with opt).
func FitStacked(ss []*jirga.Scenario, minActors int, opt stack.FitOptions) (*stack.Params, error) {
	cases, _ := Cases(ss, minActors)
	xs := make([]stack.Sample, 0, len(cases))
	for _, c := range cases {
		if x, ok := stack.NewSample(c.Scenario, c.Index, c.Group(), opt.Features); ok {
			xs = append(xs, x)
		}
	}
	return stack.Fit(xs, opt)
}
