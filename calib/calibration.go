package calib

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/jirga/jirga/stat"
)

//go:generate go run ../cmd/jirga backtest calibrate ../backtest/testdata/deu_dev.tsv -o calibration.json

//go:embed calibration.json
var shipped []byte

// Calibration is a set of model error distributions with their provenance.
// Its JSON form is the file calibration.json.
type Calibration struct {
	// Name identifies the calibration; intervals carry it as their basis.
	Name string `json:"name"`
	// Domain is the kind of decision the residuals come from, and
	// DomainText says it in words (see [Calibration.Covers]).
	Domain     string `json:"domain"`
	DomainText string `json:"domain_text"`
	// Data is the file the residuals were measured on, DataSHA256 its hash.
	Data       string `json:"data"`
	DataSHA256 string `json:"data_sha256"`
	// Date is the day the calibration was made (YYYY-MM-DD).
	Date string `json:"date"`
	// EngineVersion is the jirga version that made it, Command the command.
	EngineVersion string `json:"engine_version"`
	Command       string `json:"command"`
	// Method says how the residuals were measured.
	Method string `json:"method"`
	// Folds and Seed are those of the proposal-grouped cross-validation
	// that gives the fitted models' out-of-fold forecasts and each issue's
	// rank score (see [Errors.Score]) against the other folds' residuals.
	Folds int    `json:"folds"`
	Seed  uint64 `json:"seed"`
	// Draws scenarios were drawn per issue, seeded with DrawSeed, with the
	// default Uncertainty of bare numbers (as package sweep names its
	// fields), for the levels of intervals around a sweep's draws.
	Draws       int                `json:"draws"`
	DrawSeed    uint64             `json:"draw_seed"`
	Uncertainty map[string]float64 `json:"uncertainty"`
	// Models are the error distributions, one per model.
	Models []Model `json:"models"`
}

// Model is one model's residuals.
type Model struct {
	Model string `json:"model"`
	// N issues from Groups proposals were scored.
	N      int `json:"n"`
	Groups int `json:"groups"`
	// Note is a caveat every interval of the model repeats.
	Note string `json:"note,omitempty"`
	// MAE is the mean absolute residual and Q50, Q80 and Q90 the quantiles
	// of the absolute residuals, all relative to the scale width: the
	// half-widths of symmetric intervals, for reading the file.
	MAE float64 `json:"mae"`
	Q50 float64 `json:"q50"`
	Q80 float64 `json:"q80"`
	Q90 float64 `json:"q90"`
	// Point and Draws are the levels of the model's intervals around a
	// point forecast and around a sweep's draws (see [Levels]).
	Point Levels `json:"point"`
	Draws Levels `json:"draws"`
	// Residuals are outcome minus forecast divided by the scale width, one
	// per scored issue, in the data's order.
	Residuals []float64 `json:"residuals"`
}

// Shipped returns the calibration embedded in the binary, decoded once;
// callers must not modify it.
func Shipped() (*Calibration, error) { return shippedOnce() }

var shippedOnce = sync.OnceValues(func() (*Calibration, error) {
	c, err := Decode(shipped)
	if err != nil {
		return nil, fmt.Errorf("calib: shipped calibration (regenerate with go generate ./calib): %w", err)
	}
	return c, nil
})

// Decode reads a calibration from its JSON form and checks it.
func Decode(b []byte) (*Calibration, error) {
	var c Calibration
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&c); err != nil {
		return nil, err
	}
	if c.Name == "" {
		return nil, fmt.Errorf("calibration has no name")
	}
	for _, m := range c.Models {
		if len(m.Residuals) == 0 {
			return nil, fmt.Errorf("model %s has no residuals", m.Model)
		}
		for _, r := range m.Residuals {
			if math.IsNaN(r) || math.IsInf(r, 0) || math.Abs(r) > 1 {
				return nil, fmt.Errorf("model %s: residual %v is not in [−1, 1]", m.Model, r)
			}
		}
		for _, l := range []Levels{m.Point, m.Draws} {
			for _, x := range []float64{l.L50, l.L80, l.L90} {
				if !(x >= 0 && x <= 0.5) {
					return nil, fmt.Errorf("model %s: level %v is not in [0, ½]", m.Model, x)
				}
			}
		}
	}
	return &c, nil
}

// Encode returns the JSON form of c, indented, with a final newline.
func (c *Calibration) Encode() ([]byte, error) {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Model returns the residuals of the named model, or nil.
func (c *Calibration) Model(name string) *Model {
	for i := range c.Models {
		if c.Models[i].Model == name {
			return &c.Models[i]
		}
	}
	return nil
}

// NewModel returns the Model entry of residuals r (relative to the scale
// width, in case order) over n issues of groups proposals, with its
// summary statistics.
func NewModel(name string, r []float64, groups int, note string, point, draws Levels) Model {
	abs := make([]float64, len(r))
	sum := 0.0
	for i, x := range r {
		abs[i] = math.Abs(x)
		sum += abs[i]
	}
	slices.Sort(abs)
	m := Model{Model: name, N: len(r), Groups: groups, Note: note, Point: point, Draws: draws, Residuals: slices.Clone(r)}
	if len(r) > 0 {
		m.MAE = sum / float64(len(r))
		m.Q50, m.Q80, m.Q90 = stat.Quantile(abs, 0.5), stat.Quantile(abs, 0.8), stat.Quantile(abs, 0.9)
	}
	return m
}

// Same returns nil when c and o hold the same calibration, apart from the
// day it was made and the command that made it, with residuals and levels
// equal within tol (fused multiply-add may change the last bits of a
// forecast on some architectures), and otherwise an error that names the
// first difference.
func (c *Calibration) Same(o *Calibration, tol float64) error {
	a, b := *c, *o
	a.Date, b.Date, a.Command, b.Command = "", "", "", ""
	am, bm := a.Models, b.Models
	a.Models, b.Models = nil, nil
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		return fmt.Errorf("the provenance differs: %s, want %s", ja, jb)
	}
	if len(am) != len(bm) {
		return fmt.Errorf("%d models, want %d", len(am), len(bm))
	}
	near := func(x, y float64) bool { return math.Abs(x-y) <= tol }
	for i := range am {
		x, y := am[i], bm[i]
		switch {
		case x.Model != y.Model || x.N != y.N || x.Groups != y.Groups || x.Note != y.Note:
			return fmt.Errorf("model %d is %s (n %d, groups %d), want %s (n %d, groups %d)", i+1, x.Model, x.N, x.Groups, y.Model, y.N, y.Groups)
		case len(x.Residuals) != len(y.Residuals):
			return fmt.Errorf("model %s: %d residuals, want %d", x.Model, len(x.Residuals), len(y.Residuals))
		}
		for j := range x.Residuals {
			if !near(x.Residuals[j], y.Residuals[j]) {
				return fmt.Errorf("model %s: residual %d is %v, want %v", x.Model, j+1, x.Residuals[j], y.Residuals[j])
			}
		}
		lx := []float64{x.Point.L50, x.Point.L80, x.Point.L90, x.Draws.L50, x.Draws.L80, x.Draws.L90, x.MAE, x.Q50, x.Q80, x.Q90}
		ly := []float64{y.Point.L50, y.Point.L80, y.Point.L90, y.Draws.L50, y.Draws.L80, y.Draws.L90, y.MAE, y.Q50, y.Q80, y.Q90}
		for j := range lx {
			if !near(lx[j], ly[j]) {
				return fmt.Errorf("model %s: levels and summaries %v, want %v", x.Model, lx, ly)
			}
		}
	}
	return nil
}
