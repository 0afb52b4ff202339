package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/format"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/sweep"
)

// inputFlags are the flags of every command that reads a scenario.
type inputFlags struct {
	format     string
	capability string
	// salienceScale is the top of the scale the file writes saliences on.
	salienceScale float64
	// asOf picks a dated state of each scenario (registerAsOf).
	asOf string
	// warnings receives the reader's warnings: the flag set's output.
	warnings io.Writer
	// stdin is read for the FILE "-", once.
	stdin     io.Reader
	stdinRead bool
}

// stdinName names standard input, the FILE "-", in messages. Formats
// without ids of their own (Decide, CSV) name such a scenario from its
// content (see package format).
const stdinName = "<stdin>"

// fileName is how messages name path: "-" is standard input.
func fileName(path string) string {
	if path == "-" {
		return stdinName
	}
	return path
}

func (f *inputFlags) register(m *Main, fs *flag.FlagSet) {
	f.stdin = m.Stdin
	fs.StringVar(&f.format, "input-format", "", "input format: "+format.Names()+" (default: detected from the content)")
	fs.StringVar(&f.capability, "capability", "", "DEU capabilities: equal or council (default equal)")
	fs.Float64Var(&f.salienceScale, "salience-scale", 0, "the top of the scale the file writes saliences on, e.g. 1 for 0–1 (default: the file's salience_scale, else 100)")
	f.warnings = fs.Output()
}

// registerAsOf adds --as-of, for commands that analyse one state of a
// scenario.
func (f *inputFlags) registerAsOf(fs *flag.FlagSet) {
	fs.StringVar(&f.asOf, "as-of", "", "use the scenario's state as of `DATE` (YYYY-MM-DD): its last snapshot dated on or before DATE (default: the scenario itself, its first state)")
}

// read reads the scenarios in path as they are, snapshots and all; "" means
// the built-in flagship scenario, "example:NAME" a built-in example, and
// "-" standard input (once). Warnings go to f.warnings.
func (f *inputFlags) read(path string) ([]*jirga.Scenario, error) {
	opt := format.Options{Format: f.format, Capability: f.capability, SalienceScale: f.salienceScale}
	if f.warnings != nil {
		opt.Warn = func(ve *jirga.ValidationError) { fmt.Fprintf(f.warnings, "warning: %v\n", ve) }
	}
	if path == "" {
		path = "example:" + examples.Flagship
	}
	if name, ok := strings.CutPrefix(path, "example:"); ok {
		return examples.Load(name, opt)
	}
	if path == "-" {
		if f.stdin == nil || f.stdinRead {
			return nil, jirga.Errorf(jirga.EINVALID, "standard input (-) can be read only once; give - as one FILE")
		}
		f.stdinRead = true
		data, err := io.ReadAll(io.LimitReader(f.stdin, format.MaxSize+1))
		if err != nil {
			return nil, jirga.Errorf(jirga.EINVALID, "%s: %w", stdinName, err)
		}
		return format.Read(stdinName, data, opt)
	}
	return format.ReadFile(path, opt)
}

// bytes returns the content of the file path, "-" standard input, which
// f.read then reads again from the same bytes (a command that hashes its
// input reads it this way first).
func (f *inputFlags) bytes(path string) ([]byte, error) {
	if path != "-" {
		return os.ReadFile(path)
	}
	if f.stdin == nil || f.stdinRead {
		return nil, jirga.Errorf(jirga.EINVALID, "standard input (-) can be read only once; give - as one FILE")
	}
	data, err := io.ReadAll(io.LimitReader(f.stdin, format.MaxSize+1))
	if err != nil {
		return nil, jirga.Errorf(jirga.EINVALID, "%s: %w", stdinName, err)
	}
	f.stdin = bytes.NewReader(data)
	return data, nil
}

// load reads the scenarios in path and, with --as-of, replaces each by its
// state as of that date.
func (f *inputFlags) load(path string) ([]*jirga.Scenario, error) {
	ss, err := f.read(path)
	if err != nil || f.asOf == "" {
		return ss, err
	}
	for i, s := range ss {
		if ss[i], err = s.At(f.asOf); err != nil {
			return nil, err
		}
	}
	return ss, nil
}

