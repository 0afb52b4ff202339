package exchange

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/format"
)

// DecideRef is a run of Decide's equal-gain model (testdata/decide/README.md):
// per round, every exchange in execution order, the positions and the
// outcomes after the round's update. It is declared here, in a test file
// of the package, so that the package's own diagnostic and its external
// tests read the same data.
type DecideRef struct {
	Rounds []DecideRound `json:"rounds"`
}

// DecideRound is one round of a DecideRef.
type DecideRound struct {
	Round     int                           `json:"round"`
	Outcome   map[string]float64            `json:"outcome"`
	Positions map[string]map[string]float64 `json:"positions"` // issue → actor → position
	Exchanges []DecideExchange              `json:"exchanges"`
}

// DecideExchange is one exchange Decide executed: i moves on ISupply from
// IFrom to ITo, j on JSupply, both gain Gain. Positions are on the issue's
// own scale.
type DecideExchange struct {
	I       string  `json:"i"`
	ISupply string  `json:"i_supply"`
	IFrom   float64 `json:"i_from"`
	ITo     float64 `json:"i_to"`
	J       string  `json:"j"`
	JSupply string  `json:"j_supply"`
	JFrom   float64 `json:"j_from"`
	JTo     float64 `json:"j_to"`
	Gain    float64 `json:"gain"`
}

// LoadDecide reads testdata/decide/NAME.input.tsv and NAME.reference.json.
func LoadDecide(tb testing.TB, name string) (*jirga.Scenario, DecideRef) {
	tb.Helper()
	ss, err := format.ReadFile(filepath.Join("testdata", "decide", name+".input.tsv"), format.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join("testdata", "decide", name+".reference.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var ref DecideRef
	if err := json.Unmarshal(b, &ref); err != nil {
		tb.Fatal(err)
	}
	return ss[0], ref
}

// StartOfRound returns s with the positions Decide's run had at the start
// of round k (0-based): the input's for the first round, else the
// positions after round k−1.
func (ref DecideRef) StartOfRound(s *jirga.Scenario, k int) *jirga.Scenario {
	c := s.Clone()
	if k > 0 {
		for _, a := range c.Actors {
			for is, st := range a.Stances {
				st.Position = jirga.Val(ref.Rounds[k-1].Positions[is][a.ID])
			}
		}
	}
	return c
}
