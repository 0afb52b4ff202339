package models

import (
	"context"
	"io"
	"strings"

	"github.com/jirga/jirga"
)

// Explainer returns the Info of the named model when it can tell its rounds
// as a story (a dynamic model with an Explain), and otherwise an EINVALID
// error naming the models that can.
func Explainer(name string) (Info, error) {
	info, ok := Lookup(name)
	if !ok {
		return Info{}, jirga.Errorf(jirga.EINVALID, "unknown model %q; models are: %s", name, strings.Join(Names(), ", "))
	}
	if !info.Dynamic || info.Explain == nil {
		var dyn []string
		for _, i := range registry {
			if i.Dynamic && i.Explain != nil {
				dyn = append(dyn, i.Name)
			}
		}
		return Info{}, jirga.Errorf(jirga.EINVALID, "explain: model %q is static and has no rounds to explain; models with explanations: %s", info.Name, strings.Join(dyn, ", "))
	}
	return info, nil
}

// ExplainIssue returns s limited to the issue with the given id (a copy
// without the other issues and their stances), or s itself for "", and an
// EINVALID error naming the issues when there is no such issue.
func ExplainIssue(s *jirga.Scenario, issue string) (*jirga.Scenario, error) {
	if issue == "" {
		return s, nil
	}
	if s.Issue(issue) == nil {
		var ids []string
		for _, is := range s.Issues {
			ids = append(ids, is.ID)
		}
		return nil, jirga.Errorf(jirga.EINVALID, "explain: issue %q: no such issue; issues are: %s", issue, strings.Join(ids, ", "))
	}
	c := s.Clone()
	c.Issues = []*jirga.Issue{c.Issue(issue)}
	for _, a := range c.Actors {
		for id := range a.Stances {
			if id != issue {
				delete(a.Stances, id)
			}
		}
	}
	return c, nil
}

// Explain forecasts s (limited to issue, unless "") with m, a model that
// Explainer accepts, and writes the story of its rounds to w, as jirga
// explain prints it. It returns the model's result.
func Explain(ctx context.Context, w io.Writer, s *jirga.Scenario, m jirga.Model, issue string) (*jirga.Result, error) {
	info, err := Explainer(m.Name())
	if err != nil {
		return nil, err
	}
	if s, err = ExplainIssue(s, issue); err != nil {
		return nil, err
	}
	r, err := m.Forecast(ctx, s)
	if err != nil {
		return nil, err
	}
	return r, info.Explain(w, s, r)
}
