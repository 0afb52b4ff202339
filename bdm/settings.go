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
// actor makes an offer: none (any positive expected utility, above the
// rounding noise zeroEU). No source has a threshold. The reading
// ReadingEmissionFit keeps the 0.01 that jirga used before it had the
// Scholz code's choice among compromises (AcceptLowest): with the smallest
// compromise move instead, the emission case needs a threshold in
// [0.0025, 0.02] from round 4 on. See docs/models/bdm.md.
const DefaultMinEU = 0.0

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
	AcceptLowest   = "lowest"   // conflict, then compromise, then capitulation; among compromises the lowest proposed position (the Scholz code), else the least move
	AcceptPriority = "priority" // conflict, then compromise, then capitulation; least move within a kind
	AcceptNearest  = "nearest"  // least move, whatever the kind

	// Which offers a Result records.
	OffersAll      = "all"
	OffersAccepted = "accepted"
	OffersNone     = "none"
)

// Settings configure the model. The zero value is the default configuration,
// ReadingScholz: the reading of Scholz et al. (2011) that reproduces their
// Table 2 and every published run of the Scholz-based coding we have, with
// no fitted constant.
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
	// Reading names the reading (a value of the option reading) the
	// settings were built from, for the result's notes; the options
	// themselves are in the other fields, into which FromOptions expands a
	// reading. Setting Reading in Go alone changes nothing else.
	Reading string
	// Probability is ProbAll (default) or ProbPair.
	Probability string
	// Votes is VotesRisk (default) or VotesLinear.
	Votes string
	// Estimate is EstimateReceiver (default), EstimateProposer or
	// EstimateTarget.
	Estimate string
	// Median is MedianCondorcet (default) or MedianSequential.
	Median string
	// Capitulation enables capitulation offers (Bueno de Mesquita 1994).
	// They are off by default, as in the Scholz-based coding, whose
	// capitulation branch is never taken: with them on, five of the six
	// reference runs differ from round 1 (docs/models/bdm.md).
	Capitulation bool
	// QSign is QSignEquation (default) or QSignDmasad; harmless at Q = 1.
	QSign string
	// Accept is AcceptLowest (default), AcceptPriority or AcceptNearest.
	Accept string
	// Offers is OffersAll (default), OffersAccepted or OffersNone: which
	// offers each Round records when the caller records everything
	// (jirga.DetailAll: Forecast, jirga explain, forecast --format json);
	// with less detail no offer is recorded, and a round keeps only each
	// actor's best offer while it is made, not all n(n − 1).
	Offers string
}

// Sources of the option values, for jirga models.
const (
	citeBDM94  = "Bueno de Mesquita (1994)"
	citeScholz = "Scholz, Calbert & Smith (2011)"
	citeJmckib = "jmckib/bdm-scholz-expected-utility-model@55f63e9, a Scholz-based coding (its output)"
	citeDmasad = "dmasad/BDM_DecisionModel_Replication"
	citeOwn    = "this project, docs/models/bdm.md"
)

// Readings: named presets of the options that the published descriptions
// leave open (models.md §2.5 and the choice among offers). Each is a value
// of the option reading; see options for what each sets.
const (
	// ReadingScholz, the default, reproduces Scholz et al.'s Table 2 and the
	// ten rounds of the Scholz-based coding on every shared case, with no
	// fitted constant and an order-free median.
	ReadingScholz = "scholz"
	// ReadingScholzCode is the Scholz-based coding as it runs (jmckib),
	// including its order-dependent sequential median.
	ReadingScholzCode = "scholz-code"
	// ReadingEmissionFit is jirga's default before issue 15: capitulation
	// offers, the smallest compromise move, and min_eu = 0.01 fitted on the
	// emission case.
	ReadingEmissionFit = "emission-fit"
)

// reading returns the options a reading sets: every option the readings
// differ on, so that a reading does not depend on the defaults.
func reading(median, capitulation, minEU, accept string) map[string]string {
	return map[string]string{"probability": ProbAll, "votes": VotesRisk, "estimate": EstimateReceiver, "median": median,
		"capitulation": capitulation, "qsign": QSignEquation, "q": "1", "min_eu": minEU, "accept": accept}
}

