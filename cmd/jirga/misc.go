package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"runtime/debug"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/format"
	"github.com/jirga/jirga/models"
)

func runValidate(_ context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("validate", "FILE [flags]", `
Check the scenarios in FILE and report every problem at once, each with the
file, the line where the format has lines, the actor, the issue, the field
and the allowed range. Exit status 2 when there is any problem.

In a dated scenario (one with as_of), no estimate may cite a source
published after the date of its state unless it is marked hindsight: true
with a note saying why; validate prints how many estimates are so marked,
and the dates of the scenario's snapshots. A source without a date, or
dated only by a month or year that contains the as_of, gets a warning.`)
	var in inputFlags
	in.register(m, fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr(fs, "want one FILE")
	}
	ss, err := in.load(pos[0])
	if err != nil {
		return err
	}
	actors, issues, est, ivs := 0, 0, 0, 0
	for _, s := range ss {
		actors += len(s.Actors)
		issues += len(s.Issues)
		e, i := hindsightMarks(s)
		est, ivs = est+e, ivs+i
	}
	fmt.Fprintf(m.Stdout, "%s: ok: %s, %s, %s, %s\n", fileName(pos[0]), countOf(len(ss), "scenario"), countOf(actors, "actor"), countOf(issues, "issue"), hindsightText(est, ivs))
	for _, s := range ss {
		if len(s.Snapshots) == 0 {
			continue
		}
		parts := []string{s.AsOf + " (the scenario)"}
		for _, sn := range s.Snapshots {
			parts = append(parts, fmt.Sprintf("%s (%s)", sn.AsOf, countOf(len(sn.Revisions), "revision")))
		}
		fmt.Fprintf(m.Stdout, "%s: %d dated states: %s\n", s.ID, len(parts), strings.Join(parts, ", "))
	}
	return nil
}

// hindsightMarks counts the estimates and the interventions of s marked
// hindsight, in the scenario itself and in its snapshots' revisions.
func hindsightMarks(s *jirga.Scenario) (estimates, interventions int) {
	estimates, interventions = countMarks(s.Hindsight())
	for _, sn := range s.Snapshots {
		for _, rv := range sn.Revisions {
			if rv.Estimate != nil && rv.Estimate.Hindsight {
				estimates++
			}
		}
	}
	return estimates, interventions
}

// countMarks counts the estimates and the interventions among marks.
func countMarks(marks []jirga.HindsightMark) (estimates, interventions int) {
	for _, h := range marks {
		if h.Intervention != "" {
			interventions++
		} else {
			estimates++
		}
	}
	return estimates, interventions
}

// hindsightText says how many estimates (and interventions, when any) are
// marked hindsight: "0 hindsight estimates".
func hindsightText(estimates, interventions int) string {
	t := countOf(estimates, "hindsight estimate")
	if interventions > 0 {
		t += ", " + countOf(interventions, "hindsight intervention")
	}
	return t
}

// countOf writes n and a noun, plural unless n is 1: "0 hindsight estimates".
func countOf(n int, noun string) string {
	return fmt.Sprintf("%d %s%s", n, noun, plural(n))
}

func runConvert(_ context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("convert", "FILE --to yaml|json [flags]", `
Read FILE in any format jirga reads and write it to standard output as jirga
YAML or JSON. Reading the output back gives the same scenarios. With
--as-of, write the scenario's state as of that date, a scenario of its own
without snapshots.`)
	var in inputFlags
	var to string
	in.register(m, fs)
	in.registerAsOf(fs)
	fs.StringVar(&to, "to", "yaml", "output format: yaml or json")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr(fs, "want one FILE")
	}
	if err := checkFlag(fs, "to", to, "yaml", "json"); err != nil {
		return err
	}
	ss, err := in.load(pos[0])
	if err != nil {
		return err
	}
	return format.Write(m.Stdout, ss, to)
}

func runModels(_ context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("models", "", `
List the models: name, what it computes, its citation and its options
(set with --opt MODEL.KEY=VALUE), each with its allowed values, default,
meaning and source in brackets; a choice lists each value with its meaning
and, where it differs from the option's, its source.
The list is the models' own declarations, as the HTTP API's /api/models
gives them.`)
	if err := parse(fs, args); err != nil {
		return err
	}
	writeModels(m.Stdout)
	return nil
}

