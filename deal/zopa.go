package deal

import (
	"errors"
	"math"
	"slices"

	"github.com/jirga/jirga"
)

// Interval is a closed interval [Low, High] on an issue's scale.
type Interval struct {
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// Contains reports whether x is in the interval, with a tolerance of 1e-9 of
// the issue's scale.
func (iv *Interval) Contains(x, scale float64) bool {
	tol := 1e-9 * scale
	return iv != nil && x >= iv.Low-tol && x <= iv.High+tol
}

// party is a necessary actor's view of the table: per issue its ideal
// point, salience in [0, 1] and reservation, and whether it holds a stance.
type party struct {
	id   string
	has  []bool
	pos  []float64
	sal  []float64
	res  []float64
	free []bool // no reservation and no status quo: accepts anything on the issue
}

// problem is the deal problem of one scenario (or one draw of it).
type problem struct {
	issues  []string
	lo, hi  []float64
	parties []party
	// stop, when set, ends a linear program early with its error (see
	// simplex).
	stop func() error
}

// setup builds the problem of s among the necessary actors.
func setup(s *jirga.Scenario, necessary []string) problem {
	t := s.Table()
	p := problem{lo: t.Min, hi: t.Max}
	for _, is := range s.Issues {
		p.issues = append(p.issues, is.ID)
	}
	for i, a := range t.Actors {
		if !slices.Contains(necessary, a.ID) {
			continue
		}
		m := len(s.Issues)
		pt := party{id: a.ID, has: make([]bool, m), pos: make([]float64, m), sal: make([]float64, m),
			res: make([]float64, m), free: make([]bool, m)}
		for k, is := range s.Issues {
			if !t.Has[i][k] {
				continue
			}
			pt.has[k], pt.pos[k], pt.sal[k] = true, t.Position[i][k], t.Salience[i][k]
			switch st := a.Stances[is.ID]; {
			case st.Reservation != nil:
				pt.res[k] = st.Reservation.Value
			case is.StatusQuo != nil:
				pt.res[k] = is.StatusQuo.Value
			default:
				pt.free[k] = true
			}
		}
		p.parties = append(p.parties, pt)
	}
	return p
}

// acceptable returns the interval of issue k that party pt accepts on that
// issue alone: the points at least as close to its position as its
// reservation, [p − |r − p|, p + |r − p|] clipped to the scale. It returns
// nil when the party holds no stance on k.
func (p *problem) acceptable(pt *party, k int) *Interval {
	if !pt.has[k] {
		return nil
	}
	if pt.free[k] {
		return &Interval{p.lo[k], p.hi[k]}
	}
	d := math.Abs(pt.res[k] - pt.pos[k])
	return &Interval{math.Max(p.lo[k], pt.pos[k]-d), math.Min(p.hi[k], pt.pos[k]+d)}
}

// zopa returns the per-issue zone of possible agreement on issue k (nil when
// empty): the intersection of the necessary parties' acceptable intervals.
func (p *problem) zopa(k int) *Interval {
	z := &Interval{p.lo[k], p.hi[k]}
	for i := range p.parties {
		a := p.acceptable(&p.parties[i], k)
		if a == nil {
			continue
		}
		z.Low, z.High = math.Max(z.Low, a.Low), math.Min(z.High, a.High)
	}
	if z.Low > z.High+1e-12*(p.hi[k]-p.lo[k]) {
		return nil
	}
	if z.High < z.Low {
		z.High = z.Low
	}
	return z
}

// loss returns party pt's salience-weighted linear loss of the package x,
// L(x) = Σ_k s_k |x_k − p_k| / R_k, over the issues where it holds a stance
// and has a reservation (or status quo).
func (p *problem) loss(pt *party, x []float64) float64 {
	l := 0.0
	for k := range x {
		if pt.has[k] && !pt.free[k] {
			l += pt.sal[k] * math.Abs(x[k]-pt.pos[k]) / (p.hi[k] - p.lo[k])
		}
	}
	return l
}

// weight is Σ_k s_k over the party's constraining issues (1 when 0), the
// normaliser of its slack.
func (p *problem) weight(pt *party) float64 {
	w := 0.0
	for k := range pt.has {
		if pt.has[k] && !pt.free[k] {
			w += pt.sal[k]
		}
	}
	if w == 0 {
		return 1
	}
	return w
}

// accepts reports whether party pt accepts the package x jointly:
// L(x) ≤ L(r) (with a tolerance of 1e-9).
func (p *problem) accepts(pt *party, x []float64) bool {
	return p.loss(pt, x) <= p.loss(pt, pt.res)+1e-9*p.weight(pt)
}

// joint solves the joint problem: it finds the package x in the box of the
// issue scales that minimises z = max_i (L_i(x) − L_i(r_i)) / W_i, the worst
// normalised shortfall of a necessary party's utility below its reservation
// utility. A joint deal exists iff z* ≤ 0. As a linear program in the
// scale-free y_k = (x_k − lo_k)/R_k ∈ [0, 1], with q_ik = (p_ik − lo_k)/R_k,
// t_ik ≥ |y_k − q_ik| and w = z + 1 ≥ 0 (z ≥ −1 always, since
// L_i(r_i) ≤ W_i):
//
//	minimise w  s.t.  y_k − t_ik ≤ q_ik,  y_k + t_ik ≥ q_ik,  y_k ≤ 1,
//	                  Σ_k s_ik t_ik − W_i w ≤ L_i(r_i) − W_i.
//
// The program substitutes t_ik = u_ik + q_ik − y_k with u_ik ≥ 0 (the
// surplus of the second row), which turns the first row into
// 2y_k − u_ik ≤ 2q_ik and leaves only the parties' rows, which may have a
// negative right-hand side, needing artificial variables in phase 1.
//
// With bound ≥ 0 it instead minimises (bound = 2k) or maximises
// (bound = 2k+1) x_k subject to every party accepting (w ≤ 1, i.e. z ≤ 0),
// which gives the bounds of the joint zone on issue k; ok is false when no
// package is acceptable.
func (p *problem) joint(bound int) (z float64, x []float64, ok bool, err error) {
	m := len(p.issues)
	type term struct{ i, k, col int }
	var terms []term
	col := m
	for i := range p.parties {
		for k := 0; k < m; k++ {
			if p.parties[i].has[k] && !p.parties[i].free[k] {
				terms = append(terms, term{i, k, col})
				col++
			}
		}
	}
	wcol := col
	nvar := col + 1
	var rows []lpRow
	row := func() []float64 { return make([]float64, nvar) }
	q := func(tm term) float64 {
		return (p.parties[tm.i].pos[tm.k] - p.lo[tm.k]) / (p.hi[tm.k] - p.lo[tm.k])
	}
	for _, tm := range terms {
		r := row() // 2y − u ≤ 2q, i.e. t ≥ y − q
		r[tm.k], r[tm.col] = 2, -1
		rows = append(rows, lpRow{r, le, 2 * q(tm)})
	}
	for k := 0; k < m; k++ {
		r := row()
		r[k] = 1
		rows = append(rows, lpRow{r, le, 1})
	}
	for i := range p.parties {
		pt := &p.parties[i]
		if !p.constrains(pt) {
			continue // accepts any package
		}
		r := row() // Σ s (u + q − y) − W w ≤ L(r) − W
		rhs := p.loss(pt, pt.res) - p.weight(pt)
		for _, tm := range terms {
			if tm.i == i {
				r[tm.col] += pt.sal[tm.k]
				r[tm.k] -= pt.sal[tm.k]
				rhs -= pt.sal[tm.k] * q(tm)
			}
		}
		r[wcol] = -p.weight(pt)
		rows = append(rows, lpRow{r, le, rhs})
	}
	c := make([]float64, nvar)
	if bound < 0 {
		c[wcol] = 1
	} else {
		k := bound / 2
		c[k] = 1
		if bound%2 == 1 {
			c[k] = -1
		}
		r := row()
		r[wcol] = 1
		rows = append(rows, lpRow{r, le, 1 + 1e-12})
	}
	_, sol, err := simplex(c, rows, p.stop)
	switch {
	case errors.Is(err, errInfeasible):
		return 0, nil, false, nil
	case err != nil:
		return 0, nil, false, errors.Join(errLP, err)
	}
	x = make([]float64, m)
	for k := range x {
		x[k] = math.Min(p.hi[k], math.Max(p.lo[k], p.lo[k]+sol[k]*(p.hi[k]-p.lo[k])))
	}
	return sol[wcol] - 1, x, true, nil
}

// constrains reports whether the party has a reservation (or status quo) on
// some issue where it holds a stance; one that has none accepts any package.
func (p *problem) constrains(pt *party) bool {
	for k := range pt.has {
		if pt.has[k] && !pt.free[k] {
			return true
		}
	}
	return false
}

// errLP is returned when the simplex fails.
var errLP = errors.New("deal: the linear program failed")
