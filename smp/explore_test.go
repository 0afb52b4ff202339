package smp

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

func loadKTAB(t *testing.T, path string) *engine {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	f := strings.Split(lines[0], ",")
	nd, _ := strconv.Atoi(strings.TrimSpace(f[3]))
	e := &engine{m: nd, workers: 1}
	for _, l := range lines[2:] {
		f := strings.Split(l, ",")
		c, _ := strconv.ParseFloat(strings.TrimSpace(f[2]), 64)
		e.cap = append(e.cap, c)
		var p, s []float64
		ss := 0.0
		for k := 0; k < nd; k++ {
			x, _ := strconv.ParseFloat(strings.TrimSpace(f[3+2*k]), 64)
			y, _ := strconv.ParseFloat(strings.TrimSpace(f[4+2*k]), 64)
			p = append(p, x/100)
			s = append(s, y/100)
			ss += y / 100
		}
		e.pos = append(e.pos, p)
		e.idl = append(e.idl, append([]float64(nil), p...))
		e.sal = append(e.sal, s)
		e.salSum = append(e.salSum, ss)
	}
	e.n = len(e.cap)
	return e
}

func TestExplore(t *testing.T) {
	e := loadKTAB(t, "/work/shared/data/ktab/dummyData_3Dim/dummyData_3Dim.csv")
	e.computeDistances()
	p := e.computeRisk()
	fmt.Printf("p %.4f\nR %.3f\n", p, e.risk)
	for i := 0; i < e.n; i++ {
		best, bj, bp := 0.0, -1, 0.0
		for j := 0; j < e.n; j++ {
			if j == i {
				continue
			}
			pp := e.challenge(i, i, j)
			g := e.gain(i, i, i, j, pp)
			if g > best {
				best, bj, bp = g, j, pp
			}
		}
		fmt.Printf("%d -> %d gain %.4f P %.4f\n", i, bj, best, bp)
	}
}

func TestExplore2(t *testing.T) {
	e := loadKTAB(t, "/work/shared/data/ktab/dummyData_3Dim/dummyData_3Dim.csv")
	e.computeDistances()
	e.computeRisk()
	fmt.Printf("6 persp 6>0 %.4f, 6 persp 0>6 %.4f\n", e.challenge(6, 6, 0), e.challenge(6, 0, 6))
	n := e.n
	for _, wk := range []string{"c", "cs"} {
		w := make([]float64, n)
		for i := range w {
			w[i] = e.cap[i]
			if wk == "cs" {
				w[i] *= e.salSum[i]
			}
		}
		p := e.election(n, w, func(k, a int) float64 { return e.objective(k, a) })
		fmt.Printf("%s %.4f\n", wk, p)
	}
}

func TestExplore3(t *testing.T) {
	for _, name := range []string{"dummyData_3Dim", "SOE-Policy"} {
	e := loadKTAB(t, "/work/shared/data/ktab/"+name+"/"+name+".csv")
	e.computeDistances()
	e.computeRisk()
	p0, _, _ := e.outcomeProbs()
	fmt.Printf("probs %.4f\n", p0)
	start := clonePos(e.pos)
	prev := start
	var d01 float64
	for turn := 1; turn <= 100; turn++ {
		e.step()
		e.computeDistances()
		e.computeRisk()
		p, _, _ := e.outcomeProbs()
		fmt.Printf("turn %d probs %.4f\n", turn, p)
		if turn == 1 {
			d01 = sdist(start, e.pos)
			fmt.Printf("pos %.2f\n", e.pos)
		}
		ch := sdist(prev, e.pos) / (d01 + 1e-4)
		fmt.Printf("change %.4f\n", ch)
		prev = clonePos(e.pos)
		if turn >= 2 && ch < 0.02 {
			break
		}
	}
	fmt.Printf("final %.4f\n", e.pos)
	}
}

func clonePos(p [][]float64) [][]float64 {
	out := make([][]float64, len(p))
	for i := range p {
		out[i] = append([]float64(nil), p[i]...)
	}
	return out
}
