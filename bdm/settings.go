package bdm

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/jirga/jirga"
)

// DefaultRounds is the number of rounds run when Settings.Rounds is 0: the
// length of Scholz, Calbert & Smith (2011) Table 2, so that the default
// forecast is the median of the last published round. No convergence
// criterion exists in the 1994 variant (see Settings.Tolerance).
const DefaultRounds = 8

// DefaultQ is the probability Q that the target of a challenge gives in
// without a fight (Scholz et al. 2011 use Q = 1, which makes T irrelevant).
const DefaultQ = 1.0

// Values of the options in Settings. Each string option's zero value ("")
// means the first value listed for it, the reading that reproduces Scholz et
// al. (2011) Table 2 best (see docs/models/bdm.md).
const (
	// Probability denominators (models.md §2.5 item 1).
	ProbAll  = "all"  // Σ over the voters of every ordered pair of actors (jmckib)
	ProbPair = "pair" // Σ over the voters of the pair (i, j): P^i + P^j = 1

	// Votes inside P^i (item 2).
	VotesRisk   = "risk"   // c_k s_k ((|x_k − x_j|/R)^{r_k} − (|x_k − x_i|/R)^{r_k}) (jmckib)
	VotesLinear = "linear" // c_k s_k (|x_k − x_j| − |x_k − x_i|)/R

	// Whose view, and so whose risk exponent, judges an offer (item 3).
	EstimateReceiver = "receiver" // the receiver j judges E^i(U_ij) and E^j(U_ji), both with r_j (jmckib)
	EstimateProposer = "proposer" // the proposer i judges both with r_i
	EstimateTarget   = "target"   // each actor's EU with its own r: full information, both views agree

	// Median voter (item 4).
	MedianCondorcet  = "condorcet"  // full pairwise comparison
	MedianSequential = "sequential" // one pass in actor order (jmckib; order-dependent)

	// Sign of the Q term (item 6).
	QSignEquation = "equation" // − Q U_sq − (1 − Q)[T U_b + (1 − T) U_w]
	QSignDmasad   = "dmasad"   // − Q U_sq + (1 − Q)[T U_b + (1 − T) U_w]

	// How an actor picks among the offers it receives.
	AcceptPriority = "priority" // conflict, then compromise, then capitulation; least move within a kind
	AcceptNearest  = "nearest"  // least move, whatever the kind

	// Which offers a Result records.
	OffersAll      = "all"
	OffersAccepted = "accepted"
	OffersNone     = "none"
)

// Settings configure the model. The zero value is the default configuration,
// the reading of Scholz et al. (2011) that reproduces their Table 2.
type Settings struct {
	// Rounds is the number of rounds; 0 means DefaultRounds.
	Rounds int
	// Tolerance, when > 0, stops the run early once no position moves by
	// more than Tolerance × R in a round (status converged). 0 runs the
	// fixed number of rounds, as Scholz et al. do.
	Tolerance float64
	// Q is the probability that a challenged actor gives in without
	// resisting; nil means DefaultQ.
	Q *float64
	// Probability is ProbAll (default) or ProbPair.
	Probability string
	// Votes is VotesRisk (default) or VotesLinear.
	Votes string
	// Estimate is EstimateReceiver (default), EstimateProposer or
	// EstimateTarget.
	Estimate string
	// Median is MedianCondorcet (default) or MedianSequential.
	Median string
	// NoCapitulation drops capitulation offers, as the jmckib coding does
	// (its capitulation branch is dead code).
	NoCapitulation bool
	// QSign is QSignEquation (default) or QSignDmasad; harmless at Q = 1.
	QSign string
	// Accept is AcceptPriority (default) or AcceptNearest.
	Accept string
	// Offers is OffersAll (default), OffersAccepted or OffersNone: which
	// offers each Round records.
	Offers string
}

// Param documents one option of the registry (models.Param mirrors it).
type Param struct {
	Name, Values, Default, Doc string
}

// Params lists the options accepted by ParseParams, for the model registry
// and `jirga models`.
var Params = []Param{
	{"probability", "all | pair", ProbAll, "denominator of P^i: the votes over every ordered pair of actors (jmckib), or over the pair (i, j) only"},
	{"votes", "risk | linear", VotesRisk, "votes inside P^i: distances raised to the voter's risk exponent r_k (jmckib), or linear in distance"},
	{"estimate", "receiver | proposer | target", EstimateReceiver, "who judges an offer and with whose risk exponent: the receiver with its own r (jmckib), the proposer with its own r, or each side's EU with its own r (full information)"},
	{"median", "condorcet | sequential", MedianCondorcet, "median voter: full pairwise Condorcet comparison, or jmckib's order-dependent single pass"},
	{"capitulation", "true | false", "true", "whether capitulation offers exist (false mirrors jmckib's dead branch)"},
	{"qsign", "equation | dmasad", QSignEquation, "sign of the (1 − Q) term of the expected utility (dmasad's sign error; harmless at Q = 1)"},
	{"q", "[0, 1]", "1", "probability Q that a challenged actor gives in without resisting"},
	{"accept", "priority | nearest", AcceptPriority, "offer an actor takes: conflict > compromise > capitulation then least move, or least move"},
	{"tolerance", "≥ 0", "0", "stop early when no position moves more than tolerance × R (0: fixed rounds)"},
	{"offers", "all | accepted | none", OffersAll, "offers recorded in each round of the result"},
}

