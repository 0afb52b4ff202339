package format_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/jirga/jirga/format"
)

// TestDocsScenario keeps the examples in docs/scenario.md valid: every
// complete scenario shown there reads without error, and the complete
// example is testdata/full.yaml (without its first comment line). A block
// under a <!-- file: NAME --> line is a fixture of a quoted command (often
// an invalid file, to show the messages), which cmd/jirga's
// TestDocsOutputs runs instead.
func TestDocsScenario(t *testing.T) {
	doc, err := os.ReadFile("../docs/scenario.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)(<!-- file: [^>]*-->\n)?```(yaml|json)\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	full, err := os.ReadFile("testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, fullBody, _ := strings.Cut(string(full), "\n")
	n, sawFull := 0, false
	for _, b := range blocks {
		if b[1] != "" {
			continue // a fixture
		}
		lang, src := b[2], b[3]
		if !strings.HasPrefix(src, "id:") && !strings.HasPrefix(src, `{"id"`) {
			continue // a fragment
		}
		n++
		if _, err := format.Read("docs/scenario.md "+lang, []byte(src), format.Options{}); err != nil {
			t.Errorf("example in docs/scenario.md does not read:\n%s\n%v", src, err)
		}
		if src == fullBody {
			sawFull = true
		}
	}
	if n < 3 {
		t.Errorf("found %d complete examples in docs/scenario.md, want at least 3", n)
	}
	if !sawFull {
		t.Error("docs/scenario.md does not show testdata/full.yaml; copy it in after changing either")
	}
}
