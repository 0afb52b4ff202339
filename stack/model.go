package stack

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/option"
)

// Name is the registry name of the model.
const Name = "stacked"

//go:generate go run ../cmd/jirga backtest fit ../backtest/testdata/deu_dev.tsv -o stacked.json

//go:embed stacked.json
var shipped []byte

// Params are a fitted stacked model.
type Params struct {
	Model    string    `json:"model"`
	Features []string  `json:"features"`
	Coef     []float64 `json:"coef"`
	// Lambda is the chosen ridge penalty, Delta the Huber threshold.
	Lambda float64 `json:"lambda"`
	Delta  float64 `json:"delta"`
	// Folds, Seed, Lambdas and CVMAE record the choice of λ: the MAE of
	// each λ of the grid in proposal-grouped cross-validation.
	Folds   int       `json:"folds"`
	Seed    uint64    `json:"seed"`
	Lambdas []float64 `json:"lambdas"`
	CVMAE   []float64 `json:"cv_mae"`
	// N issues from Groups proposals were fitted; TrainingHash fingerprints
	// them.
	N            int    `json:"n"`
	Groups       int    `json:"groups"`
	TrainingHash string `json:"training_hash"`
	Data         string `json:"data,omitempty"`
	Command      string `json:"command,omitempty"`
}

// Shipped returns the parameters embedded in the binary, fitted on the DEU
// development file.
func Shipped() (*Params, error) {
	p, err := DecodeParams(shipped)
	if err != nil {
		return nil, fmt.Errorf("stack: shipped parameters (refit with go generate ./stack): %w", err)
	}
	return p, nil
}

func (p *Params) check() error {
	if err := CheckFeatures(p.Features); err != nil {
		return err
	}
	if len(p.Coef) != len(p.Features) {
		return fmt.Errorf("stack: %d coefficients for %d features", len(p.Coef), len(p.Features))
	}
	return nil
}

// Model is the stacked forecaster with fitted parameters.
type Model struct {
	P *Params
}

// New returns the model with the shipped parameters.
func New() (*Model, error) {
	p, err := Shipped()
	if err != nil {
		return nil, err
	}
	return &Model{P: p}, nil
}

// Name returns "stacked".
func (*Model) Name() string { return Name }

// options declares the stacked model's options; *path receives the
// parameters file.
func options(path *string) *option.Set {
	s := option.NewSet(Name)
	s.Path(path, "params", "the parameters shipped with the binary",
		"JSON file of fitted parameters (written by jirga backtest fit) to use instead of the shipped ones", "this project, docs/backtest.md")
	return s
}

// Options returns the declarations of the stacked model's options.
func Options() []option.Option { return options(new(string)).Options() }

// FromOptions returns the model with the options in params (see
// [Options]): the shipped parameters, or those in the file params names.
func FromOptions(_ option.Common, params map[string]string) (jirga.Model, error) {
	var path string
	if err := options(&path).Parse(params); err != nil {
		return nil, err
	}
	if path == "" {
		return New()
	}
	p, err := ReadParams(path)
	if err != nil {
		return nil, err
	}
	return &Model{P: p}, nil
}

// Forecast implements jirga.Model.
func (m *Model) Forecast(ctx context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	if err := m.P.check(); err != nil {
		return nil, err
	}
	r := &jirga.Result{Model: Name, Status: jirga.StatusStatic}
	if s.Actor("com") == nil && s.Actor("ep") == nil {
		r.Notes = append(r.Notes, "stacked was fitted on EU legislative decisions (DEU); this scenario has no Commission or Parliament, so its correction of the weighted mean is carried over from the EU Council without evidence that it applies here (docs/backtest.md)")
	}
	for k, is := range s.Issues {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		in, ok := Extract(s, k)
		if !ok {
			return nil, jirga.Errorf(jirga.EINVALID, "%s: issue %q: no actor holds a position on it", Name, is.ID)
		}
		u := Predict(m.P.Coef, Sample{Z: in.Vector(m.P.Features), Mean: in.Mean, Lo: in.Lo, Hi: in.Hi, Bounded: true})
		lo, hi := is.Bounds()
		x := lo + u/100*(hi-lo)
		f := jirga.IssueForecast{Issue: is.ID, Forecast: x}
		f.SetAnchor(is)
		r.Issues = append(r.Issues, f)
	}
	return r, nil
}

// Encode writes p as indented JSON.
func (p *Params) Encode() ([]byte, error) {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// MaxParamsSize bounds the size of a parameters file: the fitted
// parameters are a few kilobytes of JSON.
const MaxParamsSize = 1 << 20

// ReadParams reads fitted parameters from a JSON file. It reads only a
// regular file of at most MaxParamsSize bytes, so that a device (/dev/zero)
// cannot exhaust memory and a FIFO cannot block.
func ReadParams(path string) (*Params, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, jirga.Errorf(jirga.EINVALID, "stacked: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, jirga.Errorf(jirga.EINVALID, "stacked: %v", err)
	}
	if !st.Mode().IsRegular() {
		return nil, jirga.Errorf(jirga.EINVALID, "stacked: %s is not a regular file; give the JSON file written by jirga backtest fit", path)
	}
	if st.Size() > MaxParamsSize {
		return nil, jirga.Errorf(jirga.EINVALID, "stacked: %s is %d bytes; a parameters file is at most %d", path, st.Size(), MaxParamsSize)
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxParamsSize+1))
	if err != nil {
		return nil, jirga.Errorf(jirga.EINVALID, "stacked: %v", err)
	}
	if len(b) > MaxParamsSize {
		return nil, jirga.Errorf(jirga.EINVALID, "stacked: %s is larger than %d bytes", path, MaxParamsSize)
	}
	return DecodeParams(b)
}

// DecodeParams decodes and checks fitted parameters.
func DecodeParams(b []byte) (*Params, error) {
	var p Params
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&p); err != nil {
		return nil, jirga.Errorf(jirga.EINVALID, "stacked: parameters: %w", err)
	}
	if err := p.check(); err != nil {
		return nil, jirga.Errorf(jirga.EINVALID, "%w", err)
	}
	return &p, nil
}
