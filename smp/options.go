package smp

import (
	"math"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/option"
)

// Sources of the options, for jirga models.
const (
	citeKTAB = "KTAB, the model parameters of smpc"
	citeOwn  = "this project, docs/models/smp.md"
)

// ktabOptions declares the nine KTAB model parameters on s, bound to the
// fields of st, in KTAB's order; each value list is in KTAB's enum order,
// so that a value's position is its KTAB enum index. A parameter left ""
// in st takes the scenario's ktab.<Name> attribute, else the default
// declared here, KTAB's own.
func (st *Settings) ktabOptions(s *option.Set) {
	v := func(name, doc string) option.Value { return option.Value{Name: name, Doc: doc, Cite: citeKTAB} }
	choice := func(dst *string, name, def, doc string, values ...option.Value) {
		o := s.Choice(dst, name, def, doc+" (not given: the scenario's ktab."+name+" attribute, else KTAB's default)", citeKTAB, values...)
		// KTAB's files give names in any case, or the enum index.
		o.Fold, o.Index = true, true
	}
	choice(&st.VictoryProb, "VictoryProbModel", "Linear", "exponent ν of the victory probability P[a≻b] = C_ab^ν/(C_ab^ν + C_ba^ν) in the PCEs",
		v("Linear", "ν = 1"), v("Square", "ν = 2"), v("Quartic", "ν = 4"), v("Octic", "ν = 8"),
		v("Binary", "certain victory once the strength ratio reaches 1.1, linear in the ratio between 1/1.1 and 1.1"))
	choice(&st.PCE, "PCEModel", "Conditional", "the probabilistic Condorcet election (PCE) over a set of options",
		v("Conditional", "p_a ∝ Π_b V(a, b)"),
		v("MarkovIncentive", "a damped Markov chain in which a challenges b in proportion to its incentive C(a:b)·V(a, b)"),
		v("MarkovUniform", "a damped Markov chain in which every challenge is equally likely"))
	choice(&st.Transitions, "StateTransitions", "Deterministic", "how a queue's bargain is chosen",
		v("Deterministic", "the most probable item, the first on ties"),
		v("Stochastic", "drawn from the PCE distribution with the seeded source (see seed)"))
	choice(&st.Voting, "VotingRule", "Prop", "the vote w·f(Δu) of a utility difference Δu",
		v("Binary", "f = clip(Δu/1e−8, ±1), the sign of Δu"), v("PropBin", "f = 0.8Δu + 0.2·Binary"), v("Prop", "f = Δu"),
		v("PropCbc", "f = (Δu + Δu³)/2"), v("Cubic", "f = Δu³"), v("ASymProsp", "f = Δu for a loss, (2/3)Δu for a gain"))
	choice(&st.RiskAdjust, "BigRAdjust", "OneThird", "actor h's estimate r of actor i's risk attitude, from R_h and R_i",
		v("None", "r = R_h"), v("OneThird", "r = (2R_h + R_i)/3"), v("Half", "r = (R_h + R_i)/2"), v("TwoThirds", "r = (R_h + 2R_i)/3"), v("Full", "r = R_i"))
	choice(&st.RiskRange, "BigRRange", "Mid", "the range onto which the PCE probabilities map the risk attitudes R",
		v("Min", "[0, 1]"), v("Mid", "[−½, 1]"), v("Max", "[−1, 1]"))
	choice(&st.Commit, "ThirdPartyCommit", "SemiCommit", "how far a third party that joins a side is bound by the contest's result",
		v("NoCommit", "it keeps its own position whatever happens, so it abstains"),
		v("SemiCommit", "it keeps its own position if its side wins and takes the winner's if its side loses"),
		v("FullCommit", "it takes the position of the side it joins, win or lose"))
	choice(&st.Interp, "InterVecBrgn", "S2P2", "the weights of the two positions in a bargain, from saliences s and victory probability P",
		v("S1P1", "s_i·P and s_j·(1 − P)"), v("S2P2", "(s_i·P)² and (s_j·(1 − P))²"),
		v("S2PMax", "salience squared times the margin by which a side's own victory probability exceeds the other's"))
	choice(&st.Bargain, "BargnModel", "InitOnlyInterp", "whose victory probability shapes a bargain",
		v("InitOnlyInterp", "the initiator's"), v("InitRcvrInterp", "both: one bargain from each perspective goes into the queue"),
		v("PWCompInterp", "the two perspectives' bargains averaged, weighted by the principals' total salience"))
}

// options declares every smp option, bound to st: the nine KTAB
// parameters, the turn cap and the seed. It is the one list of them: jirga
// models, the command line and the HTTP API read it.
func (st *Settings) options() *option.Set {
	s := option.NewSet("smp")
	st.ktabOptions(s)
	s.Int(&st.MaxTurns, "turns", "100", "turn cap (KTAB stops at 100); same as --rounds", citeKTAB, 1, math.MaxInt)
	s.Uint64(&st.Seed, "seed", "the scenario's ktab.seed, else --seed",
		"seed of the Stochastic transitions; overrides a KTAB file's prngSeed", citeOwn, 1)
	return s
}

// Options returns the declarations of smp's options.
func Options() []option.Option { return new(Settings).options().Options() }

// FromOptions returns the model with turn cap c.Rounds, fallback seed
// c.Seed and the options in params (see [Options]); it rejects unknown
// options and bad values with jirga.EINVALID.
func FromOptions(c option.Common, params map[string]string) (jirga.Model, error) {
	if c.Rounds < 0 {
		return nil, jirga.Errorf(jirga.EINVALID, "smp: turn cap %d must be ≥ 0", c.Rounds)
	}
	set := Settings{MaxTurns: c.Rounds, FallbackSeed: c.Seed}
	if err := set.options().Parse(params); err != nil {
		return nil, err
	}
	return Model{Settings: set}, nil
}

// Set sets the named KTAB parameter (e.g. "VotingRule", "Cubic") on s; the
// value matches whatever its case, or is KTAB's enum index.
func (s *Settings) Set(name, value string) error {
	ks := option.NewSet("smp")
	s.ktabOptions(ks)
	o, ok := ks.Lookup(name)
	if !ok {
		return jirga.Errorf(jirga.EINVALID, "smp: unknown KTAB parameter %q", name)
	}
	if err := o.Parse(value); err != nil {
		return jirga.Errorf(jirga.EINVALID, "smp: %v", err)
	}
	return nil
}

// Get returns the value of the named KTAB parameter, its default when
// unset, or "" for an unknown name.
func (s *Settings) Get(name string) string {
	ks := option.NewSet("smp")
	s.ktabOptions(ks)
	o, ok := ks.Lookup(name)
	if !ok {
		return ""
	}
	if v := o.Value(); v != "" {
		return v
	}
	return o.Default
}
