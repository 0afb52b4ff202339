package smp_test

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/option"
	"github.com/jirga/jirga/smp"
)

// TestEveryOption runs dummyData_3Dim with every value of every KTAB
// parameter: each run must finish, give forecasts on the 0–100 scale, be
// reproducible, and (for values other than the default) the option must
// reach the model, which the settings note records.
func TestEveryOption(t *testing.T) {
	s := load(t, "testdata/ktab/dummyData_3Dim/dummyData_3Dim.csv")
	ktab := 0
	for _, o := range smp.Options() {
		if o.Type != option.Choice {
			continue
		}
		ktab++
		name := o.Name
		for _, val := range o.Values {
			v := val.Name
			var set smp.Settings
			if err := set.Set(name, v); err != nil {
				t.Fatal(err)
			}
			set.MaxTurns = 30
			r := run(t, s, set)
			for _, f := range r.Issues {
				if !(f.Forecast >= 0 && f.Forecast <= 100) {
					t.Errorf("%s=%s: forecast %s = %v", name, v, f.Issue, f.Forecast)
				}
			}
			if !strings.Contains(r.Notes[0], name+"="+v) {
				t.Errorf("%s=%s: settings note %q", name, v, r.Notes[0])
			}
			if again := run(t, s, set); !sameResult(r, again) {
				t.Errorf("%s=%s: two runs differ", name, v)
			}
		}
	}
	if ktab != 9 {
		t.Errorf("%d KTAB parameters declared, want 9", ktab)
	}
}

// TestOptionsChangeResult checks that non-default options change the run
// where they must (a sample; VictoryProbModel only affects the PCEs).
func TestOptionsChangeResult(t *testing.T) {
	s := load(t, "testdata/ktab/dummyData_3Dim/dummyData_3Dim.csv")
	base := run(t, s, smp.Settings{})
	for _, c := range [][2]string{{"VotingRule", "Cubic"}, {"BigRRange", "Max"}, {"BigRAdjust", "Full"},
		{"InterVecBrgn", "S1P1"}, {"PCEModel", "MarkovUniform"}, {"PCEModel", "MarkovIncentive"}, {"VictoryProbModel", "Octic"},
		{"StateTransitions", "Stochastic"}, {"ThirdPartyCommit", "FullCommit"}, {"BargnModel", "PWCompInterp"}} {
		var set smp.Settings
		if err := set.Set(c[0], c[1]); err != nil {
			t.Fatal(err)
		}
		if sameResult(base, run(t, s, set)) {
			t.Errorf("%s=%s gave the default run", c[0], c[1])
		}
	}
}

func TestOptionErrors(t *testing.T) {
	var set smp.Settings
	if err := set.Set("VotingRule", "Quadratic"); err == nil {
		t.Error("VotingRule=Quadratic accepted")
	}
	if err := set.Set("Nope", "x"); err == nil {
		t.Error("unknown parameter accepted")
	}
	if err := set.Set("votingrule", "cubic"); err == nil {
		t.Error("parameter names are case sensitive like KTAB's XML")
	}
	if err := set.Set("VotingRule", "cubic"); err != nil || set.Get("VotingRule") != "Cubic" {
		t.Errorf("value case: %v, %q", err, set.Get("VotingRule"))
	}
	// A bad value in the scenario's attributes is an input error.
	s := load(t, "testdata/ktab/dummyData_3Dim/dummyData_3Dim.csv")
	s.Attributes = map[string]string{"ktab.VotingRule": "Quadratic"}
	_, err := smp.Model{}.Forecast(context.Background(), s)
	if jirga.ErrorCode(err) != jirga.EINVALID {
		t.Errorf("bad attribute: %v", err)
	}
}

