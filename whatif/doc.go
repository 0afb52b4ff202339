// Package whatif compares a scenario's forecasts with and without its named
// interventions: the baseline, each intervention alone, and all of them
// together, per model and issue, with the shift from the baseline.
//
// An intervention is a named set of changes to actors' capabilities,
// positions, saliences or reservation values (see [jirga.Intervention] and
// [jirga.Scenario.Apply]), e.g. "Afghan Taliban pressure on the TTP" lowering
// the TTP's capability. The shift of a forecast is its value under the
// intervention minus its value in the baseline, for the same model and issue.
package whatif
