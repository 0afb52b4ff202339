// Package jirga is the vocabulary of the jirga negotiation-forecasting engine.
//
// A negotiation is described as a [Scenario]: a set of [Issue] scales (each
// usually 0–100, with labelled anchor points and, where known, a status quo)
// and a set of [Actor] values with a capability (clout), a role, and per issue
// a [Stance]: a position on the scale and a salience in [0, 100].
// Every number is an [Estimate]: a point value that may carry a range or a
// distribution, the ids of the [Source] values behind it, and a note that
// marks a judgement as a judgement. [Scenario.Estimates] walks every
// estimate of a scenario with its field and allowed range ([FieldRange]):
// validation, sweeps, interventions, levers and the report all use that
// one walk.
//
// Forecasting models implement [Model] and return a [Result]: a forecast per
// issue and, for the dynamic models, the rounds that led to it. The models
// themselves live in their own packages (baseline, bdm, smp, exchange), file
// formats in package format, and the command-line program in cmd/jirga.
package jirga

// Version is the engine version recorded with every stored run.
const Version = "0.1.0"
