package main

import (
	"context"
	"strings"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/models"
)

func runExplain(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("explain", "--model NAME [FILE] [flags]", `
Run one dynamic model on the scenario in FILE and tell its rounds as a
story: per issue and round, who challenged whom, who gave way and why, with
the numbers behind each step. With no FILE, use the built-in flagship
scenario. Static models have no rounds to explain.`)
	var in inputFlags
	var mf modelFlags
	var issue string
	in.register(m, fs)
	in.registerAsOf(fs)
	mf.register(fs, "bdm")
	fs.StringVar(&issue, "issue", "", "explain only this issue (default: every issue)")
	path, err := parseFileArg(fs, args)
	if err != nil {
		return err
	}
	names, err := models.Parse(mf.list)
	if err != nil {
		return err
	}
	if len(names) != 1 || strings.Contains(mf.list, ",") || mf.list == "all" {
		return jirga.Errorf(jirga.EINVALID, "explain: --model takes one model, got %q", mf.list)
	}
	if _, err := models.Explainer(names[0]); err != nil {
		return err
	}
	ms, err := mf.build()
	if err != nil {
		return err
	}
	s, err := in.loadOne(path)
	if err != nil {
		return err
	}
	m.warnCost("explain", []*jirga.Scenario{s}, 1, mf.job(jirga.KindForecast))
	_, err = models.Explain(ctx, m.Stdout, s, ms[0], issue)
	return err
}
