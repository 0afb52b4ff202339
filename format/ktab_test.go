package format_test

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/format"
)

func TestKTABCSV(t *testing.T) {
	data, err := os.ReadFile("testdata/ktab/dummyData_3Dim.csv")
	if err != nil {
		t.Fatal(err)
	}
	if got := format.Detect("x.csv", data); got != format.KTABCSV {
		t.Fatalf("detected %q, want %q", got, format.KTABCSV)
	}
	ss, err := format.Read("dummyData_3Dim.csv", data, format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := ss[0]
	if len(s.Actors) != 7 || len(s.Issues) != 3 {
		t.Fatalf("%d actors × %d issues, want 7 × 3", len(s.Actors), len(s.Issues))
	}
	// SActor-02, Random Spatial Actor, 129.643, 82.45, 48.47, 90.89, 13.55, 0.07, 34.62
	a := s.Actors[2]
	if a.ID != "SActor-02" || a.Capability.Value != 129.643 || a.Stances["Pstn3"].Position.Value != 0.07 || a.Stances["Pstn3"].Salience.Value != 34.62 {
		t.Errorf("actor 2 = %+v", a)
	}
	ktabRoundTrip(t, ss)
}

func TestKTABXML(t *testing.T) {
	data, err := os.ReadFile("testdata/ktab/smpExample_fixed.xml")
	if err != nil {
		t.Fatal(err)
	}
	if got := format.Detect("x.xml", data); got != format.KTABXML {
		t.Fatalf("detected %q, want %q", got, format.KTABXML)
	}
	ss, err := format.Read("smpExample_fixed.xml", data, format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := ss[0]
	want := map[string]string{
		"ktab.seed": "3507583219545544127", "ktab.PCEModel": "MarkovIncentive", "ktab.StateTransitions": "Stochastic",
		"ktab.VotingRule": "PropCbc", "ktab.IdealAdjustment": "Alice>Alice=0.87;Bob>Bob=0.75;Bob>Alice=0.07;Carol>Carol=0.65;Carol>David=0.13;David>David=0.57",
	}
	for k, v := range want {
		if s.Attributes[k] != v {
			t.Errorf("attribute %s = %q, want %q", k, s.Attributes[k], v)
		}
	}
	if len(s.Actors) != 5 || s.Actors[0].Stances["FirstDim"].Position.Value != 52.8 {
		t.Errorf("actors = %d, Alice FirstDim = %v", len(s.Actors), s.Actors[0].Stances["FirstDim"].Position)
	}
	ktabRoundTrip(t, ss)
}

func TestKTABErrors(t *testing.T) {
	for _, c := range []struct {
		name, in, want string
	}{
		{"salience sum", "S, d, 1, 2,\nActor,Description,Influence,P1,S1,P2,S2,\nA, x, 10, 50, 60, 50, 50,\n", "in:3:"},
		{"bad number", "S, d, 2, 1,\nActor,Description,Influence,P1,S1,\nA, x, 10, 50, 60,\nB, y, ten, 50, 60,\n", "in:4:"},
		{"count", "S, d, 3, 1,\nActor,Description,Influence,P1,S1,\nA, x, 10, 50, 60,\nB, y, 10, 50, 60,\n", "declares 3 actors"},
		{"position range", "S, d, 2, 1,\nActor,Description,Influence,P1,S1,\nA, x, 10, 50, 60,\nB, y, 10, 150, 60,\n", "in:4:"},
		{"xml pair", "<Scenario><name>s</name><Dimensions><dName>d</dName></Dimensions><Actors><Actor><name>A</name><capability>1</capability><Position><dCoord>1</dCoord></Position><Salience><dSal>1</dSal></Salience></Actor><Actor><name>B</name><capability>1</capability><Position><dCoord>1</dCoord></Position><Salience><dSal>1</dSal></Salience></Actor></Actors>\n<IdealAdjustment>\n<iaPair><adjustingIdeal>Z</adjustingIdeal><referencePos>A</referencePos><adjust>1</adjust></iaPair></IdealAdjustment></Scenario>", "in:3:"},
	} {
		_, err := format.Read("in", []byte(c.in), format.Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to mention %q", c.name, err, c.want)
		}
	}
}

// roundTrip checks import → format.Write (yaml and json) → import is lossless.
func ktabRoundTrip(t *testing.T, ss []*jirga.Scenario) {
	t.Helper()
	for _, to := range []string{format.YAML, format.JSON} {
		var buf bytes.Buffer
		if err := format.Write(&buf, ss, to); err != nil {
			t.Fatalf("write %s: %v", to, err)
		}
		back, err := format.Read("back."+to, buf.Bytes(), format.Options{Format: to})
		if err != nil {
			t.Fatalf("re-read %s: %v\n%s", to, err, buf.String())
		}
		if !reflect.DeepEqual(ss, back) {
			t.Errorf("%s round trip changed the scenario:\n%s", to, buf.String())
		}
	}
}

func FuzzKTAB(f *testing.F) {
	for _, p := range []string{"testdata/ktab/dummyData_3Dim.csv", "testdata/ktab/smpExample_fixed.xml"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("S, d, 1, 1,\nActor,Description,Influence,P1,S1,\nA, x, 10, 50, 60,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, fm := range []string{format.KTABCSV, format.KTABXML} {
			ss, err := format.Read("fuzz", data, format.Options{Format: fm})
			if err != nil {
				continue
			}
			ktabRoundTrip(t, ss)
		}
	})
}
