package deal

import (
	"errors"
	"math"
)

// Row senses of a linear program.
const (
	le = iota // a·v ≤ b
	ge        // a·v ≥ b
)

// lpRow is one constraint a·v (≤ | ≥) b.
type lpRow struct {
	a     []float64
	sense int
	b     float64
}

var (
	errInfeasible = errors.New("infeasible")
	errUnbounded  = errors.New("unbounded")
)

const lpEps = 1e-10

// simplex minimises c·v subject to rows and v ≥ 0 with the two-phase
// tableau method (see pivotLoop for the pivot rule), after Chvátal,
// Linear Programming (1983), ch. 2–3 and 8. It is meant for the small, dense
// programs of this package (tens of rows and columns), where a dense tableau
// beats a revised simplex that refactors its basis at each pivot.
//
// stop, when not nil, is called before each pivot; its error ends the
// solve (a canceled context: a pivot of a large program takes milliseconds,
// a solve thousands of them).
func simplex(c []float64, rows []lpRow, stop func() error) (float64, []float64, error) {
	n, m := len(c), len(rows)
	// Columns: n structural, one slack or surplus per row, one artificial per
	// row that needs one, then the right-hand side.
	nArt := 0
	flip := make([]bool, m)
	for i, r := range rows {
		// Make b ≥ 0: a·v ≤ b with b < 0 becomes −a·v ≥ −b.
		flip[i] = r.b < 0
		sense := r.sense
		if flip[i] {
			sense = 1 - sense
		}
		if sense == ge {
			nArt++
		}
	}
	cols := n + m + nArt
	T := make([][]float64, m+1) // row m is the objective
	for i := range T {
		T[i] = make([]float64, cols+1)
	}
	basis := make([]int, m)
	art := n + m
	for i, r := range rows {
		sgn := 1.0
		sense := r.sense
		if flip[i] {
			sgn, sense = -1, 1-sense
		}
		for j, v := range r.a {
			T[i][j] = sgn * v
		}
		T[i][cols] = sgn * r.b
		if sense == le {
			T[i][n+i] = 1
			basis[i] = n + i
		} else {
			T[i][n+i] = -1
			T[i][art] = 1
			basis[i] = art
			art++
		}
	}
	// Phase 1: minimise the sum of the artificials.
	if nArt > 0 {
		obj := T[m]
		for j := n + m; j < cols; j++ {
			obj[j] = 1
		}
		for i := range m {
			if basis[i] >= n+m {
				for j := range obj {
					obj[j] -= T[i][j]
				}
			}
		}
		if err := pivotLoop(T, basis, cols, stop); err != nil {
			return 0, nil, err
		}
		if -T[m][cols] > 1e-9 {
			return 0, nil, errInfeasible
		}
		// Drive artificials out of the basis where possible.
		for i := range m {
			if basis[i] < n+m {
				continue
			}
			for j := 0; j < n+m; j++ {
				if math.Abs(T[i][j]) > 1e-9 {
					pivot(T, basis, i, j)
					break
				}
			}
		}
		// Forbid artificials from re-entering.
		for i := range T {
			for j := n + m; j < cols; j++ {
				T[i][j] = 0
			}
		}
	}
	// Phase 2.
	obj := T[m]
	for j := range obj {
		obj[j] = 0
	}
	copy(obj, c)
	for i := range m {
		if cb := obj[basis[i]]; cb != 0 {
			for j := range obj {
				obj[j] -= cb * T[i][j]
			}
		}
	}
	if err := pivotLoop(T, basis, cols, stop); err != nil {
		return 0, nil, err
	}
	v := make([]float64, n)
	for i, b := range basis {
		if b < n {
			v[b] = T[i][cols]
		}
	}
	f := 0.0
	for j := range c {
		f += c[j] * v[j]
	}
	return f, v, nil
}

// pivotLoop pivots until no reduced cost is negative. It enters the column
// with the most negative reduced cost (Dantzig's rule), which takes far
// fewer pivots, and falls back to Bland's rule, which cannot cycle (the
// lowest-indexed column with a negative reduced cost; the leaving row the
// one with the least ratio, ties to the lowest basic index), after 50
// degenerate pivots in a row.
func pivotLoop(T [][]float64, basis []int, cols int, stop func() error) error {
	m := len(basis)
	bland := false
	degenerate := 0
	for iter := 0; iter < 100000; iter++ {
		if stop != nil {
			if err := stop(); err != nil {
				return err
			}
		}
		e := -1
		for j := range cols {
			if T[m][j] < -lpEps && (e < 0 || (!bland && T[m][j] < T[m][e])) {
				e = j
				if bland {
					break
				}
			}
		}
		if e < 0 {
			return nil
		}
		l, best := -1, math.Inf(1)
		for i := range m {
			if a := T[i][e]; a > lpEps {
				r := T[i][cols] / a
				if r < best-1e-12 || (r <= best+1e-12 && l >= 0 && basis[i] < basis[l]) {
					l, best = i, r
				}
			}
		}
		if l < 0 {
			if T[m][e] > -1e-7 {
				// A reduced cost that is rounding noise on a column
				// with no positive entry: treat it as zero.
				T[m][e] = 0
				continue
			}
			return errUnbounded
		}
		if best <= 1e-12 {
			degenerate++
			if degenerate > 50 {
				bland = true
			}
		} else {
			degenerate = 0
		}
		pivot(T, basis, l, e)
	}
	return errors.New("simplex: iteration limit")
}

func pivot(T [][]float64, basis []int, r, c int) {
	pr := T[r]
	inv := 1 / pr[c]
	for j := range pr {
		pr[j] *= inv
	}
	pr[c] = 1
	for i := range T {
		if i == r {
			continue
		}
		f := T[i][c]
		if f == 0 {
			continue
		}
		row := T[i]
		for j := range row {
			row[j] -= f * pr[j]
		}
		row[c] = 0
	}
	basis[r] = c
}
