package smp

// Settings configure a run. The zero value is KTAB's default run.
type Settings struct {
	// The nine KTAB model parameters, in KTAB's order: VictoryProbModel,
	// PCEModel, StateTransitions, VotingRule, BigRAdjust, BigRRange,
	// ThirdPartyCommit, InterVecBrgn and BargnModel. Their values and
	// defaults are declared once, in options.go (jirga models lists them);
	// "" means the scenario's ktab.<Name> attribute, else KTAB's default.
	VictoryProb, PCE, Transitions, Voting, RiskAdjust, RiskRange, Commit, Interp, Bargain string
	// MaxTurns caps the number of turns; 0 means KTAB's 100.
	MaxTurns int
	// Seed seeds the Stochastic state transitions. 0 means the scenario's
	// ktab.seed attribute, else FallbackSeed, else KTAB's DefaultSeed.
	Seed uint64
	// FallbackSeed is the seed used when neither Seed nor the scenario
	// gives one (the registry passes the generic --seed here, so that a
	// KTAB file's own prngSeed is honoured).
	FallbackSeed uint64
	// Workers is the number of goroutines a turn uses; 0 means GOMAXPROCS.
	// The result does not depend on it.
	Workers int
}