// TestScenarioAttributes checks that the KTAB settings carried by a KTAB
// XML scenario are used, that explicit settings win, and that the ideal
// adjustment takes effect (KTAB's smpExample.xml: MarkovIncentive,
// Stochastic, PropCbc, seed 03507583219545544127, six iaPairs).
func TestScenarioAttributes(t *testing.T) {
	s := load(t, "testdata/ktab/inputs/smpExample_fixed.xml")
	r := run(t, s, smp.Settings{})
	for _, want := range []string{"PCEModel=MarkovIncentive", "StateTransitions=Stochastic", "VotingRule=PropCbc", "seed 3507583219545544127"} {
		if !strings.Contains(r.Notes[0], want) {
			t.Errorf("notes %q lack %s", r.Notes[0], want)
		}
	}
	r2 := run(t, s, smp.Settings{Voting: "Prop", Seed: 1})
	if !strings.Contains(r2.Notes[0], "VotingRule=Prop,") || !strings.Contains(r2.Notes[0], "seed 1") {
		t.Errorf("explicit settings lost: %q", r2.Notes[0])
	}
	// Without the adjustment every ideal follows its position; with it
	// they lag, so the runs differ.
	plain := *s
	plain.Attributes = map[string]string{}
	for k, v := range s.Attributes {
		if k != smp.AttrIdealAdjustment {
			plain.Attributes[k] = v
		}
	}
	if sameResult(r, run(t, &plain, smp.Settings{})) {
		t.Error("ideal adjustment had no effect")
	}
}

func TestExplain(t *testing.T) {
	s := load(t, "testdata/ktab/dummyData_3Dim/dummyData_3Dim.csv")
	r := run(t, s, smp.Settings{})
	var buf bytes.Buffer
	if err := smp.Explain(&buf, s, r); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"Turn 1.",
		"SActor-00 challenges SActor-06: it expects to prevail with probability 0.76 and gain 0.0947",
		"won the queue of SActor-00 (p = 0.50) and SActor-04 (p = 0.93)", // KTAB log: 0.4968 and 0.9284
		"The run stopped after 10 turns",
		"Forecast on Pstn1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("explanation lacks %q:\n%s", want, out)
		}
	}
	if err := smp.Explain(&buf, s, &jirga.Result{}); err == nil {
		t.Error("empty result accepted")
	}
}

// TestReceiverBargains checks the receiver-perspective and compromise
// bargains of turn 0 of dummyData_3Dim against KTAB's log (bargains 1002
// and 1003 for challenge 0→6: "6 proposes 0 adopt: 71.080 33.450 90.120",
// "compromise proposes 0 adopt: 73.317 29.169 81.149").
func TestReceiverBargains(t *testing.T) {
	s := load(t, "testdata/ktab/dummyData_3Dim/dummyData_3Dim.csv")
	for _, c := range []struct {
		model string
		want  []float64
		tol   float64
	}{
		{"InitRcvrInterp", []float64{71.08, 33.45, 90.12}, 0.006},
		{"PWCompInterp", []float64{73.317, 29.169, 81.149}, 0.0006},
	} {
		r := run(t, s, smp.Settings{Bargain: c.model, MaxTurns: 1})
		found := false
		for _, b := range smp.TraceOf(r.Rounds[1]).Bargains {
			if b.Initiator != "SActor-00" || b.Target != "SActor-06" {
				continue
			}
			ok := true
			for k, is := range s.Issues {
				if d := b.InitiatorPosition[is.ID] - c.want[k]; d > c.tol || d < -c.tol {
					ok = false
				}
			}
			found = found || ok
		}
		if !found {
			t.Errorf("%s: no 0→6 bargain proposing %v to SActor-00: %+v", c.model, c.want, smp.TraceOf(r.Rounds[1]).Bargains)
		}
	}
}

