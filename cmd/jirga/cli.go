package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/jirga/jirga"
)

// Exit statuses.
const (
	exitOK       = 0
	exitFailure  = 1 // the command failed for a reason other than its input
	exitBadInput = 2 // bad flags, files or scenarios
)

// Main is the jirga program with its environment, so that tests can run it
// without a process.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// IsTerminal reports whether w is an interactive terminal (progress bars
	// are drawn only there).
	IsTerminal func(w io.Writer) bool
	// AvailableMemory returns the bytes of memory the machine has available,
	// 0 if unknown; nil reads /proc/meminfo. Commands warn before a run
	// estimated to need more.
	AvailableMemory func() float64
}

// NewMain returns a Main wired to the process's standard streams.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, IsTerminal: isTerminal}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, m *Main, args []string) error
}

// commands lists the subcommands in the order help shows them.
var commands []command

func init() {
	commands = []command{
		{"forecast", "forecast a scenario with one or more models", runForecast},
		{"explain", "narrate a dynamic model's rounds: who challenged whom and who gave way", runExplain},
		{"sweep", "forecast intervals from Monte Carlo draws of the inputs", runSweep},
		{"compare", "compare forecasts under the scenario's named interventions", runCompare},
		{"levers", "rank which actors' moves change the forecast (or a deal) most", runLevers},
		{"deal", "is there a zone of possible agreement, and how likely is a deal", runDeal},
		{"timeline", "forecast every dated state of a negotiation and show what moved the forecast", runTimeline},
		{"report", "write a self-contained HTML report with charts and sources", runReport},
		{"validate", "check a scenario file and report every problem", runValidate},
		{"backtest", "score models on decisions with known outcomes (DEU); fit and cross-validate the stacked model", runBacktest},
		{"convert", "convert any readable format to jirga YAML or JSON", runConvert},
		{"serve", "serve the JSON API and web UI with a run history", runServe},
		{"worker", "compute the runs jirga serve stores, beside it, on any machine", runWorker},
		{"models", "list the models with a line and a citation each", runModels},
		{"examples", "list the built-in example scenarios", runExamples},
		{"version", "print the version", runVersion},
		{"help", "show help for a command", runHelp},
	}
}

// Run runs the command line args (without the program name) and returns the
// exit status.
func (m *Main) Run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		m.usage(m.Stderr)
		return exitBadInput
	}
	name, rest := args[0], args[1:]
	switch name {
	case "-h", "-help", "--help":
		m.usage(m.Stdout)
		return exitOK
	case "-version", "--version":
		name = "version"
	}
	for _, c := range commands {
		if c.name == name {
			return m.report(c.run(ctx, m, rest))
		}
	}
	fmt.Fprintf(m.Stderr, "jirga: unknown command %q\n\n", name)
	m.usage(m.Stderr)
	return exitBadInput
}

// report prints err, if any, and maps it to an exit status.
func (m *Main) report(err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errUsage):
		return exitBadInput
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(m.Stderr, "jirga: interrupted")
		return exitFailure
	}
	if ves := jirga.ValidationErrors(err); len(ves) > 0 {
		for _, ve := range ves {
			fmt.Fprintln(m.Stderr, ve.Error())
		}
		fmt.Fprintf(m.Stderr, "jirga: %d problem%s found\n", len(ves), plural(len(ves)))
		return exitBadInput
	}
	switch jirga.ErrorCode(err) {
	case jirga.EINVALID, jirga.ENOTFOUND:
		fmt.Fprintf(m.Stderr, "jirga: %v\n", err)
		return exitBadInput
	}
	fmt.Fprintf(m.Stderr, "jirga: %v\n", err)
	return exitFailure
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// errUsage is returned after a usage message has been printed.
var errUsage = errors.New("usage")

func (m *Main) usage(w io.Writer) {
	fmt.Fprint(w, `jirga forecasts negotiations: will there be a deal, on what terms, and which
levers would change that.

Usage:

	jirga <command> [arguments]

Commands:

`)
	for _, c := range commands {
		fmt.Fprintf(w, "\t%-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
With no FILE, commands use the built-in flagship scenario, the Pakistan–TTP
talks of 2022 (examples/pakistan-ttp-2022.yaml). FILE - reads standard input,
e.g. jirga convert cop21.tsv --to yaml | jirga forecast -.

Run "jirga help <command>" for a command's flags.
`)
}

// newFlagSet returns a flag set for a subcommand whose usage goes to
// m.Stderr and that returns errors instead of exiting.
func (m *Main) newFlagSet(name, synopsis, doc string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: %s\n\n%s\n", strings.TrimSpace("jirga "+name+" "+synopsis), strings.TrimSpace(doc))
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprint(w, "\nFlags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parse parses args with fs and maps a parse failure to errUsage.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

// parseInterspersed parses args allowing flags after positional arguments
// (jirga forecast FILE --model all), and returns the positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parse(fs, args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// usageErr prints msg and the command's usage and returns errUsage.
func usageErr(fs *flag.FlagSet, format string, args ...any) error {
	fmt.Fprintf(fs.Output(), "jirga %s: %s\n", fs.Name(), fmt.Sprintf(format, args...))
	fs.Usage()
	return errUsage
}
