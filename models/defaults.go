package models

// The default model lists: what a command of the CLI (--model) and a run of
// the HTTP API (no "models") use when they name no model. Both take them
// from here, so that a forecast run of the API runs what jirga forecast
// runs, a sweep run what jirga sweep runs, and so on. Parse reads them.
const (
	// DefaultForecast is every published model, leaving out stacked,
	// which was fitted on EU legislation: jirga forecast and compare, and
	// forecast runs.
	DefaultForecast = "mean,median,condorcet,nbs,bdm,smp,exchange"
	// DefaultSweep is the fast static models, for analyses that run the
	// models on many draws: jirga sweep and deal, and sweep and deal
	// runs.
	DefaultSweep = "mean,median,condorcet,nbs"
	// DefaultReport is every published model, as DefaultForecast: the
	// report's first page compares them all, and its rounds section shows
	// how the dynamic ones (bdm, smp, exchange) move round by round. jirga
	// report and report runs.
	DefaultReport = DefaultForecast
	// DefaultLevers is the one model whose forecasts the levers move:
	// jirga levers, and levers runs.
	DefaultLevers = "mean"
	// DefaultBacktest is every model: jirga backtest scores them all.
	DefaultBacktest = "all"
)