// TestEdgeCases runs degenerate inputs: two actors, nobody caring, and an
// actor without a stance on one issue of a multi-issue jirga scenario.
func TestEdgeCases(t *testing.T) {
	mk := func(sal float64, missing bool) *jirga.Scenario {
		s := &jirga.Scenario{ID: "edge", Issues: []*jirga.Issue{{ID: "a"}, {ID: "b", Scale: &jirga.Scale{Min: -10, Max: 10}}}}
		for i, x := range []float64{10, 90} {
			a := &jirga.Actor{ID: string(rune('p' + i)), Capability: jirga.Val(1 + float64(i)), Stances: map[string]*jirga.Stance{
				"a": {Position: jirga.Val(x), Salience: jirga.Val(sal)},
				"b": {Position: jirga.Val(x/10 - 5), Salience: jirga.Val(sal)},
			}}
			s.Actors = append(s.Actors, a)
		}
		if missing {
			delete(s.Actors[0].Stances, "b")
		}
		return s
	}
	for _, c := range []struct {
		name string
		s    *jirga.Scenario
	}{{"two actors", mk(60, false)}, {"no salience", mk(0, false)}, {"missing stance", mk(40, true)}} {
		r, err := smp.Model{}.Forecast(context.Background(), c.s)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		for _, f := range r.Issues {
			lo, hi := 0.0, 100.0
			if f.Issue == "b" {
				lo, hi = -10, 10
			}
			if !(f.Forecast >= lo && f.Forecast <= hi) {
				t.Errorf("%s: forecast %s = %v outside [%v, %v]", c.name, f.Issue, f.Forecast, lo, hi)
			}
		}
	}
	one := mk(50, false)
	one.Actors = one.Actors[:1]
	if _, err := (smp.Model{}).Forecast(context.Background(), one); jirga.ErrorCode(err) != jirga.EINVALID {
		t.Errorf("one actor: %v, want EINVALID", err)
	}
}

// TestIdealAdjustment checks KTAB's default for an actor that a KTAB XML
// file's IdealAdjustment block leaves out: the missing pair is
// self-adjustment 1, so the actor's ideal follows its own position.
// smpExample_fixed.xml (KTAB's sample, MIT; provenance in
// testdata/ktab/README.md) lists pairs for Alice, Bob, Carol and David and
// none for Ellie. Its transitions are stochastic, and KTAB's draws cannot be
// matched draw for draw, so the test fixes what can be:
//
//   - turn 0 does not depend on the adjustment (ideals start at the
//     positions); its "prob :" values are pinned from jirga's own run;
//   - KTAB's log of this file gives Alice a turn-1 "prob :" of 0.1866
//     (KTAB's log of this file, as quoted in issue 15).
//     jirga's seed 50 draws turn-0 bargains for which Alice's turn-1
//     probability is 0.1866 with the default and 0.1961 with Ellie's ideal
//     held fixed (Ellie>Ellie=0, jirga's former reading), the value the
//     issue records for jirga before the fix.
func TestIdealAdjustment(t *testing.T) {
	s := load(t, "testdata/ktab/inputs/smpExample_fixed.xml")
	with := func(extra string) *jirga.Scenario {
		c := s.Clone()
		c.Attributes[smp.AttrIdealAdjustment] += extra
		return c
	}
	def := run(t, s, smp.Settings{Seed: 50, MaxTurns: 2})
	explicit := run(t, with(";Ellie>Ellie=1"), smp.Settings{Seed: 50, MaxTurns: 2})
	fixed := run(t, with(";Ellie>Ellie=0"), smp.Settings{Seed: 50, MaxTurns: 2})
	if !sameResult(def, explicit) {
		t.Error("the default for Ellie differs from an explicit Ellie>Ellie=1")
	}
	turn0 := map[string]float64{"Alice": .31538, "Bob": .16685, "Carol": .10817, "David": .22159, "Ellie": .18801}
	for id, want := range turn0 {
		for _, r := range []*jirga.Result{def, fixed} {
			if got := smp.TraceOf(r.Rounds[0]).Probabilities[id]; math.Abs(got-want) > 5e-6 {
				t.Errorf("turn 0 prob[%s] = %.6f, want %.5f", id, got, want)
			}
		}
	}
	if got := smp.TraceOf(def.Rounds[1]).Probabilities["Alice"]; math.Abs(got-0.1866) > 5e-5 {
		t.Errorf("turn 1 prob[Alice] = %.5f, KTAB's log 0.1866", got)
	}
	if got := smp.TraceOf(fixed.Rounds[1]).Probabilities["Alice"]; math.Abs(got-0.1961) > 5e-5 {
		t.Errorf("turn 1 prob[Alice] with Ellie's ideal fixed = %.5f, want 0.1961", got)
	}
}
