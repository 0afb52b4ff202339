package jirga

import "math"

// Table is a dense, read-only view of a scenario's point values for models:
// actors and issues in file order, capability, and per actor and issue the
// position (on the issue's own scale) and the salience divided by
// SalienceMax, so in [0, 1]. An actor without a stance on an issue has Has
// false, position NaN and salience 0.
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
}

// Table builds the dense view of s. It assumes s is valid.
func (s *Scenario) Table() *Table {
	n, m := len(s.Actors), len(s.Issues)
	t := &Table{
		Actors:     s.Actors,
		Issues:     s.Issues,
		Capability: make([]float64, n),
		Position:   make([][]float64, n),
		Power:      make([][]float64, n),
		Salience:   make([][]float64, n),
		Has:        make([][]bool, n),
		Min:        make([]float64, m),
		Max:        make([]float64, m),
	}
	for k, is := range s.Issues {
		t.Min[k], t.Max[k] = is.Bounds()
	}
	pos := make([]float64, n*m)
	sal := make([]float64, n*m)
	has := make([]bool, n*m)
	pow := make([]float64, n*m)
	for i, a := range s.Actors {
		t.Position[i] = pos[i*m : (i+1)*m : (i+1)*m]
		t.Salience[i] = sal[i*m : (i+1)*m : (i+1)*m]
		t.Has[i] = has[i*m : (i+1)*m : (i+1)*m]
		t.Power[i] = pow[i*m : (i+1)*m : (i+1)*m]
		if a.Capability != nil {
			t.Capability[i] = a.Capability.Value
		}
		for k, is := range s.Issues {
			st := a.Stances[is.ID]
			t.Power[i][k] = t.Capability[i]
			if st != nil && st.Power != nil {
				t.Power[i][k] = st.Power.Value
			}
			if st == nil || st.Position == nil || st.Salience == nil {
				t.Position[i][k] = math.NaN()
				continue
			}
			t.Position[i][k] = st.Position.Value
			t.Salience[i][k] = st.Salience.Value / SalienceMax
			t.Has[i][k] = true
		}
	}
	return t
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