// writeModels lists every model and its declared options.
func writeModels(w io.Writer) {
	for _, info := range models.All() {
		kind := "static"
		if info.Dynamic {
			kind = "dynamic"
		}
		fmt.Fprintf(w, "%-10s %s (%s)\n           %s\n", info.Name, info.Summary, kind, info.Citation)
		for _, o := range info.Options {
			fmt.Fprintf(w, "           --opt %s.%s=%s (default %s)\n", info.Name, o.Name, o.Allowed(), o.Default)
			fmt.Fprintf(w, "               %s%s\n", o.Doc, cited(o.Cite))
			if o.File {
				fmt.Fprintf(w, "               names a file: not accepted from HTTP requests\n")
			}
			width := 0
			for _, v := range o.Values {
				width = max(width, len([]rune(v.Name)))
			}
			for _, v := range o.Values {
				line := v.Doc + cited(v.Cite)
				if len(v.Sets) > 0 {
					var sets []string
					for _, k := range slices.Sorted(maps.Keys(v.Sets)) {
						sets = append(sets, k+"="+v.Sets[k])
					}
					line += "; sets " + strings.Join(sets, ", ")
				}
				fmt.Fprintf(w, "               %-*s  %s\n", width, v.Name, line)
			}
		}
	}
}

// cited appends a source in brackets, or nothing.
func cited(src string) string {
	if src == "" {
		return ""
	}
	return " [" + src + "]"
}

func runExamples(_ context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("examples", "", `
List the built-in example scenarios. Use one as FILE with example:NAME, e.g.
jirga forecast example:emission.`)
	if err := parse(fs, args); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	for _, e := range examples.All() {
		fmt.Fprintf(tw, "example:%s\t%s\n", e.Name, e.Title)
	}
	return tw.Flush()
}

// Version is the engine version, set at build time with
// -ldflags "-X main.Version=v1.2.3"; otherwise taken from the build info.
var Version = ""

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return jirga.Version
}

func runVersion(_ context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("version", "", "Print jirga's version.")
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "jirga %s\n", version())
	return nil
}

func runHelp(_ context.Context, m *Main, args []string) error {
	if len(args) == 0 {
		m.usage(m.Stdout)
		return nil
	}
	switch args[0] {
	case "-h", "-help", "--help":
		fmt.Fprint(m.Stdout, "Usage: jirga help [COMMAND | --all]\n\nShow the commands, a command's flags, or (--all) the whole reference as\nMarkdown, which is docs/cli.md.\n")
		return nil
	case "--all", "-all":
		writeReference(m)
		return nil
	}
	for _, c := range commands {
		if c.name == args[0] {
			helpFor(m, c)
			return nil
		}
	}
	return jirga.Errorf(jirga.EINVALID, "help: unknown command %q; commands: %s", args[0], commandNames())
}

// writeReference writes the help of every command as Markdown: docs/cli.md is
// this output (jirga help --all > docs/cli.md), and a test keeps them equal.
func writeReference(m *Main) {
	fmt.Fprint(m.Stdout, "# jirga command-line reference\n\n")
	fmt.Fprint(m.Stdout, "Generated by `jirga help --all > docs/cli.md`; do not edit by hand.\n\n")
	fmt.Fprint(m.Stdout, "```text\n")
	m.usage(m.Stdout)
	fmt.Fprint(m.Stdout, "```\n")
	for _, c := range commands {
		if c.name == "help" {
			continue
		}
		fmt.Fprintf(m.Stdout, "\n## jirga %s\n\n```text\n", c.name)
		helpFor(m, c)
		fmt.Fprint(m.Stdout, "```\n")
	}
	fmt.Fprint(m.Stdout, "\n## Models and their options\n\nThe output of `jirga models`: every option as its model declares it.\n\n```text\n")
	writeModels(m.Stdout)
	fmt.Fprint(m.Stdout, "```\n")
}

// helpFor prints a command's usage to standard output by running it with -h.
func helpFor(m *Main, c command) {
	sub := *m
	sub.Stderr = m.Stdout
	c.run(context.Background(), &sub, []string{"-h"})
}

func commandNames() string {
	var names []string
	for _, c := range commands {
		names = append(names, c.name)
	}
	return strings.Join(names, ", ")
}
