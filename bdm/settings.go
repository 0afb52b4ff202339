package bdm

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/jirga/jirga"
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
	// Reading names the reading (Readings) the settings were built from, for
	// the result's notes; the options themselves are in the other fields
	// (ParseParams expands a reading into them).
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
	// offers each Round records.
	Offers string
}

// Param documents one option of the registry (models.Param mirrors it).
type Param struct {
	Name, Values, Default, Doc string
	// Choices say what each value means and where it comes from.
	Choices []Choice
}

// Choice documents one value of an option.
type Choice struct{ Value, Doc, Source string }

// Sources of the option values, for jirga models.
const (
	srcBDM94  = "Bueno de Mesquita (1994)"
	srcScholz = "Scholz, Calbert & Smith (2011)"
	srcCoding = "the Scholz-based coding jmckib/bdm-scholz-expected-utility-model, its output"
	srcDmasad = "dmasad/BDM_DecisionModel_Replication"
	srcOwn    = "this project, docs/models/bdm.md"
)

// Readings: named presets of the options that the published descriptions
// leave open (models.md §2.5 and the choice among offers).
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

// Reading is a named preset of options, as data: the options it sets, in
// --opt form.
type Reading struct {
	Name, Doc, Source string
	Options           map[string]string
}

// Readings lists the readings accepted by the option reading=NAME. Each sets
// every option the readings differ on, so that a reading does not depend on
// the defaults; options given beside it win.
var Readings = []Reading{
	{ReadingScholz, "the Scholz-based coding with the full Condorcet median: no capitulation, no minimum expected utility, the lowest compromise",
		"Scholz, Calbert & Smith (2011); jmckib/bdm-scholz-expected-utility-model@55f63e9 (its output)",
		map[string]string{"probability": ProbAll, "votes": VotesRisk, "estimate": EstimateReceiver, "median": MedianCondorcet,
			"capitulation": "false", "qsign": QSignEquation, "q": "1", "min_eu": "0", "accept": AcceptLowest}},
	{ReadingScholzCode, "the Scholz-based coding as it runs, with its sequential median in actor order",
		"jmckib/bdm-scholz-expected-utility-model@55f63e9 (its output)",
		map[string]string{"probability": ProbAll, "votes": VotesRisk, "estimate": EstimateReceiver, "median": MedianSequential,
			"capitulation": "false", "qsign": QSignEquation, "q": "1", "min_eu": "0", "accept": AcceptLowest}},
	{ReadingEmissionFit, "jirga's default before issue 15: capitulation, the smallest compromise move, min_eu = 0.01 fitted on the emission case",
		"this project, docs/models/bdm.md",
		map[string]string{"probability": ProbAll, "votes": VotesRisk, "estimate": EstimateReceiver, "median": MedianCondorcet,
			"capitulation": "true", "qsign": QSignEquation, "q": "1", "min_eu": "0.01", "accept": AcceptPriority}},
}

