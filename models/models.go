// Package models is the registry of jirga's forecasting models: it names
// them, describes them, and builds them from generic options, so that the
// CLI and the HTTP server offer the same models the same way.
package models

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/baseline"
	"github.com/jirga/jirga/bdm"
	"github.com/jirga/jirga/exchange"
	"github.com/jirga/jirga/option"
	"github.com/jirga/jirga/smp"
	"github.com/jirga/jirga/stack"
)

// Options are the settings every model understands, plus model-specific
// parameters given as key=value pairs (--opt MODEL.KEY=VALUE on the command
// line; [Build] passes each model only its own keys, without the prefix).
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
	// Options are the model-specific options, as the model's package
	// declares them.
	Options []option.Option
	// Explain, when set, writes a readable account of a dynamic model's
	// result (used by jirga explain).
	Explain func(w io.Writer, s *jirga.Scenario, r *jirga.Result) error
	// Settled, when set, says in a paragraph whether a dynamic model's run
	// settled and how it moved where it did not (the end of Explain).
	Settled func(s *jirga.Scenario, r *jirga.Result) string
	// New builds the model from the common settings and its own options;
	// the model's package parses them from its declaration.
	New func(c option.Common, params map[string]string) (jirga.Model, error)
}

// registry lists the models. Each model's package declares and parses its
// own options.
var registry = []Info{
	{
		Name:     "mean",
		Summary:  "capability × salience weighted mean of positions (the compromise model)",
		Citation: "Achen (2006), in Thomson, Stokman, Achen & König (eds.), The European Union Decides, ch. 10",
		New:      fixed("mean", baseline.Mean{}),
	},
	{
		Name:     "median",
		Summary:  "capability × salience weighted median of positions",
		Citation: "Black (1948), J. Political Economy 56(1); Achen (2006)",
		New:      fixed("median", baseline.Median{}),
	},
	{
		Name:     "condorcet",
		Summary:  "pairwise Condorcet winner among actor positions (the median voter)",
		Citation: "Bueno de Mesquita (1994), in Bueno de Mesquita & Stokman (eds.), European Community Decision Making, ch. 4",
		New:      fixed("condorcet", baseline.Condorcet{}),
	},
	{
		Name:     "nbs",
		Summary:  "asymmetric Nash bargaining solution, status quo as disagreement point",
		Citation: "Nash (1950), Econometrica 18(2); Achen (2006)",
		Options:  baseline.NBSOptions(),
		New:      baseline.NBSFromOptions,
	},
	{
		Name:     "bdm",
		Summary:  "Bueno de Mesquita's expected-utility (challenge) model, issue by issue, forecast = median voter after the last round",
		Citation: "Bueno de Mesquita (1994), in Bueno de Mesquita & Stokman (eds.), European Community Decision Making, ch. 4; Scholz, Calbert & Smith (2011), J. Theoretical Politics 23(4)",
		Dynamic:  true,
		Options:  bdm.Options(),
		Explain:  bdm.Explain,
		Settled:  bdm.Settled,
		New:      bdm.FromOptions,
	},
	{
		Name:     "smp",
		Summary:  "KTAB Spatial Model of Politics: challenges, third parties, S²P² bargains and probabilistic Condorcet elections, turn by turn",
		Citation: "KAPSARC Toolkit for Behavioral Analysis (KTAB), MIT licence; Wise, Lester & Efird (2015); Efird, Lester & Wise (2016)",
		Dynamic:  true,
		Options:  smp.Options(),
		Explain:  smp.Explain,
		Settled:  smp.Settled,
		New:      smp.FromOptions,
	},
	{
		Name:     "exchange",
		Summary:  "Stokman's equal-gain exchange model: actors trade voting positions across pairs of issues",
		Citation: "Stokman & Van Oosten (1994), in Bueno de Mesquita & Stokman (eds.), European Community Decision Making, ch. 5; Stokman & Thomson (2015); Dijkstra et al. (2018) for rate=random",
		Dynamic:  true,
		Options:  exchange.Options(),
		Explain:  exchange.Explain,
		Settled:  exchange.Settled,
		New:      exchange.FromOptions,
	},
	{
		Name:     "stacked",
		Summary:  "weighted mean corrected by a robust regression on other forecasts and issue features, fitted on DEU (EU legislation, 0–100 scales)",
		Citation: "this project, docs/backtest.md; Huber (1964), Ann. Math. Statist. 35(1); Wolpert (1992), Neural Networks 5(2)",
		Options:  stack.Options(),
		New:      stack.FromOptions,
	},
}

// fixed returns the constructor of a model that takes no options.
func fixed(name string, m jirga.Model) func(option.Common, map[string]string) (jirga.Model, error) {
	return func(_ option.Common, params map[string]string) (jirga.Model, error) {
		if err := option.NewSet(name).Parse(params); err != nil {
			return nil, err
		}
		return m, nil
	}
}