// loadOne reads a file that must hold exactly one scenario, in its state
// as of --as-of.
func (f *inputFlags) loadOne(path string) (*jirga.Scenario, error) {
	return one(path)(f.load(path))
}

// readOne reads a file that must hold exactly one scenario, as it is.
func (f *inputFlags) readOne(path string) (*jirga.Scenario, error) {
	return one(path)(f.read(path))
}

func one(path string) func([]*jirga.Scenario, error) (*jirga.Scenario, error) {
	return func(ss []*jirga.Scenario, err error) (*jirga.Scenario, error) {
		if err != nil {
			return nil, err
		}
		if len(ss) != 1 {
			return nil, jirga.Errorf(jirga.EINVALID, "%s holds %d scenarios; this command takes one", fileName(orFlagship(path)), len(ss))
		}
		return ss[0], nil
	}
}

func orFlagship(path string) string {
	if path == "" {
		return "example:" + examples.Flagship
	}
	return path
}

// modelFlags are the flags of every command that runs models.
type modelFlags struct {
	list   string
	rounds int
	seed   uint64
	opts   optFlag
}

func (f *modelFlags) register(fs *flag.FlagSet, def string) {
	fs.StringVar(&f.list, "model", def, "comma-separated models, or all (see jirga models)")
	fs.IntVar(&f.rounds, "rounds", 0, "rounds of the dynamic models (default: each model's own)")
	fs.Uint64Var(&f.seed, "seed", 1, "seed for stochastic model options")
	fs.Var(&f.opts, "opt", "model option MODEL.KEY=VALUE, repeatable (e.g. nbs.utility=linear)")
}

// build returns the chosen models. The options are parsed by
// models.Build, as the HTTP API's are, so both give the same messages.
func (f *modelFlags) build() ([]jirga.Model, error) {
	names, err := models.Parse(f.list)
	if err != nil {
		return nil, err
	}
	return models.Build(names, f.rounds, f.seed, f.opts, models.Trusted)
}

// optFlag collects repeated MODEL.KEY=VALUE flags.
type optFlag map[string]string

var _ flag.Value = (*optFlag)(nil)

func (o *optFlag) String() string {
	if o == nil || *o == nil {
		return ""
	}
	var parts []string
	for k, v := range *o {
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func (o *optFlag) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	mname, key, dotted := strings.Cut(k, ".")
	if !ok || !dotted || mname == "" || key == "" {
		return fmt.Errorf("want MODEL.KEY=VALUE, got %q", s)
	}
	if *o == nil {
		*o = optFlag{}
	}
	(*o)[k] = v
	return nil
}

// parseFileArg parses args, flags and the single optional FILE in any
// order, and returns FILE ("" when absent: the flagship scenario).
func parseFileArg(fs *flag.FlagSet, args []string) (string, error) {
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return "", err
	}
	return oneArg(fs, pos)
}

// oneArg returns the single optional positional argument.
func oneArg(fs *flag.FlagSet, args []string) (string, error) {
	switch len(args) {
	case 0:
		return "", nil
	case 1:
		return args[0], nil
	}
	return "", usageErr(fs, "want at most one FILE, got %d arguments", len(args))
}

// uncertaintyFlags are the flags of every command that draws scenarios from
// the inputs' uncertainty (sweep, deal, report, backtest --coverage). Their
// syntax and ranges are sweep.Uncertainty's, which the HTTP API's
// "uncertainty" of sweep and deal runs shares.
type uncertaintyFlags struct {
	list string
	none bool
}

func (f *uncertaintyFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.none, "no-default-uncertainty", false, "apply no default uncertainty to numbers without a range or dist of their own")
	fs.StringVar(&f.list, "uncertainty", "", "default uncertainty of numbers without a range or dist of their own, e.g. position=0.1,salience=15,capability=0.2,status_quo=0.05 (keys not given keep their default, or 0 with --no-default-uncertainty)")
}

// value returns the default uncertainty the flags ask for.
func (f *uncertaintyFlags) value() (sweep.Uncertainty, error) {
	u := sweep.DefaultUncertainty()
	if f.none {
		u = sweep.Uncertainty{}
	}
	if err := u.Parse(f.list); err != nil {
		return u, fmt.Errorf("--uncertainty: %w", err)
	}
	return u, nil
}