// Params lists the options accepted by ParseParams, for the model registry
// and `jirga models`.
var Params = []Param{
	{"reading", "scholz | scholz-code | emission-fit", ReadingScholz, "a named preset of the options below; options given beside it win (docs/models/bdm.md)", readingChoices()},
	{"probability", "all | pair", ProbAll, "denominator of P^i, the probability that i beats j", []Choice{
		{ProbAll, "the votes over every ordered pair of actors", srcCoding},
		{ProbPair, "the votes over the pair (i, j) only, so that P^i + P^j = 1", srcBDM94}}},
	{"votes", "risk | linear", VotesRisk, "votes inside P^i", []Choice{
		{VotesRisk, "distances raised to the voter's risk exponent r_k", srcCoding},
		{VotesLinear, "linear in distance", srcBDM94}}},
	{"estimate", "receiver | proposer | target", EstimateReceiver, "who judges an offer, and with whose risk exponent", []Choice{
		{EstimateReceiver, "the receiver j judges both expected utilities with r_j", srcCoding},
		{EstimateProposer, "the proposer i judges both with r_i", srcOwn},
		{EstimateTarget, "each expected utility with its owner's r (full information)", srcBDM94}}},
	{"median", "condorcet | sequential", MedianCondorcet, "how the median voter position is found", []Choice{
		{MedianCondorcet, "full pairwise Condorcet comparison of the positions", srcBDM94},
		{MedianSequential, "one pass in actor order (order-dependent)", srcCoding}}},
	{"capitulation", "false | true", "false", "whether capitulation offers exist", []Choice{
		{"false", "no capitulation offers (the Scholz-based coding never makes them)", srcCoding},
		{"true", "when the receiver would lose more than the proposer gains (|b| > a), it moves fully to the proposer", srcBDM94}}},
	{"qsign", "equation | dmasad", QSignEquation, "sign of the (1 − Q) term of the expected utility (harmless at Q = 1)", []Choice{
		{QSignEquation, "− Q U_sq − (1 − Q)[T U_b + (1 − T) U_w], as published", srcScholz},
		{QSignDmasad, "+ (1 − Q)[…], a sign error of one coding", srcDmasad}}},
	{"q", "[0, 1]", "1", "probability Q that the status quo holds when i does not challenge j (" + srcScholz + ": 1)", nil},
	{"min_eu", "≥ 0", "0", "smallest expected utility of a challenge for which an actor makes an offer (0.01 in reading emission-fit, fitted there; " + srcOwn + ")", nil},
	{"accept", "lowest | priority | nearest", AcceptLowest, "which of the offers it receives an actor takes", []Choice{
		{AcceptLowest, "conflict > compromise > capitulation; among compromises the lowest proposed position, else the least move", "Scholz's code, as " + srcCoding + " shows"},
		{AcceptPriority, "conflict > compromise > capitulation; the least move within a kind", srcOwn},
		{AcceptNearest, "the least move, whatever the kind", srcOwn}}},
	{"tolerance", "≥ 0", "0", "stop early when no position moves more than tolerance × R in a round (0: fixed rounds, as " + srcScholz + ")", nil},
	{"offers", "all | accepted | none", OffersAll, "offers recorded in each round of the result", []Choice{
		{OffersAll, "every offer (jirga explain narrates them)", srcOwn},
		{OffersAccepted, "the accepted offers only", srcOwn},
		{OffersNone, "no offers: the smallest result", srcOwn}}},
}

func readingChoices() []Choice {
	out := make([]Choice, len(Readings))
	for i, r := range Readings {
		out[i] = Choice{r.Name, r.Doc, r.Source}
	}
	return out
}

// ParseParams returns the Settings given by registry parameters (the keys of
// Params) and rounds. A reading is applied first; the options given beside
// it win. It rejects unknown keys and bad values with EINVALID.
func ParseParams(rounds int, p map[string]string) (Settings, error) {
	st := Settings{Rounds: rounds}
	if name, ok := p["reading"]; ok {
		var r *Reading
		for i := range Readings {
			if Readings[i].Name == name {
				r = &Readings[i]
			}
		}
		if r == nil {
			names := make([]string, len(Readings))
			for i, r := range Readings {
				names[i] = r.Name
			}
			return Settings{}, jirga.Errorf(jirga.EINVALID, "bdm: option reading=%q: want one of %s", name, strings.Join(names, ", "))
		}
		merged := make(map[string]string, len(r.Options)+len(p))
		for k, v := range r.Options {
			merged[k] = v
		}
		for k, v := range p {
			if k != "reading" {
				merged[k] = v
			}
		}
		p = merged
		st.Reading = name
	}
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
			err = choice(k, v, &st.Accept, AcceptLowest, AcceptPriority, AcceptNearest)
		case "offers":
			err = choice(k, v, &st.Offers, OffersAll, OffersAccepted, OffersNone)
		case "capitulation":
			b, perr := strconv.ParseBool(v)
			if perr != nil {
				err = jirga.Errorf(jirga.EINVALID, "bdm: option capitulation=%q: want true or false", v)
			}
			st.Capitulation = b
		case "q":
			q, perr := strconv.ParseFloat(v, 64)
			if perr != nil || !(q >= 0 && q <= 1) {
				err = jirga.Errorf(jirga.EINVALID, "bdm: option q=%q: want a number in [0, 1]", v)
			}
			st.Q = &q
		case "min_eu":
			e, perr := strconv.ParseFloat(v, 64)
			if perr != nil || !(e >= 0) || math.IsInf(e, 1) {
				err = jirga.Errorf(jirga.EINVALID, "bdm: option min_eu=%q: want a number ≥ 0", v)
			}
			st.MinEU = &e
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
