package format_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/format"
)

// base is a valid scenario; the cases below change one line of it. Its line
// numbers matter: the tests assert them.
const base = `id: s
issues:
  - id: i
    scale: {min: 0, max: 100}
actors:
  - id: a
    capability: 1
    stances:
      i:
        position: 50
        salience: 50
sources:
  - {id: src}
`

// edit replaces line n (1-based) of base with repl, which may span lines.
func edit(n int, repl string) string {
	lines := strings.Split(base, "\n")
	lines[n-1] = repl
	return strings.Join(lines, "\n")
}

// want describes one expected *jirga.ValidationError: the fields that are
// set must match, msg must be a substring of Msg.
type want struct {
	line                int
	actor, issue, field string
	msg                 string
}

func (w want) matches(ve *jirga.ValidationError) bool {
	return (w.line == 0 || ve.Line == w.line) &&
		ve.Actor == w.actor && ve.Issue == w.issue &&
		(w.field == "" || ve.Field == w.field) &&
		strings.Contains(ve.Msg, w.msg)
}

func (w want) String() string {
	return fmt.Sprintf("line %d, actor %q, issue %q, field %q, msg containing %q", w.line, w.actor, w.issue, w.field, w.msg)
}

func TestReadValid(t *testing.T) {
	ss, err := format.Read("base.yaml", []byte(base), format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(ss), 1; got != want {
		t.Fatalf("got %d scenarios, want %d", got, want)
	}
}

func TestReadInvalid(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		src   string
		input string // --input-format; "" detects
		want  []want
	}{
		{name: "PositionAboveScale", src: edit(10, "        position: 120"),
			want: []want{{10, "a", "i", "position", "position 120 is outside the allowed range [0, 100]"}}},
		{name: "PositionOutsideOwnScale", src: edit(4, "    scale: {min: -5, max: 5}"),
			want: []want{{10, "a", "i", "position", "position 50 is outside the allowed range [-5, 5]"}}},
		{name: "SalienceNegative", src: edit(11, "        salience: -5"),
			want: []want{{11, "a", "i", "salience", "salience -5 is outside the allowed range [0, 100]"}}},
		{name: "SalienceAbove100", src: edit(11, "        salience: 100.5"),
			want: []want{{11, "a", "i", "salience", "salience 100.5 is outside the allowed range [0, 100]"}}},
		{name: "CapabilityZero", src: edit(7, "    capability: 0"),
			want: []want{{7, "a", "", "capability", "capability must be > 0, got 0"}}},
		{name: "CapabilityNegative", src: edit(7, "    capability: {value: -2, sources: [src]}"),
			want: []want{{7, "a", "", "capability", "capability must be > 0, got -2"}}},
		{name: "CapabilityLowNotPositive", src: edit(7, "    capability: {value: 2, low: 0, high: 3}"),
			want: []want{{7, "a", "", "capability", "low 0 is outside the allowed range (0, 1e+15]"}}},
		{name: "CapabilityTooLarge", src: edit(7, "    capability: 1e300"),
			want: []want{{7, "a", "", "capability", "capability 1e+300 is outside the allowed range (0, 1e+15]"}}},
		{name: "ScaleTooWide", src: edit(4, "    scale: {min: -1e308, max: 1e308}"),
			want: []want{{4, "", "i", "scale", "scale must have finite min < max within ±1e+15"}}},
		{name: "NaNPosition", src: edit(10, "        position: .nan"),
			want: []want{{10, "a", "i", "position", "want a finite number, got .nan"}}},
		{name: "InfSalience", src: edit(11, "        salience: .inf"),
			want: []want{{11, "a", "i", "salience", "want a finite number, got .inf"}}},
		{name: "MinusInfCapability", src: edit(7, "    capability: -.Inf"),
			want: []want{{7, "a", "", "capability", "want a finite number, got -.Inf"}}},
		{name: "NaNInEstimateObject", src: edit(11, "        salience: {value: 50, high: .nan}"),
			want: []want{{11, "a", "i", "high", "want a finite number"}}},
		{name: "UnknownIssueID", src: edit(9, "      j:"),
			want: []want{
				{9, "a", "j", "stances", `unknown issue id "j" (declare it under issues)`},
				{3, "", "i", "", "no actor holds a position on the issue"},
			}},
		{name: "DuplicateActorID", src: base[:strings.Index(base, "sources:")] + "  - {id: a, capability: 1, stances: {i: {position: 1, salience: 1}}}\n",
			want: []want{{12, "a", "", "id", `duplicate actor id "a"`}}},
		{name: "DuplicateIssueID", src: edit(4, "    scale: {min: 0, max: 100}\n  - id: i"),
			want: []want{{5, "", "i", "id", `duplicate issue id "i"`}}},
		{name: "DuplicateSourceID", src: base + "  - {id: src}\n",
			want: []want{{14, "", "", "id", `duplicate source id "src"`}}},
		{name: "BadID", src: edit(6, "  - id: -a b"),
			want: []want{{6, "", "", "id", `actor id "-a b" must be 1–64 letters`}}},
		{name: "UnknownSourceID", src: edit(10, "        position: {value: 50, sources: [src, nowhere]}"),
			want: []want{{10, "a", "i", "position", `unknown source id "nowhere" (declare it under sources)`}}},
		{name: "MissingSalience", src: edit(11, ""),
			want: []want{{9, "a", "i", "salience", "salience is missing; it must be in [0, 100]"}}},
		{name: "NullSalience", src: edit(11, "        salience: ~"),
			want: []want{{11, "a", "i", "salience", "salience is missing; it must be in [0, 100]"}}},
		{name: "MissingPosition", src: edit(10, ""),
			want: []want{{9, "a", "i", "position", "position is missing; it must be in [0, 100]"}}},
		{name: "MissingCapability", src: edit(7, ""),
			want: []want{{6, "a", "", "capability", "capability is missing; it must be a number > 0"}}},
		{name: "EstimateWithoutValue", src: edit(7, "    capability: {low: 1, high: 2}"),
			want: []want{{7, "a", "", "capability", "estimate has no value"}}},
		{name: "MissingScenarioID", src: edit(1, ""),
			want: []want{{2, "", "", "id", "scenario id is missing"}}},
		{name: "EmptyFile", src: "",
			want: []want{{0, "", "", "", "file is empty; it must hold a scenario"}}},
		{name: "BlankFile", src: " \n\t\n",
			want: []want{{0, "", "", "", "file is empty"}}},
		{name: "OnlyComments", src: "# nothing here\n",
			want: []want{{0, "", "", "", "no scenario found"}}},
		{name: "EmptyScenario", src: "id: s\n",
			want: []want{
				{1, "", "", "issues", "the scenario has no issues; at least one is needed"},
				{1, "", "", "actors", "the scenario has no actors; at least one is needed"},
			}},
		{name: "EmptyLists", src: "id: s\nissues: []\nactors: []\n",
			want: []want{
				{2, "", "", "issues", "the scenario has no issues"},
				{3, "", "", "actors", "the scenario has no actors"},
			}},
		{name: "NoStances", src: "id: s\nissues: [{id: i}]\nactors:\n  - id: a\n    capability: 1\n    stances: {}\n  - {id: b, capability: 1, stances: {i: {position: 1, salience: 50}}}\n",
			want: []want{{6, "a", "", "stances", "actor has no stance on any issue"}}},
		{name: "ScaleInverted", src: edit(4, "    scale: {min: 100, max: 0}"),
			want: []want{{4, "", "i", "scale", "scale must have finite min < max within ±1e+15, got [100, 0]"}}},
		{name: "LowAboveValue", src: edit(10, "        position: {value: 50, low: 60, high: 70}"),
			want: []want{{10, "a", "i", "position", "low 60 is above the value 50"}}},
		{name: "NormalWithoutSD", src: edit(10, "        position: {value: 50, dist: normal}"),
			want: []want{{10, "a", "i", "position", "a normal distribution needs sd in (0, 1e+15]"}}},
		{name: "UnknownDist", src: edit(10, "        position: {value: 50, dist: beta}"),
			want: []want{{10, "a", "i", "position", `dist "beta" is not one of uniform, triangular, normal`}}},
		{name: "UnknownRole", src: edit(7, "    capability: 1\n    role: king"),
			want: []want{{8, "a", "", "role", `role "king" is not one of party, mediator, guarantor, observer`}}},
		{name: "BadDate", src: edit(1, "id: s\nas_of: 2022-13-01"),
			want: []want{{2, "", "", "as_of", `as_of "2022-13-01" is not a date of the form YYYY-MM-DD`}}},
		{name: "OutcomeOutsideScale", src: edit(4, "    outcome: 101"),
			want: []want{{4, "", "i", "outcome", "outcome 101 is outside the scale [0, 100]"}}},
		{name: "StatusQuoOutsideScale", src: edit(4, "    status_quo: -1"),
			want: []want{{4, "", "i", "status_quo", "status_quo -1 is outside the allowed range [0, 100]"}}},
		{name: "AnchorOutsideScale", src: edit(4, "    anchors: [{at: 200, label: far}]"),
			want: []want{{4, "", "i", "anchors.at", `anchor 200 ("far") is outside the scale [0, 100]`}}},
		{name: "ScaleWithoutMax", src: edit(4, "    scale: {min: 5}"),
			want: []want{{4, "", "i", "max", "max is missing; it must be a number"}}},
		{name: "AnchorWithoutAt", src: edit(4, "    anchors: [{label: low}]"),
			want: []want{{4, "", "i", "at", "at is missing; it must be a number"}}},
		{name: "JSONListOfNumbers", file: "bad.json", src: "[1]",
			want: []want{{1, "", "", "", "got \"1\" (read as jirga JSON"}}},
		{name: "AnchorWithoutLabel", src: edit(4, "    anchors: [{at: 20}]"),
			want: []want{{4, "", "i", "anchors.label", "anchor 20 has no label"}}},
		{name: "ReservationOutsideScale", src: edit(11, "        salience: 50\n        reservation: 150"),
			want: []want{{12, "a", "i", "reservation", "reservation 150 is outside the allowed range [0, 100]"}}},
		{name: "UnknownField", src: edit(7, "    capabilty: 1"),
			want: []want{
				{7, "a", "", "capabilty", `unknown field "capabilty"; allowed: capability, description, id, name, necessary, notes, role, sources, stances`},
				{6, "a", "", "capability", "capability is missing"},
			}},
		{name: "UnknownTopLevelField", src: "version: 2\n" + base,
			want: []want{{1, "", "", "version", `unknown field "version"`}}},
		{name: "UnknownEstimateField", src: edit(10, "        position: {value: 50, confidence: high}"),
			want: []want{{10, "a", "i", "confidence", `unknown field "confidence"; allowed: dist, high, hindsight, judgement, low, note, sd, sources, value`}}},
		{name: "QuotedNumber", src: edit(10, `        position: "50"`),
			want: []want{{10, "a", "i", "position", `want a number, got the text "50"; remove the quotes`}}},
		{name: "TextForNumber", src: edit(11, "        salience: high"),
			want: []want{{11, "a", "i", "salience", `want a number, got "high"`}}},
		{name: "ListForNumber", src: edit(7, "    capability: [1, 2]"),
			want: []want{{7, "a", "", "capability", "want a number or an object"}}},
		{name: "MappingForList", src: "id: s\nissues: {id: i}\nactors: [{id: a, capability: 1, stances: {i: {position: 1, salience: 1}}}]\n",
			want: []want{
				{2, "", "", "issues", "want a list, got a mapping"},
				{3, "a", "i", "stances", `unknown issue id "i"`},
			}},
		{name: "TextForBool", src: edit(7, "    capability: 1\n    necessary: maybe"),
			want: []want{{8, "a", "", "necessary", `want true or false, got "maybe"`}}},
		{name: "NullInList", src: edit(4, "    scale: {min: 0, max: 100}\n    anchors: [~]"),
			want: []want{{5, "", "i", "anchors", "want a mapping (anchor), got null"}}},
		{name: "DuplicateKey", src: edit(10, "        position: 50\n        position: 60"),
			want: []want{{11, "a", "i", "position", `duplicate field "position"`}}},
		{name: "MalformedYAML", src: edit(10, "        position: [50"),
			want: []want{{0, "", "", "", "malformed YAML"}}},
		{name: "ScalarDocument", src: "hello\n",
			want: []want{{1, "", "", "", "a scenario must be a mapping with id, issues and actors, got \"hello\""}}},
		{name: "MalformedJSON", file: "bad.json", src: "{\n  \"id\": \"s\",\n  \"issues\": [\n}\n",
			want: []want{{4, "", "", "", "malformed JSON: invalid character '}'"}}},
		{name: "TruncatedJSON", file: "bad.json", src: "{\"id\": \"s\",\n\"issues\": [",
			want: []want{{2, "", "", "", "malformed JSON: unexpected end of input"}}},
		{name: "JSONWrongType", file: "bad.json", src: `{"id": "s", "issues": [{"id": "i"}], "actors": [{"id": "a", "capability": "1",
"stances": {"i": {"position": true, "salience": 5}}}]}`,
			want: []want{
				{1, "a", "", "capability", `want a number, got the text "1"`},
				{2, "a", "i", "position", `want a number, got "true"`},
			}},
		{name: "JSONTrailingData", file: "bad.json", src: "{\"id\": \"s\"}\n{\"id\": \"t\"}\n",
			want: []want{{2, "", "", "", "unexpected data after the JSON value"}}},
		{name: "CSVBadNumber", file: "e.csv", src: "actor,capability,position,salience\nNL,0.08,4,80\nBE,x,7,40\n",
			want: []want{{3, "BE", "", "capability", `capability "x" is not a number; it must be a number > 0`}}},
		{name: "CSVMissingCells", file: "e.csv", src: "actor,capability,position,salience\n,1,4,80\nBE,1,,40\n",
			want: []want{
				{2, "", "", "actor", "actor name is missing"},
				{3, "BE", "issue", "position", "position is missing; it must be a number"},
			}},
		{name: "CSVOutOfRange", file: "e.csv", src: "actor,capability,position,salience\nNL,0,4,80\nBE,1,7,140\n",
			want: []want{
				{2, "NL", "", "capability", "capability must be > 0, got 0"},
				{3, "BE", "issue", "salience", "salience 140 is outside the allowed range [0, 100]"},
			}},
		{name: "CSVNaN", file: "e.csv", src: "actor,capability,position,salience\nNL,1,NaN,80\nBE,1,7,40\n",
			want: []want{{2, "NL", "issue", "position", "position NaN is outside the allowed range [0, 100]"}}},
		{name: "CSVShortRow", file: "e.csv", src: "actor,capability,position,salience\nNL,1,4\nBE,1,7,40\n",
			want: []want{{2, "", "", "", "row has 3 fields; want 4"}}},
		{name: "CSVBadQuote", file: "e.csv", src: "actor,capability,position,salience\n\"NL,1,4,80\n",
			want: []want{{2, "", "", "", "malformed CSV"}}},
		{name: "CSVExtraColumn", file: "e.csv", src: "actor,capability,position,salience,notes\nNL,1,4,80,x\n",
			want: []want{{1, "", "", "", "header has 5 columns"}}},
		{name: "CSVDuplicateActor", file: "e.csv", src: "actor,capability,position,salience\nNL,1,4,80\nNL,1,7,40\n",
			want: []want{{3, "NL", "", "id", `duplicate actor id "NL"`}}},
		{name: "CSVHeaderOnly", file: "e.csv", src: "actor,capability,position,salience\n",
			want: []want{{1, "", "", "actors", "the scenario has no actors"}}},
		{name: "NotUTF8", file: "e.csv", src: "actor,capability,position,salience\nK\xf6ln,1,4,80\n",
			want: []want{{2, "", "", "", "the file is not UTF-8 text (byte 0xf6); save it as UTF-8"}}},
		{name: "ForcedFormatMismatch", src: base, input: format.CSV,
			want: []want{{1, "", "", "", "header has 1 columns"}}},
		{name: "InterventionProblems", src: base + `interventions:
  - id: x
    changes:
      - {actor: nobody, field: capability, set: 2}
      - {actor: a, issue: i, field: salience, set: 150}
      - {actor: a, field: mood, delta: 1}
      - {actor: a, issue: i, field: position, set: 1, delta: 2}
  - id: x
`,
			want: []want{
				{17, "nobody", "", "actor", `intervention "x": unknown actor id "nobody"`},
				{18, "a", "i", "salience", `intervention "x": set 150 is outside the allowed range [0, 100]`},
				{19, "a", "", "field", `intervention "x": field "mood" is not one of capability, position, salience, reservation, power`},
				{20, "a", "i", "position", `intervention "x": give exactly one of set and delta`},
				{21, "", "", "id", `duplicate intervention id "x"`},
				{21, "", "", "changes", `intervention "x" has no changes`},
			}},
		{name: "SeveralAtOnce", src: `id: s
issues:
  - id: i
  - id: j
    scale: {min: 0, max: 10}
actors:
  - id: a
    capability: 0
    stances:
      i: {position: 120, salience: 50}
      j: {position: 5, salience: -1}
  - id: b
    capability: 1
    stances:
      i: {position: 50}
      k: {position: 1, salience: 1}
`,
			want: []want{
				{8, "a", "", "capability", "capability must be > 0, got 0"},
				{10, "a", "i", "position", "position 120 is outside the allowed range [0, 100]"},
				{11, "a", "j", "salience", "salience -1 is outside the allowed range [0, 100]"},
				{15, "b", "i", "salience", "salience is missing"},
				{16, "b", "k", "stances", `unknown issue id "k"`},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := tt.file
			if file == "" {
				file = "case.yaml"
			}
			_, err := format.Read(file, []byte(tt.src), format.Options{Format: tt.input})
			if err == nil {
				t.Fatalf("Read accepted the input:\n%s", tt.src)
			}
			if got, want := jirga.ErrorCode(err), jirga.EINVALID; got != want {
				t.Errorf("ErrorCode=%q, want %q", got, want)
			}
			ves := jirga.ValidationErrors(err)
			for _, w := range tt.want {
				found := false
				for _, ve := range ves {
					if w.matches(ve) {
						found = true
						// The message names the file and, where there is
						// one, the line.
						prefix := file + ": "
						if ve.Line > 0 {
							prefix = fmt.Sprintf("%s:%d: ", file, ve.Line)
						}
						if msg := ve.Error(); !strings.HasPrefix(msg, prefix) {
							t.Errorf("message %q does not begin with %q", msg, prefix)
						}
						if ve.Actor != "" && !strings.Contains(ve.Error(), fmt.Sprintf("actor %q", ve.Actor)) {
							t.Errorf("message %q does not name actor %q", ve.Error(), ve.Actor)
						}
						if ve.Issue != "" && !strings.Contains(ve.Error(), fmt.Sprintf("issue %q", ve.Issue)) {
							t.Errorf("message %q does not name issue %q", ve.Error(), ve.Issue)
						}
					}
				}
				if !found {
					t.Errorf("no error with %v; got:\n%s", w, dump(ves))
				}
			}
			if len(ves) != len(tt.want) {
				t.Errorf("got %d problems, want %d:\n%s", len(ves), len(tt.want), dump(ves))
			}
		})
	}
}