// options declares bdm's options, bound to st. It is the one list of them:
// jirga models, the command line and the HTTP API all read it.
func (st *Settings) options() *option.Set {
	s := option.NewSet("bdm")
	s.Choice(&st.Reading, "reading", ReadingScholz, "a named preset of the options below; options given beside it win", citeOwn,
		option.Value{Name: ReadingScholz, Doc: "the Scholz-based coding with the full Condorcet median: no capitulation, no minimum expected utility, the lowest compromise",
			Cite: citeScholz + "; " + citeJmckib, Sets: reading(MedianCondorcet, "false", "0", AcceptLowest)},
		option.Value{Name: ReadingScholzCode, Doc: "the Scholz-based coding as it runs, with its sequential median in actor order",
			Cite: citeJmckib, Sets: reading(MedianSequential, "false", "0", AcceptLowest)},
		option.Value{Name: ReadingEmissionFit, Doc: "jirga's default before issue 15: capitulation, the smallest compromise move, min_eu = 0.01 fitted on the emission case",
			Cite: citeOwn, Sets: reading(MedianCondorcet, "true", "0.01", AcceptPriority)})
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
	s.Bool(&st.Capitulation, "capitulation", "false", "whether capitulation offers exist: the receiver moves fully to the proposer when it would lose more than the proposer gains (|b| > a); the Scholz-based coding never makes them", citeBDM94)
	s.Choice(&st.QSign, "qsign", QSignEquation, "sign of the (1 − Q) term of the expected utility (harmless at Q = 1)", citeBDM94,
		option.Value{Name: QSignEquation, Doc: "− Q U_sq − (1 − Q)[T U_b + (1 − T) U_w], the equation as published", Cite: citeBDM94},
		option.Value{Name: QSignDmasad, Doc: "− Q U_sq + (1 − Q)[T U_b + (1 − T) U_w], a sign error of one coding", Cite: citeDmasad})
	s.OptFloat(&st.Q, "q", "1", "probability Q that the status quo holds when i does not challenge j (Scholz: 1)", citeScholz, 0, 1)
	s.OptFloat(&st.MinEU, "min_eu", "0", "smallest expected utility of a challenge for which an actor makes an offer (0.01 in reading emission-fit, fitted there)", citeOwn, 0, math.Inf(1))
	s.Choice(&st.Accept, "accept", AcceptLowest, "which of the offers it receives an actor takes", citeScholz,
		option.Value{Name: AcceptLowest, Doc: "conflict, then compromise, then capitulation; among compromises the lowest proposed position, else the least move", Cite: citeJmckib},
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
	capitulation, dmasad                                bool
	accept                                              int // acceptLowest, acceptPriority or acceptNearest
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
		capitulation: s.Capitulation,
		dmasad:       s.QSign == QSignDmasad,
		offers:       s.Offers,
	}
	switch s.Accept {
	case AcceptPriority:
		r.accept = acceptPriority
	case AcceptNearest:
		r.accept = acceptNearest
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
	reading := ""
	if s.Reading != "" {
		reading = "reading=" + s.Reading + " "
	}
	minEU := r.minEU
	if minEU <= zeroEU {
		minEU = 0 // the noise floor is not a setting
	}
	return fmt.Sprintf("%srounds=%d probability=%s votes=%s estimate=%s median=%s capitulation=%t qsign=%s q=%g min_eu=%g accept=%s tolerance=%g",
		reading, r.rounds, pick(r.probAll, ProbAll, ProbPair), pick(r.riskVotes, VotesRisk, VotesLinear),
		pick(r.perceiver, pick(r.receiver, EstimateReceiver, EstimateProposer), EstimateTarget), pick(r.sequential, MedianSequential, MedianCondorcet),
		r.capitulation, pick(r.dmasad, QSignDmasad, QSignEquation), r.q, minEU, acceptNames[r.accept], r.tol)
}
