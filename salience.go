package jirga

import "fmt"

// RescaleSaliences moves the saliences of s onto 0–SalienceMax when the
// file wrote them on another scale: scale is the top of that scale, the
// --salience-scale flag's value (0: the scenario's own SalienceScale,
// and 0–100 when that is unset too). Every salience estimate (value, range
// and sd), every snapshot revision of a salience and every intervention
// change to one is multiplied by SalienceMax/scale, and SalienceScale
// becomes SalienceMax. A scale that is not a finite number > 0 is a
// *ValidationError on the field salience_scale.
func (s *Scenario) RescaleSaliences(scale float64) error {
	if scale == 0 {
		scale = s.SalienceScale
	}
	if scale == 0 {
		return nil
	}
	if !finite(scale) || scale <= 0 || scale > MaxMagnitude {
		return &ValidationError{Path: "salience_scale", Field: "salience_scale",
			Msg: fmt.Sprintf("salience_scale must be a number > 0 (the top of the scale the file writes saliences on: 1 for 0–1, 100 for 0–100), got %s", num(scale))}
	}
	s.SalienceScale = SalienceMax
	k := SalienceMax / scale
	if k == 1 {
		return nil
	}
	mul := func(e *Estimate) {
		if e == nil {
			return
		}
		e.Value *= k
		for _, p := range []*float64{e.Low, e.High, e.SD} {
			if p != nil {
				*p *= k
			}
		}
	}
	for in := range s.Estimates() {
		if in.Field == FieldSalience {
			mul(in.Estimate)
		}
	}
	for _, sn := range s.Snapshots {
		if sn == nil {
			continue
		}
		for _, rv := range sn.Revisions {
			if rv.Field == FieldSalience {
				mul(rv.Estimate)
			}
		}
	}
	for _, iv := range s.Interventions {
		if iv == nil {
			continue
		}
		for _, ch := range iv.Changes {
			if ch.Field != FieldSalience {
				continue
			}
			for _, p := range []*float64{ch.Set, ch.Delta} {
				if p != nil {
					*p *= k
				}
			}
		}
	}
	return nil
}

// salienceScale checks that saliences look like 0–100 ones: when the file
// confirms no scale and every salience is at most 1 while some is above 0,
// they were almost surely written on 0–1 (the habit of the expected-utility
// literature's example files) and would count as almost nothing.
func (v *validator) salienceScale(s *Scenario) {
	switch s.SalienceScale {
	case 0:
	case SalienceMax:
		return
	default:
		v.addf("salience_scale", "", "", "salience_scale", "salience_scale %s has not been applied: read the file with jirga (format.Read), which rescales its saliences to 0–100", num(s.SalienceScale))
		return
	}
	n, top := 0, 0.0
	for in := range s.Estimates() {
		if in.Field != FieldSalience {
			continue
		}
		x := in.Estimate.Value
		if x > 1 {
			return
		}
		n++
		top = max(top, x)
	}
	if n == 0 || top <= 0 {
		return
	}
	v.addf("salience_scale", "", "", "salience_scale",
		"every salience is at most 1 (the largest is %s), but saliences are read on 0–100, where these count as almost nothing: they look written on 0–1. If they are, give salience_scale: 1 in the file or --salience-scale 1 on the command line; if they really are that small on 0–100, give salience_scale: 100", num(top))
}
