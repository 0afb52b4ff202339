package examples_test

import (
	"testing"

	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/format"
)

// TestSOEPolicy loads KTAB's SOE-Policy sample (26 actors × 1 dimension).
func TestSOEPolicy(t *testing.T) {
	ss, err := examples.Load("soe-policy", format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(ss[0].Actors); got != 26 || len(ss[0].Issues) != 1 {
		t.Errorf("%d actors × %d issues, want 26 × 1", got, len(ss[0].Issues))
	}
}
