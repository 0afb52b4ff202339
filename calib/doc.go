// Package calib makes predictive intervals: where the outcome of an issue
// is expected to fall, given a model's forecast, the model's own error
// and the uncertainty of the inputs.
//
// A [Calibration] holds, for each model, the residuals (outcome minus
// forecast, divided by the scale width) of its forecasts on
// decisions whose outcome is known, measured out of fold, with the
// provenance of the data and the method. The calibration that ships in the
// binary ([Shipped], calibration.json) is measured on the DEU development
// data (EU legislation, 1995–2018) by
//
//	jirga backtest calibrate backtest/testdata/deu_dev.tsv -o calib/calibration.json
//
// (go generate ./calib); a test in package backtest fails when the shipped
// file is not what that command gives with the current models.
//
// [Errors.Predict] combines a model's residuals with a forecast, or with
// the forecasts over a sweep's draws of the inputs, into the quantiles of
// [jirga.Predictive], a split-conformal interval (Vovk, Gammerman & Shafer
// 2005) widened by the input draws. A [Plan] says which models of a run
// have a calibration, applies an analyst's error scale (the scenario's
// error_scale, or --error-scale), and writes the notes that go with the
// intervals: a model run with other settings than it was calibrated with
// gets none, and a scenario outside the calibration's domain is told that
// its intervals borrow another domain's errors.
//
// References: Vovk, V., Gammerman, A. & Shafer, G. (2005), Algorithmic
// Learning in a Random World, Springer; Lei, J., G'Sell, M., Rinaldo, A.,
// Tibshirani, R. J. & Wasserman, L. (2018), Distribution-free predictive
// inference for regression, JASA 113(523); Barber, R. F., Candès, E. J.,
// Ramdas, A. & Tibshirani, R. J. (2021), Predictive inference with the
// jackknife+, Annals of Statistics 49(1) (the CV+ interval, whose
// out-of-fold residuals these are).
package calib
