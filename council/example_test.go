package council_test

import (
	"fmt"

	"github.com/jirga/jirga/council"
)

// The double-majority proxy: Shapley–Shubik indices of the Lisbon rule with
// 2014 populations, scaled to sum to 100.
func ExampleWeight() {
	for _, c := range []string{"de", "fr", "pl", "nl", "se", "mt"} {
		w, _ := council.Weight(council.DoubleMajority, c)
		fmt.Printf("%s %.2f\n", c, w)
	}
	// Output:
	// de 14.40
	// fr 11.18
	// pl 6.42
	// nl 3.27
	// se 2.18
	// mt 0.86
}
