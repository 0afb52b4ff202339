package examples_test

import (
	"strings"
	"testing"

	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/format"
)

// TestCop21 loads the built-in CoP21 example (Stokman & Thomson 2015 via the
// Decide repository; see README.md): 15 actors × 13 issues, labelled anchors
// with the replacement characters repaired.
func TestCop21(t *testing.T) {
	ss, err := examples.Load("cop21", format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := ss[0]
	if len(s.Actors) != 15 || len(s.Issues) != 13 {
		t.Fatalf("%d actors × %d issues, want 15 × 13", len(s.Actors), len(s.Issues))
	}
	labels := ""
	for _, is := range s.Issues {
		for _, a := range is.Anchors {
			labels += a.Label + "\n"
		}
	}
	if strings.Contains(labels, "\ufffd") || !strings.Contains(labels, "Convention’s") {
		t.Errorf("anchor labels not repaired:\n%s", labels)
	}
}
