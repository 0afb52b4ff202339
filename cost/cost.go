package cost

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/bdm"
	"github.com/jirga/jirga/exchange"
	"github.com/jirga/jirga/sweep"
)

// Estimate is the predicted cost of a computation.
type Estimate struct {
	// Bytes is the peak memory, in bytes, beyond what the process holds
	// before it starts.
	Bytes float64
	// Seconds is the CPU time on one core of the reference machine.
	Seconds float64
}

// String formats the estimate for messages, e.g. "about 1.2 GB of memory
// and 3 min of CPU time".
func (e Estimate) String() string {
	return fmt.Sprintf("about %s of memory and %s of CPU time", Bytes(e.Bytes), Duration(e.Seconds))
}

// Bytes formats a number of bytes with a decimal unit (kB, MB, GB, TB).
func Bytes(b float64) string {
	units := []string{"B", "kB", "MB", "GB", "TB", "PB"}
	i := 0
	for b >= 1000 && i < len(units)-1 {
		b /= 1000
		i++
	}
	return num(b) + " " + units[i]
}

// num formats x with one decimal below 10, none from 10 up.
func num(x float64) string {
	if x >= 9.95 {
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'f', 1, 64)
}

// Duration formats seconds as s, min, h or days.
func Duration(s float64) string {
	switch {
	case s < 1:
		return "under a second"
	case s < 120:
		return num(s) + " s"
	case s < 2*3600:
		return num(s/60) + " min"
	case s < 2*86400:
		return num(s/3600) + " h"
	}
	return num(s/86400) + " days"
}

// Size is what the cost of a computation on a scenario depends on.
type Size struct {
	Actors, Issues int
	// PerIssue is the number of actors holding a position on each issue.
	PerIssue []int
	// Stances is the number of actor–issue pairs with a position (the sum
	// of PerIssue).
	Stances int
	// Parties is the number of parties a deal must satisfy: the actors
	// marked necessary, or every actor when none is.
	Parties int
	// Interventions is the number of the scenario's interventions.
	Interventions int
	// States is the number of dated states (1 + the snapshots) and
	// Revisions the number of estimates the snapshots revise: a timeline
	// measures every state and replays every revision.
	States, Revisions int
}

// SizeOf measures s.
func SizeOf(s *jirga.Scenario) Size {
	sz := Size{Actors: len(s.Actors), Issues: len(s.Issues), PerIssue: make([]int, len(s.Issues)), Interventions: len(s.Interventions), States: 1 + len(s.Snapshots)}
	for _, sn := range s.Snapshots {
		if sn != nil {
			sz.Revisions += len(sn.Revisions)
		}
	}
	for _, a := range s.Actors {
		if a.Necessary {
			sz.Parties++
		}
		for k, is := range s.Issues {
			if st := a.Stances[is.ID]; st != nil && st.Position != nil {
				sz.PerIssue[k]++
				sz.Stances++
			}
		}
	}
	if sz.Parties == 0 {
		sz.Parties = sz.Actors
	}
	return sz
}

// Job is a computation on a scenario: a run of jirga serve or a command.
type Job struct {
	// Kind is what is computed: jirga.KindForecast (also KindExplain, one
	// model's forecast), KindSweep, KindDeal, KindLevers, KindTimeline,
	// KindCompare (a forecast per variant) or KindReport (all of them).
	Kind jirga.RunKind
	// Models are the model names.
	Models []string
	// Rounds is the rounds (turns) of the dynamic models; 0 means each
	// model's default.
	Rounds int
	// Params are the model-specific options: model name, then key.
	Params map[string]map[string]string
	// Draws of a sweep or deal analysis; 0 means the default, a negative
	// number none (the point values only).
	Draws int
	// Workers computing draws at once; 0 means 1.
	Workers int
	// Interventions: a deal analysis also under each intervention.
	Interventions bool
}

// Params splits options keyed MODEL.KEY (--opt, the API's "opts") by
// model, for Job.Params.
func Params(opts map[string]string) map[string]map[string]string {
	out := map[string]map[string]string{}
	for k, v := range opts {
		if mname, key, ok := strings.Cut(k, "."); ok {
			if out[mname] == nil {
				out[mname] = map[string]string{}
			}
			out[mname][key] = v
		}
	}
	return out
}

