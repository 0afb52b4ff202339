package bdm

import (
	"fmt"
	"math"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/option"
)

// DefaultRounds is the number of rounds run when Settings.Rounds is 0: the
// length of Scholz, Calbert & Smith (2011) Table 2, so that the default
// forecast is the median of the last published round. No convergence
// criterion exists in the 1994 variant (see Settings.Tolerance).
const DefaultRounds = 8

// DefaultQ is the probability Q that the status quo holds when i does not
// challenge j (with 1 − Q things change anyway, for the better when T = 1).
// Scholz et al. (2011) use Q = 1, which makes T irrelevant.
const DefaultQ = 1.0

// DefaultMinEU is the smallest expected utility of a challenge for which an
// actor makes an offer. The published descriptions give no such threshold;
// it is the one reading we found that reproduces every round of Scholz et
// al. (2011) Table 2 and of the jmckib run (any value in [0.0025, 0.02]
// does on the emission case; 0 does not from round 4 on, because
// near-zero compromises between almost equal positions then keep an actor
// from taking a larger offer). See docs/models/bdm.md.
const DefaultMinEU = 0.01

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
	// Q is the probability that the status quo holds if i does not
	// challenge j; nil means DefaultQ.
	Q *float64
	// MinEU is the smallest E^i(U_ij) for which i makes j an offer; nil
	// means DefaultMinEU. Values ≤ 1e-9 are treated as 1e-9 (noise).
	MinEU *float64
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

// Sources of the option values, for jirga models.
const (
	citeBDM94  = "Bueno de Mesquita (1994)"
	citeScholz = "Scholz, Calbert & Smith (2011)"
	citeJmckib = "jmckib/bdm-scholz-expected-utility-model, a Scholz-based coding"
	citeDmasad = "dmasad/BDM_DecisionModel_Replication"
	citeOwn    = "this project, docs/models/bdm.md"
)

// options declares bdm's options, bound to st. It is the one list of them:
// jirga models, the command line and the HTTP API all read it.
func (st *Settings) options() *option.Set {
	s := option.NewSet("bdm")
	s.Choice(&st.Probability, "probability", ProbAll, "denominator of P^i, the probability that i beats j", citeScholz,
		option.Value{Name: ProbAll, Doc: "the votes over every ordered pair of actors", Cite: citeJmckib},
		option.Value{Name: ProbPair, Doc: "the votes over the pair (i, j) only, so that P^i + P^j = 1", Cite: citeBDM94})
	s.Choice(&st.Votes, "votes", VotesRisk, "votes inside P^i", citeScholz,
		option.Value{Name: VotesRisk, Doc: "c_k s_k ((|x_k − x_j|/R)^{r_k} − (|x_k − x_i|/R)^{r_k}): distances raised to the voter's risk exponent", Cite: citeJmckib},
		option.Value{Name: VotesLinear, Doc: "c_k s_k (|x_k − x_j| − |x_k − x_i|)/R: linear in distance", Cite: citeBDM94})
	s.Choice(&st.Estimate, "estimate", EstimateReceiver, "who judges an offer, and with whose risk exponent", citeScholz,
		option.Value{Name: EstimateReceiver, Doc: "the receiver j judges E^i(U_ij) and E^j(U_ji), both with r_j", Cite: citeJmckib},
		option.Value{Name: EstimateProposer, Doc: "the proposer i judges both with r_i", Cite: citeOwn},
		option.Value{Name: EstimateTarget, Doc: "each expected utility with its owner's r (full information)", Cite: citeBDM94})
	s.Choice(&st.Median, "median", MedianCondorcet, "how the median voter position is found", citeBDM94,
		option.Value{Name: MedianCondorcet, Doc: "full pairwise Condorcet comparison of the positions", Cite: citeBDM94},
		option.Value{Name: MedianSequential, Doc: "one pass in actor order (order-dependent)", Cite: citeJmckib})
	s.BoolFunc("capitulation", "true", "whether capitulation offers exist (false mirrors a branch the jmckib coding never takes)", citeBDM94,
		func(b bool) { st.NoCapitulation = !b })
	s.Choice(&st.QSign, "qsign", QSignEquation, "sign of the (1 − Q) term of the expected utility (harmless at Q = 1)", citeBDM94,
		option.Value{Name: QSignEquation, Doc: "− Q U_sq − (1 − Q)[T U_b + (1 − T) U_w], the equation as published", Cite: citeBDM94},
		option.Value{Name: QSignDmasad, Doc: "− Q U_sq + (1 − Q)[T U_b + (1 − T) U_w], a sign error of one coding", Cite: citeDmasad})
	s.OptFloat(&st.Q, "q", "1", "probability Q that the status quo holds when i does not challenge j (Scholz: 1)", citeScholz, 0, 1)
	s.OptFloat(&st.MinEU, "min_eu", "0.01", "smallest expected utility of a challenge for which an actor makes an offer (a fitted reading)", citeOwn, 0, math.Inf(1))
	s.Choice(&st.Accept, "accept", AcceptPriority, "which of the offers it receives an actor takes", citeOwn,
		option.Value{Name: AcceptPriority, Doc: "conflict, then compromise, then capitulation; the least move within a kind", Cite: citeOwn},
		option.Value{Name: AcceptNearest, Doc: "the least move, whatever the kind", Cite: citeOwn})
	s.Float(&st.Tolerance, "tolerance", "0", "stop early when no position moves more than tolerance × R in a round (0: fixed rounds, as Scholz)", citeOwn, 0, math.Inf(1))
	s.Choice(&st.Offers, "offers", OffersAll, "offers recorded in each round of the result", citeOwn,
		option.Value{Name: OffersAll, Doc: "every offer (jirga explain narrates them)", Cite: citeOwn},
		option.Value{Name: OffersAccepted, Doc: "the accepted offers only", Cite: citeOwn},
		option.Value{Name: OffersNone, Doc: "none: the smallest result (n² offers a round otherwise)", Cite: citeOwn})
	return s
}

// Options returns the declarations of bdm's options.
func Options() []option.Option { return new(Settings).options().Options() }

// FromOptions returns the model with c.Rounds rounds and the options in
// params (see [Options]); it rejects unknown options and bad values with
// jirga.EINVALID.
func FromOptions(c option.Common, params map[string]string) (jirga.Model, error) {
	if c.Rounds < 0 {
		return nil, jirga.Errorf(jirga.EINVALID, "bdm: rounds must be ≥ 0, got %d", c.Rounds)
	}
	st := Settings{Rounds: c.Rounds}
	if err := st.options().Parse(params); err != nil {
		return nil, err
	}
	return New(st), nil
}

// resolved is Settings with the defaults filled in.
type resolved struct {
	rounds                                              int
	tol, q, minEU                                       float64
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
	r.minEU = DefaultMinEU
	if s.MinEU != nil {
		r.minEU = max(*s.MinEU, zeroEU)
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
	return fmt.Sprintf("rounds=%d probability=%s votes=%s estimate=%s median=%s capitulation=%t qsign=%s q=%g min_eu=%g accept=%s tolerance=%g",
		r.rounds, pick(r.probAll, ProbAll, ProbPair), pick(r.riskVotes, VotesRisk, VotesLinear),
		pick(r.perceiver, pick(r.receiver, EstimateReceiver, EstimateProposer), EstimateTarget), pick(r.sequential, MedianSequential, MedianCondorcet),
		r.capitulation, pick(r.dmasad, QSignDmasad, QSignEquation), r.q, r.minEU, pick(r.nearest, AcceptNearest, AcceptPriority), r.tol)
}
