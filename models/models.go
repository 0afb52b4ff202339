// Package models is the registry of jirga's forecasting models: it names
// them, describes them, and builds them from generic options, so that the
// CLI and the HTTP server offer the same models the same way.
package models

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/baseline"
	"github.com/jirga/jirga/bdm"
	"github.com/jirga/jirga/exchange"
	"github.com/jirga/jirga/smp"
	"github.com/jirga/jirga/stack"
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
	// File marks a parameter whose value names a file that building the
	// model reads. Only a caller trusted with the machine's files may set
	// it: the command line may, a request to the server may not (see
	// Info.FileParam).
	File bool
}

// FileParam reports whether the model's parameter name names a file (see
// Param.File). Callers that take options from untrusted input refuse such
// parameters before they build the model, which would read the file.
func (m Info) FileParam(name string) bool {
	for _, p := range m.Params {
		if p.Name == name {
			return p.File
		}
	}
	return false
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
	{
		Name:     "smp",
		Summary:  "KTAB Spatial Model of Politics: challenges, third parties, S²P² bargains and probabilistic Condorcet elections, turn by turn",
		Citation: "KAPSARC Toolkit for Behavioral Analysis (KTAB), MIT licence; Wise, Lester & Efird (2015); Efird, Lester & Wise (2016)",
		Dynamic:  true,
		Params:   smpParams(),
		Explain:  smp.Explain,
		build: func(o Options) (jirga.Model, error) {
			known := append(slices.Clone(smp.OptionNames), "turns", "seed")
			if err := checkParams("smp", o.Params, known...); err != nil {
				return nil, err
			}
			set := smp.Settings{MaxTurns: o.Rounds, FallbackSeed: o.Seed}
			for _, k := range smp.OptionNames {
				if v, ok := o.Params[k]; ok {
					if err := set.Set(k, v); err != nil {
						return nil, jirga.Errorf(jirga.EINVALID, "smp: %v", err)
					}
				}
			}
			if v, ok := o.Params["turns"]; ok {
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 {
					return nil, jirga.Errorf(jirga.EINVALID, "smp: turns %q must be a whole number ≥ 1", v)
				}
				set.MaxTurns = n
			}
			if v, ok := o.Params["seed"]; ok {
				n, err := strconv.ParseUint(v, 10, 64)
				if err != nil || n == 0 {
					return nil, jirga.Errorf(jirga.EINVALID, "smp: seed %q must be a whole number ≥ 1", v)
				}
				set.Seed = n
			}
			return smp.Model{Settings: set}, nil
		},
	},
	{
		Name:     "exchange",
		Summary:  "Stokman's equal-gain exchange model: actors trade voting positions across pairs of issues",
		Citation: "Stokman & Van Oosten (1994), in Bueno de Mesquita & Stokman (eds.), European Community Decision Making, ch. 5; Stokman & Thomson (2015); Dijkstra et al. (2018) for rate=random",
		Dynamic:  true,
		Params: []Param{
			{Name: "update", Values: "recalculate | drop", Default: "recalculate",
				Doc: "after an exchange, recalculate the exchanges touching a moved position, or drop those sharing an actor and supply issue"},
			{Name: "rate", Values: "equal | random", Default: "equal",
				Doc: "equal gains, or a rate drawn (with --seed) between the two actors' indifference rates"},
			{Name: "fixed_weight", Values: "[0, 1]", Default: "0.1", Doc: "w = fixed_weight + salience_weight·(1 − s) in x′ = (1 − w)x + w·y"},
			{Name: "salience_weight", Values: "[0, 1]", Default: "0.4", Doc: "see fixed_weight; their sum must be ≤ 1"},
		},
		Explain: exchange.Explain,
		build: func(o Options) (jirga.Model, error) {
			if err := checkParams("exchange", o.Params, "update", "rate", "fixed_weight", "salience_weight"); err != nil {
				return nil, err
			}
			m := exchange.Model{Rounds: o.Rounds, Seed: o.Seed, Update: o.Params["update"], Rate: o.Params["rate"]}
			for key, dst := range map[string]**float64{"fixed_weight": &m.FixedWeight, "salience_weight": &m.SalienceWeight} {
				v, ok := o.Params[key]
				if !ok {
					continue
				}
				x, err := strconv.ParseFloat(v, 64)
				if err != nil || x < 0 || x > 1 {
					return nil, jirga.Errorf(jirga.EINVALID, "exchange: %s must be a number in [0, 1], got %q", key, v)
				}
				*dst = &x
			}
			return m, nil
		},
	},
	{
		Name:     "stacked",
		Summary:  "weighted mean corrected by a robust regression on other forecasts and issue features, fitted on DEU (EU legislation, 0–100 scales)",
		Citation: "this project, docs/backtest.md; Huber (1964), Ann. Math. Statist. 35(1); Wolpert (1992), Neural Networks 5(2)",
		Params: []Param{{Name: "params", Values: "path to a JSON file written by jirga backtest fit", Default: "the parameters shipped with the binary",
			Doc: "fitted parameters to use instead of the shipped ones (command line only: the server refuses options that name files)", File: true}},
		build: func(o Options) (jirga.Model, error) {
			if err := checkParams("stacked", o.Params, "params"); err != nil {
				return nil, err
			}
			if path := o.Params["params"]; path != "" {
				p, err := stack.ReadParams(path)
				if err != nil {
					return nil, err
				}
				return &stack.Model{P: p}, nil
			}
			return stack.New()
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

// smpParams documents the smp options: the nine KTAB parameters and the
// turn cap.
func smpParams() []Param {
	var ps []Param
	for _, k := range smp.OptionNames {
		ps = append(ps, Param{Name: k, Values: strings.Join(smp.OptionValues(k), " | "), Default: smp.Defaults[k],
			Doc: "KTAB parameter; when not given, the scenario's ktab." + k + " attribute, else KTAB's default"})
	}
	ps = append(ps, Param{Name: "turns", Values: "1–∞", Default: "100", Doc: "turn cap (KTAB stops at 100); same as --rounds"})
	ps = append(ps, Param{Name: "seed", Values: "1–2⁶⁴−1", Default: "the scenario's ktab.seed, else --seed",
		Doc: "seed of the Stochastic transitions; overrides a KTAB file's prngSeed"})
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

// New builds the named model with the given options. It rejects a
// parameter that the model's Info.Params does not list, so that a misspelt
// option is never silently ignored.
func New(name string, o Options) (jirga.Model, error) {
	m, ok := Lookup(name)
	if !ok {
		return nil, jirga.Errorf(jirga.EINVALID, "unknown model %q; models are: %s", name, strings.Join(Names(), ", "))
	}
	known := make([]string, len(m.Params))
	for i, p := range m.Params {
		known[i] = p.Name
	}
	if err := checkParams(name, o.Params, known...); err != nil {
		return nil, err
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
	if len(known) == 0 {
		return jirga.Errorf(jirga.EINVALID, "%s: unknown option %s; %s takes no options", model, strings.Join(bad, ", "), model)
	}
	return jirga.Errorf(jirga.EINVALID, "%s: unknown option %s; known: %s", model, strings.Join(bad, ", "), strings.Join(known, ", "))
}