// Of estimates the cost of job j on a scenario of size sz.
func Of(sz Size, j Job) Estimate {
	workers := float64(max(j.Workers, 1))
	var e Estimate
	switch j.Kind {
	case jirga.KindSweep:
		draws := drawsOr(j.Draws, sweep.DefaultDraws)
		// The point forecasts keep their results; the draws keep one
		// float64 per draw, model and issue; each worker holds one draw's
		// working memory at a time.
		var work, point float64
		for _, name := range j.Models {
			c := model(name, sz, j.Rounds, j.Params[name], false)
			e.Seconds += (draws + 1) * c.seconds
			work = max(work, c.work)
			point += c.result
		}
		e.Bytes = workers*(work+scenarioBytes(sz)) + point + 8*draws*float64(len(j.Models)*sz.Issues)
	case jirga.KindDeal:
		draws := drawsOr(j.Draws, sweep.DefaultDraws)
		lp := linearProgram(sz)
		// The point zones: one program for the joint zone and two per issue
		// for its bounds; then one per draw, and one per draw under each
		// variant (each intervention, and all together when there are two
		// or more).
		variants := 0.0
		if j.Interventions {
			variants = float64(variantsOf(sz) - 1)
		}
		e.Seconds = (1+2*float64(sz.Issues)+draws*(1+variants))*lp.seconds + variants*cloneSeconds*float64(sz.Stances)
		work := lp.work
		for _, name := range j.Models {
			// Each draw forecasts with every model, rounds included.
			c := model(name, sz, j.Rounds, j.Params[name], true)
			e.Seconds += (draws + 1) * c.seconds
			work = max(work, c.work+c.result)
		}
		e.Bytes = workers * (work + scenarioBytes(sz))
	case jirga.KindLevers:
		// A baseline forecast and two per input: each actor's capability,
		// each stance's salience and position (and reservation, counted
		// here for every stance), one at a time on a copy of the scenario.
		forecasts := 1 + 2*float64(sz.Actors+3*sz.Stances)
		var work float64
		for _, name := range j.Models {
			c := model(name, sz, j.Rounds, j.Params[name], true)
			e.Seconds += forecasts * (c.seconds + cloneSeconds*float64(sz.Stances))
			work = max(work, c.work+c.result)
		}
		// The levers: one per input, sign and issue it moves.
		levers := 2 * float64(sz.Actors+3*sz.Stances) * float64(sz.Issues)
		e.Bytes = work + 2*scenarioBytes(sz) + leverBytes*levers
	case jirga.KindTimeline:
		// Each state is forecast (rounds kept) and given a deal analysis;
		// each revision is replayed in turn and alone (a forecast and a deal
		// analysis each, rounds dropped). Interventions are not analysed.
		f := Of(sz, Job{Kind: jirga.KindForecast, Models: j.Models, Rounds: j.Rounds, Params: j.Params})
		d := Of(sz, Job{Kind: jirga.KindDeal, Models: j.Models, Rounds: j.Rounds, Params: j.Params, Draws: j.Draws, Workers: j.Workers})
		measures := float64(max(sz.States, 1) + 2*sz.Revisions)
		e.Seconds = measures * (f.Seconds + d.Seconds)
		// The states' results are kept; one measure's working memory at a time.
		e.Bytes = float64(max(sz.States, 1))*f.Bytes + d.Bytes
	case jirga.KindCompare:
		// A forecast per variant (the baseline, each intervention, all of
		// them together when there are two or more), rounds not kept.
		e = Of(sz, Job{Kind: jirga.KindForecast, Models: j.Models, Rounds: j.Rounds, Params: j.Params})
		e.Seconds *= float64(variantsOf(sz))
		e.Bytes -= gcFloorBytes
	case jirga.KindReport:
		// The report's analyses in turn: a forecast, a sweep and a deal
		// analysis under each intervention (Draws each), the levers of the
		// first model on its forecasts and on the deal slack (counted as
		// twice the first), the comparison, and the timeline when the
		// scenario has snapshots.
		parts := []Job{
			{Kind: jirga.KindForecast},
			{Kind: jirga.KindSweep, Draws: j.Draws, Workers: j.Workers},
			{Kind: jirga.KindDeal, Draws: j.Draws, Workers: j.Workers, Interventions: true},
			{Kind: jirga.KindCompare},
		}
		if sz.States > 1 {
			parts = append(parts, Job{Kind: jirga.KindTimeline, Draws: j.Draws, Workers: j.Workers})
		}
		for _, p := range parts {
			p.Models, p.Rounds, p.Params = j.Models, j.Rounds, j.Params
			x := Of(sz, p)
			e.Seconds += x.Seconds
			e.Bytes = max(e.Bytes, x.Bytes-gcFloorBytes)
		}
		if len(j.Models) > 0 {
			lv := Of(sz, Job{Kind: jirga.KindLevers, Models: j.Models[:1], Rounds: j.Rounds, Params: j.Params})
			e.Seconds += 2 * lv.Seconds
			e.Bytes = max(e.Bytes, lv.Bytes-gcFloorBytes)
		}
	default: // a forecast (or an explanation): the models in turn, every result kept
		var work, results, encoded float64
		for _, name := range j.Models {
			c := model(name, sz, j.Rounds, j.Params[name], true)
			e.Seconds += c.seconds + c.encode
			work = max(work, c.work)
			results += c.result
			encoded += c.json
		}
		e.Bytes = work + results + jsonCopies*encoded + scenarioBytes(sz)
	}
	e.Bytes += gcFloorBytes
	return e
}