// ParseParams returns the Settings given by registry parameters (the keys of
// Params) and rounds. It rejects unknown keys and bad values with EINVALID.
func ParseParams(rounds int, p map[string]string) (Settings, error) {
	st := Settings{Rounds: rounds}
	choice := func(key, v string, dst *string, allowed ...string) error {
		for _, a := range allowed {
			if v == a {
				*dst = v
				return nil
			}
		}
		return jirga.Errorf(jirga.EINVALID, "bdm: option %s=%q: want one of %s", key, v, strings.Join(allowed, ", "))
	}
	for k, v := range p {
		var err error
		switch k {
		case "probability":
			err = choice(k, v, &st.Probability, ProbAll, ProbPair)
		case "votes":
			err = choice(k, v, &st.Votes, VotesRisk, VotesLinear)
		case "estimate":
			err = choice(k, v, &st.Estimate, EstimateReceiver, EstimateProposer, EstimateTarget)
		case "median":
			err = choice(k, v, &st.Median, MedianCondorcet, MedianSequential)
		case "qsign":
			err = choice(k, v, &st.QSign, QSignEquation, QSignDmasad)
		case "accept":
			err = choice(k, v, &st.Accept, AcceptPriority, AcceptNearest)
		case "offers":
			err = choice(k, v, &st.Offers, OffersAll, OffersAccepted, OffersNone)
		case "capitulation":
			b, perr := strconv.ParseBool(v)
			if perr != nil {
				err = jirga.Errorf(jirga.EINVALID, "bdm: option capitulation=%q: want true or false", v)
			}
			st.NoCapitulation = !b
		case "q":
			q, perr := strconv.ParseFloat(v, 64)
			if perr != nil || !(q >= 0 && q <= 1) {
				err = jirga.Errorf(jirga.EINVALID, "bdm: option q=%q: want a number in [0, 1]", v)
			}
			st.Q = &q
		case "tolerance":
			t, perr := strconv.ParseFloat(v, 64)
			if perr != nil || !(t >= 0) {
				err = jirga.Errorf(jirga.EINVALID, "bdm: option tolerance=%q: want a number ≥ 0", v)
			}
			st.Tolerance = t
		default:
			var known []string
			for _, p := range Params {
				known = append(known, p.Name)
			}
			err = jirga.Errorf(jirga.EINVALID, "bdm: unknown option %s; known: %s", k, strings.Join(known, ", "))
		}
		if err != nil {
			return Settings{}, err
		}
	}
	if rounds < 0 {
		return Settings{}, jirga.Errorf(jirga.EINVALID, "bdm: rounds must be ≥ 0, got %d", rounds)
	}
	return st, nil
}

// resolved is Settings with the defaults filled in.
type resolved struct {
	rounds                                              int
	tol, q                                              float64
	probAll, riskVotes, perceiver, receiver, sequential bool
	capitulation, dmasad, nearest                       bool
	offers                                              string
}

func (s Settings) resolve() resolved {
	r := resolved{
		rounds:       s.Rounds,
		tol:          s.Tolerance,
		q:            DefaultQ,
		probAll:      s.Probability != ProbPair,
		riskVotes:    s.Votes != VotesLinear,
		perceiver:    s.Estimate != EstimateTarget,
		receiver:     s.Estimate != EstimateTarget && s.Estimate != EstimateProposer,
		sequential:   s.Median == MedianSequential,
		capitulation: !s.NoCapitulation,
		dmasad:       s.QSign == QSignDmasad,
		nearest:      s.Accept == AcceptNearest,
		offers:       s.Offers,
	}
	if r.rounds <= 0 {
		r.rounds = DefaultRounds
	}
	if s.Q != nil {
		r.q = *s.Q
	}
	if r.offers == "" {
		r.offers = OffersAll
	}
	return r
}

// String describes the settings in --opt form, for notes.
func (s Settings) String() string {
	r := s.resolve()
	pick := func(b bool, yes, no string) string {
		if b {
			return yes
		}
		return no
	}
	return fmt.Sprintf("rounds=%d probability=%s votes=%s estimate=%s median=%s capitulation=%t qsign=%s q=%g accept=%s tolerance=%g",
		r.rounds, pick(r.probAll, ProbAll, ProbPair), pick(r.riskVotes, VotesRisk, VotesLinear),
		pick(r.perceiver, pick(r.receiver, EstimateReceiver, EstimateProposer), EstimateTarget), pick(r.sequential, MedianSequential, MedianCondorcet),
		r.capitulation, pick(r.dmasad, QSignDmasad, QSignEquation), r.q, pick(r.nearest, AcceptNearest, AcceptPriority), r.tol)
}
