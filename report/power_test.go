package report_test

import (
	"bytes"
	"context"
	"regexp"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/baseline"
	"github.com/jirga/jirga/internal/exampletest"
	"github.com/jirga/jirga/report"
)

// TestInputsShowPower: the sources table lists every estimate of the
// scenario (it walks Scenario.Estimates), so an issue-specific power and
// its source appear in it.
func TestInputsShowPower(t *testing.T) {
	s := exampletest.Flagship(t)
	a := s.Actors[0]
	var issue string
	for _, is := range s.Issues {
		if a.Stances[is.ID] != nil {
			issue = is.ID
			break
		}
	}
	a.Stances[issue].Power = &jirga.Estimate{Value: 7.25, Low: new(6.5), High: new(8.0), Sources: []string{s.Sources[0].ID}}
	var buf bytes.Buffer
	if err := report.Write(context.Background(), &buf, s, []jirga.Model{baseline.Mean{}}, report.Options{Draws: 20, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`<tr><td>[^<]*· ` + regexp.QuoteMeta(issue) + `</td><td>power</td><td class="num">7.25 </td><td class="num">6.5–8</td><td class="src">` + regexp.QuoteMeta(template(s.Sources[0].Title)))
	if !row.Match(buf.Bytes()) {
		t.Errorf("no power row for %s on %s in the sources table", a.ID, issue)
	}
}
