// Package exampletest loads the built-in examples for tests.
package exampletest

import (
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/format"
)

// Flagship returns the first state of the built-in flagship scenario
// (examples.Flagship), failing tb when it does not load.
func Flagship(tb testing.TB) *jirga.Scenario {
	tb.Helper()
	ss, err := examples.Load(examples.Flagship, format.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return ss[0]
}
