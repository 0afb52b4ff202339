package smp

// Settings configure a run. The zero value is KTAB's default run.
type Settings struct {
	VictoryProb VictoryProbModel
	PCE         PCEModel
	Transitions StateTransitions
	Voting      VotingRule
	RiskAdjust  BigRAdjust
	RiskRange   BigRRange
	Commit      ThirdPartyCommit
	Interp      InterVecBrgn
	Bargain     BargnModel
	// MaxTurns caps the number of turns; 0 means KTAB's 100.
	MaxTurns int
	// Seed seeds the Stochastic state transitions.
	Seed uint64
	// Workers is the number of goroutines a turn uses; 0 means GOMAXPROCS.
	// The result does not depend on it.
	Workers int
}
