package jirga

import "math"

// Table is a dense, read-only view of a scenario's point values for models:
// actors and issues in file order, capability, and per actor and issue the
// position (on the issue's own scale) and the salience divided by
// SalienceMax, so in [0, 1]. An actor without a stance on an issue has Has
// false, position NaN and salience 0.
//
// Building a table finds each actor's stance on each issue once (a map
// look-up per actor and issue) and keeps where it found it; [Table.Refresh]
// then reads the numbers again without looking anything up. A loop over the
// draws of one scenario ([sweep.Sampler]) builds one table and refreshes
// it for each draw, since a draw changes numbers, never structure, and every
// model that implements [Tabular] reads it rather than build its own.
type Table struct {
	Actors     []*Actor
	Issues     []*Issue
	Capability []float64
	Position   [][]float64 // [actor][issue]
	Salience   [][]float64 // [actor][issue], in [0, 1]
	Has        [][]bool    // [actor][issue]
	Min, Max   []float64   // per issue scale

	// Power is the issue-specific capability [actor][issue]: the stance's
	// Power where set, else the actor's Capability (also where the actor has
	// no stance on the issue).
	Power [][]float64

	s      *Scenario
	stance []*Stance // [i*m+k]: actor i's stance on issue k, nil where none
}

// Table builds the dense view of s. It assumes s is valid.
func (s *Scenario) Table() *Table {
	n, m := len(s.Actors), len(s.Issues)
	t := &Table{
		Actors:     s.Actors,
		Issues:     s.Issues,
		Capability: make([]float64, n),
		Min:        make([]float64, m),
		Max:        make([]float64, m),
		s:          s,
		stance:     make([]*Stance, n*m),
	}
	// One block for the three number tables and one for their rows.
	vals := make([]float64, 3*n*m)
	rows := make([][]float64, 3*n)
	has := make([]bool, n*m)
	t.Position, t.Salience, t.Power = rows[:n:n], rows[n:2*n:2*n], rows[2*n:]
	t.Has = make([][]bool, n)
	for i, a := range s.Actors {
		lo, hi := i*m, (i+1)*m
		t.Position[i] = vals[lo:hi:hi]
		t.Salience[i] = vals[n*m+lo : n*m+hi : n*m+hi]
		t.Power[i] = vals[2*n*m+lo : 2*n*m+hi : 2*n*m+hi]
		t.Has[i] = has[lo:hi:hi]
		if len(a.Stances) == 0 {
			continue
		}
		for k, is := range s.Issues {
			t.stance[lo+k] = a.Stances[is.ID]
		}
	}
	t.Refresh()
	return t
}

// Scenario returns the scenario t was built from.
func (t *Table) Scenario() *Scenario { return t.s }

// Refresh reads the numbers of t's scenario into t again: each issue's
// scale, each actor's capability and the estimates of the stances t was
// built from. The structure (actors, issues, and which stances exist) must
// not have changed since; numbers may have, as in a sweep's draws.
func (t *Table) Refresh() {
	m := len(t.Issues)
	for k, is := range t.Issues {
		t.Min[k], t.Max[k] = is.Bounds()
	}
	nan := math.NaN()
	for i, a := range t.Actors {
		c := 0.0
		if a.Capability != nil {
			c = a.Capability.Value
		}
		t.Capability[i] = c
		pos, sal, has, pow := t.Position[i], t.Salience[i], t.Has[i], t.Power[i]
		for k, st := range t.stance[i*m : (i+1)*m] {
			pow[k] = c
			if st == nil {
				pos[k], sal[k], has[k] = nan, 0, false
				continue
			}
			if st.Power != nil {
				pow[k] = st.Power.Value
			}
			if st.Position == nil || st.Salience == nil {
				pos[k], sal[k], has[k] = nan, 0, false
				continue
			}
			pos[k], sal[k], has[k] = st.Position.Value, st.Salience.Value/SalienceMax, true
		}
	}
}

// Column returns, for issue k, the indices of the actors holding a position
// on it and their capabilities, positions and saliences (in [0, 1]).
func (t *Table) Column(k int) (idx []int, capability, position, salience []float64) {
	n := 0
	for i := range t.Actors {
		if t.Has[i][k] {
			n++
		}
	}
	if n == 0 {
		return nil, nil, nil, nil
	}
	// Sized up front: sweeps call this for every issue of every draw.
	idx = make([]int, 0, n)
	capability, position, salience = make([]float64, 0, n), make([]float64, 0, n), make([]float64, 0, n)
	for i := range t.Actors {
		if !t.Has[i][k] {
			continue
		}
		idx = append(idx, i)
		capability = append(capability, t.Capability[i])
		position = append(position, t.Position[i][k])
		salience = append(salience, t.Salience[i][k])
	}
	return idx, capability, position, salience
}