// All returns every registered model in display order.
func All() []Info {
	out := slices.Clone(registry)
	for i := range out {
		out[i].Options = slices.Clone(out[i].Options)
	}
	return out
}

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

// New builds the named model with the given options, which its package
// parses from its declaration: an unknown option or a bad value is an
// EINVALID error, so that a misspelt option is never silently ignored and
// a bad value is caught before any run starts.
func New(name string, o Options) (jirga.Model, error) {
	m, ok := Lookup(name)
	if !ok {
		return nil, jirga.Errorf(jirga.EINVALID, "unknown model %q; models are: %s", name, strings.Join(Names(), ", "))
	}
	return m.New(option.Common{Rounds: o.Rounds, Seed: o.Seed}, o.Params)
}

// Caller says who gives the options to [Build].
type Caller int

const (
	// Trusted callers (the command line, Go code) may give every option.
	Trusted Caller = iota
	// Untrusted callers (an HTTP request) may not give an option that names
	// a file (Option.File): that would let a request read the server's
	// files.
	Untrusted
)

// Build builds the named models with rounds, seed and the model options in
// opts, keyed MODEL.KEY as --opt MODEL.KEY=VALUE on the command line and
// "opts" in the HTTP API give them. It is the one parser of both: the same
// input gives the same models or the same message. It checks every key
// (the model must exist and be among names) and every model's options
// before building any model, and reports every problem at once.
func Build(names []string, rounds int, seed uint64, opts map[string]string, caller Caller) ([]jirga.Model, error) {
	if rounds < 0 {
		return nil, jirga.Errorf(jirga.EINVALID, "rounds must be ≥ 0, got %d", rounds)
	}
	params := map[string]map[string]string{}
	var problems []string
	for _, k := range slices.Sorted(maps.Keys(opts)) {
		mname, key, ok := strings.Cut(k, ".")
		if !ok || mname == "" || key == "" {
			problems = append(problems, fmt.Sprintf("option %q: want MODEL.KEY", k))
			continue
		}
		info, known := Lookup(mname)
		switch {
		case !known:
			problems = append(problems, fmt.Sprintf("option %s: unknown model %q; models are: %s", k, mname, strings.Join(Names(), ", ")))
			continue
		case !slices.Contains(names, mname):
			problems = append(problems, fmt.Sprintf("option %s: model %s is not among the models run (%s)", k, mname, strings.Join(names, ",")))
			continue
		}
		if caller == Untrusted {
			if i := slices.IndexFunc(info.Options, func(o option.Option) bool { return o.Name == key }); i >= 0 && info.Options[i].File {
				problems = append(problems, fmt.Sprintf("option %s names a file on the server and cannot be given in a request", k))
				continue
			}
		}
		if params[mname] == nil {
			params[mname] = map[string]string{}
		}
		params[mname][key] = opts[k]
	}
	var out []jirga.Model
	for _, n := range names {
		m, err := New(n, Options{Rounds: rounds, Seed: seed, Params: params[n]})
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		out = append(out, m)
	}
	if len(problems) > 0 {
		return nil, jirga.Errorf(jirga.EINVALID, "%s", strings.Join(problems, "\n"))
	}
	return out, nil
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

// Custom describes the settings of model name that differ from its
// defaults, given the rounds and the MODEL.KEY options (as [Build] takes
// them) of a run: "rounds=12" for a dynamic model when rounds is not 0,
// then each of its own options whose value is not the declared default, in
// key order; "" when the model runs with its defaults. Calibrations of a
// model's errors hold for its defaults only (package calib).
func Custom(name string, rounds int, opts map[string]string) string {
	info, ok := Lookup(name)
	if !ok {
		return ""
	}
	var parts []string
	if rounds != 0 && info.Dynamic {
		parts = append(parts, fmt.Sprintf("rounds=%d", rounds))
	}
	for _, k := range slices.Sorted(maps.Keys(opts)) {
		mname, key, _ := strings.Cut(k, ".")
		if mname != name {
			continue
		}
		if i := slices.IndexFunc(info.Options, func(o option.Option) bool { return o.Name == key }); i >= 0 && info.Options[i].Default == opts[k] {
			continue
		}
		parts = append(parts, key+"="+opts[k])
	}
	return strings.Join(parts, ", ")
}

// CustomAll returns [Custom] of each of names, keyed by name.
func CustomAll(names []string, rounds int, opts map[string]string) map[string]string {
	out := make(map[string]string, len(names))
	for _, n := range names {
		out[n] = Custom(n, rounds, opts)
	}
	return out
}
