// Package report writes a scenario's analysis as one self-contained HTML
// page: positions and saliences per issue, forecasts by model with their
// Monte Carlo intervals, the rounds of dynamic models, the levers as
// tornado diagrams, the interventions compared, the deal probability and
// zones of agreement, and the sources behind every input with judgements
// flagged. Charts are inline SVG drawn in Go; the CSS is inline; the page
// has no script and fetches nothing, so it opens offline.
package report
