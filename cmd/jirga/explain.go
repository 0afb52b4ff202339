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
	in.register(fs)
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
	info, _ := models.Lookup(names[0])
	if !info.Dynamic || info.Explain == nil {
		var dyn []string
		for _, i := range models.All() {
			if i.Dynamic && i.Explain != nil {
				dyn = append(dyn, i.Name)
			}
		}
		return jirga.Errorf(jirga.EINVALID, "explain: model %q is static and has no rounds to explain; models with explanations: %s", info.Name, strings.Join(dyn, ", "))
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
	if issue != "" {
		is := s.Issue(issue)
		if is == nil {
			var ids []string
			for _, is := range s.Issues {
				ids = append(ids, is.ID)
			}
			return jirga.Errorf(jirga.EINVALID, "explain: --issue %q: no such issue; issues are: %s", issue, strings.Join(ids, ", "))
		}
		s = onlyIssue(s, is)
	}
	r, err := ms[0].Forecast(ctx, s)
	if err != nil {
		return err
	}
	return info.Explain(m.Stdout, s, r)
}

// onlyIssue returns a copy of s with is as its only issue, dropping the
// other issues' stances.
func onlyIssue(s *jirga.Scenario, is *jirga.Issue) *jirga.Scenario {
	c := s.Clone()
	c.Issues = []*jirga.Issue{c.Issue(is.ID)}
	for _, a := range c.Actors {
		for id := range a.Stances {
			if id != is.ID {
				delete(a.Stances, id)
			}
		}
	}
	return c
}
