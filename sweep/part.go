package sweep

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/jirga/jirga"
)

// Part is what a range of a sweep's draws computed ([RunPart]): every
// model's forecast on every issue in each draw (NaN where the model failed)
// and the failures, which [Merge] summarises with the other parts. Its JSON
// form keeps every value exactly (NaN as null), so that a part can be
// computed by one process and merged by another.
type Part struct {
	// From and To delimit the part's draws: From+1 … To.
	From int `json:"from"`
	To   int `json:"to"`
	// Failures are the models' failures on the part's draws, by model and
	// draw.
	Failures []Failure `json:"failures,omitempty"`

	issues    int
	values    [][][]float64 // [model][issue][k−From−1]
	completed int           // draws done from From+1 on
}

// Failure is a model's failure on one draw of a sweep.
type Failure struct {
	// Model is the model's index in the sweep's list of models.
	Model int `json:"model"`
	// Draw is the draw number k.
	Draw  int    `json:"draw"`
	Error string `json:"error"`
}

// Complete reports whether every draw of the part was computed (a part cut
// short by cancellation is not).
func (p *Part) Complete() bool { return p.completed == p.To-p.From }

// partJSON is the JSON form of a Part.
type partJSON struct {
	From   int        `json:"from"`
	To     int        `json:"to"`
	Issues int        `json:"issues"`
	Values [][]floats `json:"values"` // [model][issue], one value per draw
	// Completed is set when the part is incomplete.
	Completed *int      `json:"completed,omitempty"`
	Failures  []Failure `json:"failures,omitempty"`
}

// MarshalJSON writes the part with every value in full precision, NaN as
// null. An incomplete part records how many draws it completed.
func (p *Part) MarshalJSON() ([]byte, error) {
	j := partJSON{From: p.From, To: p.To, Issues: p.issues, Failures: p.Failures}
	if !p.Complete() {
		j.Completed = &p.completed
	}
	for _, m := range p.values {
		var row []floats
		for _, v := range m {
			row = append(row, floats(v))
		}
		j.Values = append(j.Values, row)
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads a part written by MarshalJSON and checks its shape.
func (p *Part) UnmarshalJSON(b []byte) error {
	var j partJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	n := j.To - j.From
	if j.From < 0 || n < 0 || j.Issues < 0 {
		return jirga.Errorf(jirga.EINVALID, "sweep part: draws %d … %d are not a range", j.From+1, j.To)
	}
	*p = Part{From: j.From, To: j.To, issues: j.Issues, Failures: j.Failures, completed: n}
	if j.Completed != nil {
		if *j.Completed < 0 || *j.Completed > n {
			return jirga.Errorf(jirga.EINVALID, "sweep part: %d draws completed of %d", *j.Completed, n)
		}
		p.completed = *j.Completed
	}
	for mi, m := range j.Values {
		if len(m) != j.Issues {
			return jirga.Errorf(jirga.EINVALID, "sweep part: model %d has values for %d issues, not %d", mi, len(m), j.Issues)
		}
		vals := make([][]float64, len(m))
		for ii, v := range m {
			if len(v) != n {
				return jirga.Errorf(jirga.EINVALID, "sweep part: model %d, issue %d has %d values for %d draws", mi, ii, len(v), n)
			}
			vals[ii] = v
		}
		p.values = append(p.values, vals)
	}
	for _, f := range p.Failures {
		if f.Model < 0 || f.Model >= len(p.values) || f.Draw <= p.From || f.Draw > p.To {
			return jirga.Errorf(jirga.EINVALID, "sweep part: a failure of model %d on draw %d is outside the part", f.Model, f.Draw)
		}
	}
	return nil
}

// floats is a list of numbers in JSON with NaN written as null, each in
// the shortest form that reads back to the same float64.
type floats []float64

func (f floats) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 2+20*len(f))
	b = append(b, '[')
	for i, x := range f {
		if i > 0 {
			b = append(b, ',')
		}
		switch {
		case math.IsNaN(x):
			b = append(b, "null"...)
		case math.IsInf(x, 0):
			return nil, fmt.Errorf("sweep: %v in a part", x)
		default:
			b = strconv.AppendFloat(b, x, 'g', -1, 64)
		}
	}
	return append(b, ']'), nil
}

// UnmarshalJSON reads a list written by MarshalJSON (any JSON spacing).
func (f *floats) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return fmt.Errorf("not a list of numbers")
	}
	b = bytes.TrimSpace(b[1 : len(b)-1])
	out := make([]float64, 0, bytes.Count(b, []byte(","))+1)
	for i := 0; len(b) > 0; i++ {
		tok, rest, _ := bytes.Cut(b, []byte(","))
		tok = bytes.TrimSpace(tok)
		if string(tok) == "null" {
			out = append(out, math.NaN())
		} else {
			x, err := strconv.ParseFloat(string(tok), 64)
			if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
				return fmt.Errorf("value %d: %q is not a number", i, tok)
			}
			out = append(out, x)
		}
		b = bytes.TrimSpace(rest)
	}
	*f = out
	return nil
}