// variantsOf is the number of versions of a scenario a comparison forecasts:
// the baseline, each intervention, and all of them together when there are
// two or more.
func variantsOf(sz Size) int {
	n := 1 + sz.Interventions
	if sz.Interventions >= 2 {
		n++
	}
	return n
}

// drawsOr is the number of draws: def for 0, none for a negative number.
func drawsOr(draws, def int) float64 {
	switch {
	case draws == 0:
		return float64(def)
	case draws < 0:
		return 0
	}
	return float64(draws)
}

func cmpOr(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// modelCost is the cost of one forecast: CPU time, working memory (freed
// when the forecast returns), the memory of the rounds it records in its
// result, and the size and encoding time of those rounds as JSON.
type modelCost struct {
	seconds, work, result float64
	json, encode          float64
}

// Constants of the cost formulas, measured by TestCalibrate on the
// reference machine (see docs/security.md) and rounded up.
const (
	// Every model builds the dense table of the scenario.
	tableSeconds = 1e-7 // per actor and issue
	tableBytes   = 64   // per actor and issue
	// Static models: a sort per issue.
	staticSeconds = 1.5e-7 // per stance × log2(actors)
	// bdm: per round and issue, n² pairs; seven n×n float64 tables, and,
	// when every offer is recorded, the offers of a round (48 bytes each,
	// up to n(n−1), in a slice that grows by doubling; otherwise each
	// actor's best offer is kept as the offers are made).
	bdmSeconds    = 1.5e-7 // per pair and round
	bdmTableBytes = 7 * 8
	bdmOfferBytes = 3 * 48
	// The share of ordered pairs that make an offer in a round (measured:
	// 0.5–0.6 on random scenarios), a recorded offer (jirga.Offer) and its
	// JSON.
	offerShare       = 0.6
	offerSeconds     = 1e-7
	offerBytes       = 96
	offerJSONBytes   = 150
	offerJSONSeconds = 4e-6 // with the garbage collection a large result brings
	// A recorded position (a map entry) and its JSON, per actor, issue and
	// round.
	positionBytes       = 64
	positionJSONBytes   = 30
	positionJSONSeconds = 1e-7
	// smp: per turn, N³ for the challenges and probabilities, N²·M for the
	// distances; memory of its N×N matrices and per-turn state. (Issue 18
	// made a turn about four times cheaper: most targets' challenges are
	// bounded away, and the elections count each pair once: one turn at
	// 2,000 actors takes 49 s of CPU, 56 s by this constant.)
	smpSeconds     = 7e-9 // per N³ and turn
	smpMatrixBytes = 800  // per N²
	// smp's cap on turns (KTAB's).
	smpMaxTurns = 100
	// exchange: K candidate exchanges per round, each compared in a heap;
	// a candidate is a slot of 8 bytes, a heap entry of 16 with room for a
	// quarter more, and two places in the partner lists (issue 18).
	exchangeSeconds        = 2.5e-8 // per candidate × log2(K) and round
	exchangeCandidateBytes = 64
	// deal: a dense simplex tableau of R rows and C columns, R·C·pivots
	// work with about R pivots; a fresh tableau per program, so garbage
	// doubles it.
	lpSeconds = 1e-9 // per R²·C
	lpBytes   = 2 * 8
	// levers: one lever struct and its JSON.
	leverBytes = 120 + 120
	// Cloning a scenario (levers, interventions), per stance.
	cloneSeconds = 1e-6
	// A decoded scenario's memory per stance (its estimates and map
	// entry), per actor and per issue.
	stanceBytes = 400
	actorBytes  = 300
	issueBytes  = 300
	// Copies of a result's JSON a server holds at once: the encoder's
	// buffer, the database's copy, the copy read back and the response's.
	jsonCopies = 4
	// The garbage collector lets the heap grow to twice the live data
	// before it collects, and to at least 4 MB: a floor for small runs.
	gcFloorBytes = 16 << 20
)

// scenarioBytes is the memory of a copy of the scenario.
func scenarioBytes(sz Size) float64 { return ScenarioBytes(sz) }

// ScenarioBytes estimates the memory a decoded scenario of size sz holds.
func ScenarioBytes(sz Size) float64 {
	return stanceBytes*float64(sz.Stances) + actorBytes*float64(sz.Actors) + issueBytes*float64(sz.Issues)
}

// model returns the cost of one forecast of the named model; record says
// whether the rounds are recorded (Forecast) or not (ForecastOnly).
func model(name string, sz Size, rounds int, params map[string]string, record bool) modelCost {
	n, m := float64(sz.Actors), float64(sz.Issues)
	c := modelCost{seconds: tableSeconds * n * m, work: tableBytes * n * m}
	// positions records the positions of r rounds.
	positions := func(r float64) {
		c.result += r * n * m * positionBytes
		c.json += r * n * m * positionJSONBytes
		c.encode += r * n * m * positionJSONSeconds
	}
	switch name {
	case "bdm":
		r := float64(cmpOr(rounds, bdm.DefaultRounds))
		var pairs, maxPairs, offers float64
		for _, k := range sz.PerIssue {
			p := float64(k) * float64(k)
			pairs += p
			maxPairs = max(maxPairs, p)
			switch params["offers"] {
			case bdm.OffersNone:
			case bdm.OffersAccepted:
				offers += float64(k)
			default:
				offers += offerShare * p
			}
		}
		c.seconds += bdmSeconds * r * pairs
		c.work += bdmTableBytes * maxPairs
		if o := params["offers"]; record && (o == "" || o == bdm.OffersAll) {
			c.work += bdmOfferBytes * maxPairs
		}
		if record {
			c.seconds += offerSeconds * r * offers
			c.result += offerBytes * r * offers
			c.json += offerJSONBytes * r * offers
			c.encode += offerJSONSeconds * r * offers
			positions(r)
		}
	case "smp":
		turns := float64(smpMaxTurns)
		if rounds > 0 {
			turns = float64(rounds)
		}
		if v, err := strconv.Atoi(params["turns"]); err == nil && v > 0 {
			turns = float64(v)
		}
		c.seconds += smpSeconds * turns * (n*n*n + n*n*m)
		c.work += smpMatrixBytes * n * n
		if record {
			// Positions and a probability per actor, issue and turn.
			positions(2 * turns)
		}
	case "exchange":
		r := float64(cmpOr(rounds, exchange.DefaultRounds))
		k := candidates(sz)
		c.seconds += exchangeSeconds * r * k * math.Log2(k+2)
		c.work += exchangeCandidateBytes * k
		if record {
			positions(r)
		}
	default: // the static models (Known lists them) and any other
		c.seconds += staticSeconds * float64(sz.Stances) * math.Log2(n+2)
	}
	return c
}

// staticModels are the models with a closed form: O(n log n) per issue.
var staticModels = []string{"mean", "median", "condorcet", "nbs", "stacked"}

// Known reports whether the cost of the named model is modelled. A model
// that is not is estimated as a static one; the registry's tests check
// that every registered model is known.
func Known(name string) bool {
	return name == "bdm" || name == "smp" || name == "exchange" || slices.Contains(staticModels, name)
}

// candidates bounds the exchanges the exchange model considers in a round:
// for each pair of issues, the actors split into four groups by side and
// only A×D and B×C pairs trade, at most a quarter of all pairs.
func candidates(sz Size) float64 {
	var k float64
	for a := range sz.PerIssue {
		for b := a + 1; b < len(sz.PerIssue); b++ {
			n := float64(min(sz.PerIssue[a], sz.PerIssue[b]))
			k += n * n / 4
		}
	}
	return k
}

type lpCost struct{ seconds, work float64 }

// linearProgram is the cost of one of the deal analysis's linear programs:
// a column per constrained stance and issue, a row per stance, issue and
// party, solved on a dense tableau with a slack column per row.
func linearProgram(sz Size) lpCost {
	vars := float64(sz.Stances + sz.Issues + 1)
	rows := float64(sz.Stances+sz.Issues+sz.Parties) + 1
	cols := vars + 2*rows
	return lpCost{seconds: lpSeconds * rows * rows * cols, work: lpBytes * rows * (cols + vars)}
}
