// Package models is the registry of jirga's forecasting models: it names
// them, describes them, and builds them from generic options, so that the
// CLI and the HTTP server offer the same models the same way.
package models

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/baseline"
	"github.com/jirga/jirga/bdm"
)

// Options are the settings every model understands, plus model-specific
// parameters given as key=value pairs (--opt MODEL.KEY=VALUE on the command
// line; the CLI passes each model only its own keys, without the prefix).
type Options struct {
	// Rounds sets the number of rounds of a dynamic model; 0 means its default.
	Rounds int
	// Seed seeds the stochastic options of a model.
	Seed uint64
	// Params are model-specific settings, e.g. "utility" = "linear" for nbs.
	Params map[string]string
}

// Info describes a model.
type Info struct {
	Name     string
	Summary  string
	Citation string
	// Dynamic models report rounds.
	Dynamic bool
	// Params lists the model-specific parameters with their allowed values.
	Params []Param
	// Explain, when set, writes a readable account of a dynamic model's
	// result (used by jirga explain).
	Explain func(w io.Writer, s *jirga.Scenario, r *jirga.Result) error
	build   func(Options) (jirga.Model, error)
}

// Param documents one model-specific parameter.
type Param struct {
	Name    string
	Values  string // allowed values or range
	Default string
	Doc     string
}

var registry = []Info{
	{
		Name:     "mean",
		Summary:  "capability × salience weighted mean of positions (the compromise model)",
		Citation: "Achen (2006), in Thomson, Stokman, Achen & König (eds.), The European Union Decides, ch. 10",
		build:    func(Options) (jirga.Model, error) { return baseline.Mean{}, nil },
	},
	{
		Name:     "median",
		Summary:  "capability × salience weighted median of positions",
		Citation: "Black (1948), J. Political Economy 56(1); Achen (2006)",
		build:    func(Options) (jirga.Model, error) { return baseline.Median{}, nil },
	},
	{
		Name:     "condorcet",
		Summary:  "pairwise Condorcet winner among actor positions (the median voter)",
		Citation: "Bueno de Mesquita (1994), in Bueno de Mesquita & Stokman (eds.), European Community Decision Making, ch. 4",
		build:    func(Options) (jirga.Model, error) { return baseline.Condorcet{}, nil },
	},
	{
		Name:     "nbs",
		Summary:  "asymmetric Nash bargaining solution, status quo as disagreement point",
		Citation: "Nash (1950), Econometrica 18(2); Achen (2006)",
		Params: []Param{{Name: "utility", Values: "quadratic | linear", Default: "quadratic",
			Doc: "utility of an outcome: 1 − ((x − x_i)/R)² or 1 − |x − x_i|/R"}},
		build: func(o Options) (jirga.Model, error) {
			if err := checkParams("nbs", o.Params, "utility"); err != nil {
				return nil, err
			}
			return baseline.NBS{Utility: o.Params["utility"]}, nil
		},
	},
	{
		Name:     "bdm",
		Summary:  "Bueno de Mesquita's expected-utility (challenge) model, issue by issue, forecast = median voter after the last round",
		Citation: "Bueno de Mesquita (1994), in Bueno de Mesquita & Stokman (eds.), European Community Decision Making, ch. 4; Scholz, Calbert & Smith (2011), J. Theoretical Politics 23(4)",
		Dynamic:  true,
		Params:   bdmParams(),
		Explain:  bdm.Explain,
		build: func(o Options) (jirga.Model, error) {
			st, err := bdm.ParseParams(o.Rounds, o.Params)
			if err != nil {
				return nil, err
			}
			return bdm.New(st), nil
		},
	},
}

func bdmParams() []Param {
	var ps []Param
	for _, p := range bdm.Params {
		ps = append(ps, Param{Name: p.Name, Values: p.Values, Default: p.Default, Doc: p.Doc})
	}
	return ps
}

// All returns every registered model in display order.
func All() []Info { return slices.Clone(registry) }

// Names returns the registered model names in display order.
func Names() []string {
	var names []string
	for _, m := range registry {
		names = append(names, m.Name)
	}
	return names
}

// Lookup returns the Info of the named model.
func Lookup(name string) (Info, bool) {
	for _, m := range registry {
		if m.Name == name {
			return m, true
		}
	}
	return Info{}, false
}

// New builds the named model with the given options.
func New(name string, o Options) (jirga.Model, error) {
	m, ok := Lookup(name)
	if !ok {
		return nil, jirga.Errorf(jirga.EINVALID, "unknown model %q; models are: %s", name, strings.Join(Names(), ", "))
	}
	return m.build(o)
}

// Parse splits a comma-separated model list; "all" (or "") means every model.
// It reports every unknown name at once.
func Parse(list string) ([]string, error) {
	list = strings.TrimSpace(list)
	if list == "" || list == "all" {
		return Names(), nil
	}
	var out, bad []string
	for _, n := range strings.Split(list, ",") {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if n == "all" {
			return Names(), nil
		}
		if _, ok := Lookup(n); !ok {
			bad = append(bad, fmt.Sprintf("%q", n))
			continue
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	if len(bad) > 0 {
		return nil, jirga.Errorf(jirga.EINVALID, "unknown model %s; models are: %s, or all", strings.Join(bad, ", "), strings.Join(Names(), ", "))
	}
	if len(out) == 0 {
		return nil, jirga.Errorf(jirga.EINVALID, "no model given; models are: %s, or all", strings.Join(Names(), ", "))
	}
	return out, nil
}

// checkParams rejects parameters a model does not know.
func checkParams(model string, params map[string]string, known ...string) error {
	var bad []string
	for k := range params {
		if !slices.Contains(known, k) {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	return jirga.Errorf(jirga.EINVALID, "%s: unknown option %s; known: %s", model, strings.Join(bad, ", "), strings.Join(known, ", "))
}
