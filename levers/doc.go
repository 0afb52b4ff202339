// Package levers ranks the levers of a negotiation: which actor's clout,
// salience or position, nudged up or down, moves a forecast most (a tornado
// diagram, the one-at-a-time sensitivity analysis of Saltelli et al.,
// Global Sensitivity Analysis: The Primer, Wiley 2008, §1.2).
//
// Each perturbation changes one number by a step, up and down, with every
// other input held at its point value:
//
//	capability  c_i → c_i (1 ± step)
//	salience    s_ik → s_ik ± step·100   (clamped to [0, 100])
//	position    x_ik → x_ik ± step·R_k   (clamped to the scale)
//
// and its effect on issue k is the forecast after the change minus the
// baseline forecast. Under the weighted mean x̂ = Σ c_i s_i x_i / Σ c_i s_i
// a capability change c_i → c_i + δ moves the forecast by
//
//	Δx̂ = δ s_i (x_i − x̂) / (Σ_j c_j s_j + δ s_i)
//
// towards the actor's position: a lever's effect grows with the actor's
// salience and its distance from the forecast.
package levers