func dump(ves []*jirga.ValidationError) string {
	var b strings.Builder
	for _, ve := range ves {
		fmt.Fprintf(&b, "\t%s (line %d, path %q, field %q)\n", ve.Error(), ve.Line, ve.Path, ve.Field)
	}
	return b.String()
}

// TestReadAliasBomb checks that a small document whose aliases expand to
// billions of values ("billion laughs") is refused quickly rather than
// walked: 2,000 actors alias one actor whose 2,000 stances alias one stance
// whose position cites 2,000 aliased sources, 8·10⁹ values from 60 kB.
func TestReadAliasBomb(t *testing.T) {
	const n = 2000
	var b strings.Builder
	b.WriteString("id: s\nsources: [{id: &t src}]\nissues: [{id: i}]\n")
	b.WriteString("x: &s {position: {value: 1, sources: [")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("*t")
	}
	b.WriteString("]}, salience: 1}\ny: &a {id: a, capability: 1, stances: {")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "i%d: *s", i)
	}
	b.WriteString("}}\nactors: [")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("*a")
	}
	b.WriteString("]\n")
	_, err := format.Read("bomb.yaml", []byte(b.String()), format.Options{})
	if err == nil {
		t.Fatal("Read accepted an alias bomb")
	}
	if !strings.Contains(err.Error(), "expands through aliases") {
		t.Fatalf("error does not name the alias expansion: %.500v", err)
	}
}
