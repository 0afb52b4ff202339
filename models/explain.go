package models

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
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
// Explainer accepts, and writes to w the summary of its rounds and then
// their whole story, as jirga explain --detail prints them (see
// [ExplainTo]). It returns the model's result.
func Explain(ctx context.Context, w io.Writer, s *jirga.Scenario, m jirga.Model, issue string) (*jirga.Result, error) {
	return ExplainTo(ctx, w, s, m, issue, true)
}

// ExplainTo forecasts s (limited to issue, unless "") with m, a model that
// Explainer accepts, and writes to w a summary of its rounds (one line per
// round and issue: the outcome, how many actors moved, the biggest mover
// and why; see [Summary]) and whether it settled; with detail, the model's
// full story of its rounds (every offer, challenge and bargain) follows
// the summary. It returns the model's result.
func ExplainTo(ctx context.Context, w io.Writer, s *jirga.Scenario, m jirga.Model, issue string, detail bool) (*jirga.Result, error) {
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
	bw := bufio.NewWriter(w)
	title := s.Title
	if title == "" {
		title = s.ID
	}
	fmt.Fprintf(bw, "%s — %s (%s, %d rounds)\n", title, info.Name, r.Status, rounds(r))
	for _, n := range r.Notes {
		fmt.Fprintf(bw, "note: %s\n", n)
	}
	fmt.Fprintln(bw)
	Summary(bw, s, r, info.Why)
	if !detail {
		if info.Settled != nil {
			fmt.Fprintf(bw, "\n%s\n", info.Settled(s, r))
		}
		fmt.Fprintf(bw, "\njirga explain --detail tells every round in full (each actor's offers, challenges and moves).\n")
		return r, bw.Flush()
	}
	fmt.Fprintf(bw, "\nIn full:\n\n")
	if err := bw.Flush(); err != nil {
		return r, err
	}
	return r, info.Explain(w, s, r)
}

// rounds counts r's rounds after the start.
func rounds(r *jirga.Result) int {
	n := 0
	for _, rd := range r.Rounds {
		if rd.Round >= 1 {
			n++
		}
	}
	return n
}

// Summary writes one line per round and issue of a dynamic model's result
// r on s: the round's outcome (the model's own, else the median voter),
// how many actors moved on the issue, and the one that moved most, from
// where to where and, when why says, why. The positions before the first
// round are the scenario's when r has no round 0.
func Summary(w io.Writer, s *jirga.Scenario, r *jirga.Result, why func(r *jirga.Result, round int, issue, actor string) string) {
	t := s.Table()
	start := map[string]map[string]float64{}
	for _, a := range t.Actors {
		start[a.ID] = map[string]float64{}
	}
	for k, is := range t.Issues {
		idx, _, x, _ := t.Column(k)
		for j, i := range idx {
			start[t.Actors[i].ID][is.ID] = x[j]
		}
	}
	for _, is := range t.Issues {
		fmt.Fprintf(w, "%s: per round, the outcome, who moved, and who moved most\n", is.ID)
		prev := start
		for _, rd := range r.Rounds {
			if rd.Round < 1 {
				if rd.Positions != nil {
					prev = rd.Positions
				}
				continue
			}
			out, ok := rd.Outcome[is.ID]
			if !ok {
				out = rd.Median[is.ID]
			}
			moved, held := 0, 0
			best, bestD := "", 0.0
			for _, a := range t.Actors {
				from, ok1 := prev[a.ID][is.ID]
				to, ok2 := rd.Positions[a.ID][is.ID]
				if !ok1 || !ok2 {
					continue
				}
				d := math.Abs(to - from)
				if d <= 1e-9*math.Max(1, math.Abs(from)) {
					held++
					continue
				}
				moved++
				if d > bestD {
					best, bestD = a.ID, d
				}
			}
			line := fmt.Sprintf("  round %d: outcome %s; %d of %d moved", rd.Round, num(out), moved, moved+held)
			if best != "" {
				line += fmt.Sprintf("; most: %s %s → %s", best, num(prev[best][is.ID]), num(rd.Positions[best][is.ID]))
				if why != nil {
					if y := why(r, rd.Round, is.ID, best); y != "" {
						line += ", " + y
					}
				}
			}
			fmt.Fprintln(w, line)
			prev = rd.Positions
		}
		if f := r.IssueForecast(is.ID); f != nil {
			fc := fmt.Sprintf("  forecast %s", num(f.Forecast))
			if f.SettleRange != nil {
				fc += fmt.Sprintf(", unsettled: the middle of %s–%s over the last rounds", num(f.SettleRange[0]), num(f.SettleRange[1]))
			}
			fmt.Fprintln(w, fc)
		}
	}
}

func num(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }
