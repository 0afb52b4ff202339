package format_test

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/format"
)

// The DEU development file lives with the backtest package that scores it.
const deuDev = "../backtest/testdata/deu_dev.tsv"

func TestDEUDevFile(t *testing.T) {
	data, err := os.ReadFile(deuDev)
	if err != nil {
		t.Fatal(err)
	}
	if got := format.Detect("deu_dev.tsv", data); got != format.DEU {
		t.Fatalf("Detect = %q, want deu", got)
	}
	ss, err := format.Read("deu_dev.tsv", data, format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Counts from validation.md §2.2 (computed from the file).
	var noOut, few, noRP, blankSal int
	waves := map[string]int{}
	rules := map[string]int{}
	procs := map[string]int{}
	for _, s := range ss {
		is := s.Issues[0]
		if is.Outcome == nil {
			noOut++
		}
		if len(s.Actors) < 3 {
			few++
		}
		if is.StatusQuo == nil {
			noRP++
		}
		for _, a := range s.Actors {
			if a.Capability.Value != 1 {
				t.Fatalf("%s: actor %s has capability %g with equal capabilities", s.ID, a.ID, a.Capability.Value)
			}
			if strings.Contains(a.Stances[is.ID].Notes, "blank") {
				blankSal++
			}
		}
		waves[s.Attributes["wave"]]++
		rules[is.Attributes["rule"]]++
		procs[is.Attributes["procedure"]]++
	}
	for _, c := range []struct {
		name      string
		got, want int
	}{
		{"issues", len(ss), 282},
		{"without outcome", noOut, 6},
		{"fewer than 3 actors", few, 2},
		{"blank rp", noRP, 76},
		{"blank salience with a position", blankSal, 47},
		{"DEU I", waves["DEU I"], 133},
		{"DEU II", waves["DEU II"], 125},
		{"DEU III", waves["DEU III"], 24},
		{"QMV", rules["QMV"], 223},
		{"Unan", rules["Unan"], 57},
		{"QMV(10)", rules["QMV(10)"], 2},
		{"COD", procs["COD"], 179},
		{"CNS", procs["CNS"], 103},
	} {
		if c.got != c.want {
			t.Errorf("%s: %d, want %d", c.name, c.got, c.want)
		}
	}
	s := ss[0]
	if s.ID != "d00032i1" || s.Attributes["proposal"] != "d00032" || s.Attributes["year"] != "2000" ||
		s.Attributes["procedure"] != "COD" || s.Attributes["rule"] != "QMV" || s.Attributes["issues"] != "4" {
		t.Errorf("first scenario: id %s attributes %v", s.ID, s.Attributes)
	}
	if got := *s.Issues[0].Outcome; got != 100 {
		t.Errorf("first outcome %g, want 100", got)
	}
	if got := s.Issues[0].StatusQuo.Value; got != 0 {
		t.Errorf("first reference point %g, want 0", got)
	}
}

func TestDEUCouncil(t *testing.T) {
	ss, err := format.ReadFile(deuDev, format.Options{Capability: "council"})
	if err != nil {
		t.Fatal(err)
	}
	// Weights from validation.md §2.5.
	want := map[string]map[string]float64{
		"amsterdam":       {"de": 10, "lu": 2, "com": 87.0 / 15, "ep": 87.0 / 15},
		"nice":            {"de": 29, "mt": 3, "pl": 27, "com": 352.0 / 28},
		"double-majority": {"com": 100.0 / 28},
	}
	seen := map[string]bool{}
	for _, s := range ss {
		era := s.Attributes["era"]
		for _, a := range s.Actors {
			if w, ok := want[era][a.ID]; ok {
				seen[era+a.ID] = true
				if d := a.Capability.Value - w; d > 1e-9 || d < -1e-9 {
					t.Errorf("%s (%s): %s capability %g, want %g", s.ID, era, a.ID, a.Capability.Value, w)
				}
			}
		}
	}
	if len(seen) < 6 {
		t.Errorf("checked only %d era/actor pairs", len(seen))
	}
}

func TestDEUErrors(t *testing.T) {
	hdr := "prnr\tisnr\tpcom\tscom\tpfr\tsfr\tpde\tsde\trp\tout\n"
	for _, c := range []struct {
		name, data string
		opt        format.Options
		line       int
		msg        string
	}{
		{"not a number", hdr + "d00001\td00001i1\t10\t50\t20\t50\t30\t50\t0\t100\nd00001\td00001i2\tten\t50\t20\t50\t30\t50\t0\t100\n", format.Options{}, 3, `"ten" is not a number`},
		{"fields", hdr + "d00001\td00001i1\t10\t50\n", format.Options{}, 2, "fields"},
		{"range", hdr + "d00001\td00001i1\t10\t50\t120\t50\t30\t50\t0\t100\n", format.Options{}, 2, "outside"},
		{"outcome range", hdr + "d00001\td00001i1\t10\t50\t20\t50\t30\t50\t0\t-5\n", format.Options{}, 2, "outcome"},
		{"no actors", hdr + "d00001\td00001i1\t\t\t\t\t\t\t0\t100\n", format.Options{}, 2, "no actors"},
		{"council without year", hdr + "x\tx1\t10\t50\t20\t50\t30\t50\t0\t100\n", format.Options{Capability: "council"}, 2, "year"},
		{"council non-member", "prnr\tisnr\tpcom\tscom\tppl\tspl\trp\tout\nd98001\td98001i1\t10\t50\t20\t50\t0\t100\n", format.Options{Capability: "council"}, 2, "no Council voting weight"},
		{"capability", hdr + "d00001\td00001i1\t10\t50\t20\t50\t30\t50\t0\t100\n", format.Options{Capability: "gdp"}, 0, "not one of"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := format.Read("x.tsv", []byte(c.data), c.opt)
			if err == nil {
				t.Fatal("no error")
			}
			ves := jirga.ValidationErrors(err)
			if len(ves) == 0 {
				t.Fatalf("not a ValidationError: %v", err)
			}
			if ves[0].Line != c.line || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("got %v (line %d), want line %d and %q", err, ves[0].Line, c.line, c.msg)
			}
		})
	}
}

func TestDEUQuotedHeader(t *testing.T) {
	data := "\"prnr\"\t\"isnr\"\t\"pcom\"\t\"scom\"\t\"pfr\"\t\"sfr\"\t\"rp\"\t\"out\"\n\"n99001\"\t\"n99001i1\"\t10\t\t20\t50\t\t40\n"
	ss, err := format.Read("x.tsv", []byte(data), format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := ss[0]
	if s.ID != "n99001i1" || s.Attributes["year"] != "1999" || s.Attributes["wave"] != "DEU I" {
		t.Errorf("got %s %v", s.ID, s.Attributes)
	}
	if s.Issues[0].StatusQuo != nil || *s.Issues[0].Outcome != 40 {
		t.Errorf("status quo %v outcome %v", s.Issues[0].StatusQuo, s.Issues[0].Outcome)
	}
	if sal := s.Actors[0].Stances["n99001i1"].Salience.Value; sal != 0 {
		t.Errorf("blank salience read as %g, want 0", sal)
	}
}

func TestDEURoundTrip(t *testing.T) {
	data, err := os.ReadFile(deuDev)
	if err != nil {
		t.Fatal(err)
	}
	// Every fifth row (all waves, rules and eras) keeps the test fast; the
	// YAML reader is the slow part.
	lines := strings.SplitAfter(string(data), "\n")
	sub := lines[0]
	for i := 1; i < len(lines); i += 5 {
		sub += lines[i]
	}
	for _, capability := range []string{"equal", "council"} {
		roundTrip(t, []byte(sub), format.Options{Capability: capability})
	}
}

// roundTrip checks that what Read accepts survives Write and Read in both
// YAML and JSON unchanged.
func roundTrip(t *testing.T, data []byte, opt format.Options) {
	t.Helper()
	ss, err := format.Read("in.tsv", data, opt)
	if err != nil {
		return
	}
	for _, to := range []string{format.YAML, format.JSON} {
		var buf bytes.Buffer
		if err := format.Write(&buf, ss, to); err != nil {
			t.Fatalf("write %s: %v", to, err)
		}
		back, err := format.Read("out."+to, buf.Bytes(), format.Options{Format: to})
		if err != nil {
			t.Fatalf("re-read %s: %v\n%s", to, err, buf.Bytes())
		}
		if !reflect.DeepEqual(ss, back) {
			t.Fatalf("%s round trip changed the scenarios\n%s", to, buf.Bytes())
		}
	}
}

func FuzzDEU(f *testing.F) {
	f.Add([]byte("prnr\tisnr\tpcom\tscom\tpfr\tsfr\trp\tout\nd00001\td00001i1\t10\t50\t20\t\t0\t100\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, c := range []string{"equal", "council"} {
			_, err := format.Read("fuzz.tsv", data, format.Options{Format: format.DEU, Capability: c})
			if err != nil {
				var ve *jirga.ValidationError
				if !errors.As(err, &ve) && jirga.ErrorCode(err) != jirga.EINVALID {
					t.Fatalf("error is not a validation error: %v", err)
				}
				continue
			}
			roundTrip(t, data, format.Options{Format: format.DEU, Capability: c})
		}
	})
}
