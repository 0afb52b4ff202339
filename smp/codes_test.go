package smp

import (
	"testing"

	"github.com/jirga/jirga"
)

// TestCodes checks that the engine's code for every declared value of
// every KTAB parameter is the constant of the same name: the codes are the
// values' positions in the declaration, so reordering either breaks this.
func TestCodes(t *testing.T) {
	want := map[string]map[string]int{
		"VictoryProbModel": {"Linear": vpLinear, "Square": vpSquare, "Quartic": vpQuartic, "Octic": vpOctic, "Binary": vpBinary},
		"PCEModel":         {"Conditional": pceConditional, "MarkovIncentive": pceMarkovIncentive, "MarkovUniform": pceMarkovUniform},
		"VotingRule":       {"Binary": vrBinary, "PropBin": vrPropBin, "Prop": vrProp, "PropCbc": vrPropCbc, "Cubic": vrCubic, "ASymProsp": vrASymProsp},
		"ThirdPartyCommit": {"NoCommit": tpNo, "SemiCommit": tpSemi, "FullCommit": tpFull},
		"InterVecBrgn":     {"S1P1": ivS1P1, "S2P2": ivS2P2, "S2PMax": ivS2PMax},
		"BargnModel":       {"InitOnlyInterp": bmInitOnly, "InitRcvrInterp": bmInitRcvr, "PWCompInterp": bmPWComp},
	}
	s := &jirga.Scenario{ID: "s", Issues: []*jirga.Issue{{ID: "i"}}, Actors: []*jirga.Actor{
		{ID: "a", Capability: jirga.Val(1), Stances: map[string]*jirga.Stance{"i": {Position: jirga.Val(10), Salience: jirga.Val(50)}}},
		{ID: "b", Capability: jirga.Val(2), Stances: map[string]*jirga.Stance{"i": {Position: jirga.Val(90), Salience: jirga.Val(50)}}},
	}}
	for param, values := range want {
		for name, code := range values {
			var set Settings
			if err := set.Set(param, name); err != nil {
				t.Fatal(err)
			}
			set, err := Model{Settings: set}.resolve(s)
			if err != nil {
				t.Fatal(err)
			}
			e, _, err := newEngine(s.Table(), set)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{"VictoryProbModel": e.vpm, "PCEModel": e.pcem, "VotingRule": e.voting,
				"ThirdPartyCommit": e.commit, "InterVecBrgn": e.interp, "BargnModel": e.bargn}[param]
			if got != code {
				t.Errorf("%s=%s: code %d, want %d", param, name, got, code)
			}
		}
	}
}
