package format_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/format"
)

func readDecide(t *testing.T, name string, data []byte) []*jirga.Scenario {
	t.Helper()
	ss, err := format.Read(name, data, format.Options{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return ss
}

// decideRoundTrip checks import → Write → import for both output formats.
func decideRoundTrip(t testing.TB, ss []*jirga.Scenario) {
	t.Helper()
	want, err := json.Marshal(ss)
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{format.YAML, format.JSON} {
		var buf bytes.Buffer
		if err := format.Write(&buf, ss, to); err != nil {
			t.Fatalf("write %s: %v", to, err)
		}
		back, err := format.Read("back."+to, buf.Bytes(), format.Options{Format: to})
		if err != nil {
			t.Fatalf("read back %s: %v\n%s", to, err, buf.String())
		}
		got, _ := json.Marshal(back)
		if !bytes.Equal(got, want) {
			t.Fatalf("%s round trip differs:\n got %s\nwant %s", to, got, want)
		}
	}
}

func TestDecideFiles(t *testing.T) {
	for _, tc := range []struct {
		file             string
		actors, issues   int
		stances          int
		title            string
		anchors          int // on the first issue
		china, chinaDiff string
	}{
		// Counts from shared/data/decide_unfccc/README.md.
		{"cop21_2015_annotated.tsv", 15, 13, 181, "CoP21 Paris negotiations (power scores based on expert judgements)", 5, "China", "differentiation"},
		{"cop21_2015.tsv", 15, 13, 181, "", 0, "China", "differentiation"},
		{"copenhagen_2009.tsv", 11, 7, 75, "", 0, "China-India", "Newtreaty"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", "decide", tc.file)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := format.Detect(path, data); got != format.Decide {
				t.Fatalf("detected %q, want decide", got)
			}
			ss := readDecide(t, path, data)
			s := ss[0]
			n := 0
			for _, a := range s.Actors {
				n += len(a.Stances)
			}
			if len(s.Actors) != tc.actors || len(s.Issues) != tc.issues || n != tc.stances {
				t.Errorf("%d actors, %d issues, %d stances; want %d, %d, %d", len(s.Actors), len(s.Issues), n, tc.actors, tc.issues, tc.stances)
			}
			if s.Title != tc.title {
				t.Errorf("title %q, want %q", s.Title, tc.title)
			}
			if len(s.Issues[0].Anchors) != tc.anchors {
				t.Errorf("%d anchors on %s, want %d", len(s.Issues[0].Anchors), s.Issues[0].ID, tc.anchors)
			}
			if s.Issues[0].Scale != nil {
				t.Errorf("scale %+v, want the default 0–100", s.Issues[0].Scale)
			}
			decideRoundTrip(t, ss)
			china := s.Actor(tc.china)
			if china == nil {
				t.Fatalf("no actor %q", tc.china)
			}
			st := china.Stances[tc.chinaDiff]
			switch tc.file {
			case "copenhagen_2009.tsv":
				// '#D' 'China India' 'Newtreaty' ... from the file.
				if china.Name != "China India" {
					t.Errorf("name %q", china.Name)
				}
			default:
				// #D China differentiation 80 0.75 1 (line 110 of the annotated file).
				if st.Position.Value != 80 || st.Salience.Value != 75 || china.Capability.Value != 1 || st.Power != nil {
					t.Errorf("China on differentiation: %+v %+v cap %v power %v", st.Position, st.Salience, china.Capability.Value, st.Power)
				}
			}
		})
	}
}

func TestDecideVaryingPower(t *testing.T) {
	src := "#A,a,Actor A\n#A,b\n#P,p,Issue P\n#P,q\n#M,p,-10,left\n#M,p,10,right\n" +
		"#D,a,p,-5,0.5,0.2\n#D,a,q,40,0.25,0.6\n#D,b,p,5,1,0.3\n#D,b,q,60,0.1,0.3\n"
	ss := readDecide(t, "v.csv", []byte(src))
	s := ss[0]
	a := s.Actor("a")
	if a.Name != "Actor A" || a.Capability.Value != 0.4 {
		t.Errorf("a: name %q capability %v; want Actor A, mean power 0.4", a.Name, a.Capability.Value)
	}
	if a.Stances["p"].Power == nil || a.Stances["p"].Power.Value != 0.2 || a.Stances["q"].Power.Value != 0.6 {
		t.Errorf("a: per-issue powers not kept: %+v %+v", a.Stances["p"].Power, a.Stances["q"].Power)
	}
	if b := s.Actor("b"); b.Capability.Value != 0.3 || b.Stances["p"].Power != nil {
		t.Errorf("b: constant power should be the capability")
	}
	if sc := s.Issue("p").Scale; sc == nil || sc.Min != -10 || sc.Max != 10 {
		t.Errorf("scale %+v, want [-10, 10] from the anchors", sc)
	}
	if s.Issue("q").Scale != nil {
		t.Errorf("issue q has no anchors: default scale expected")
	}
	tb := s.Table()
	if tb.Power[0][0] != 0.2 || tb.Power[0][1] != 0.6 || tb.Power[1][0] != 0.3 {
		t.Errorf("Table.Power = %v", tb.Power)
	}
	decideRoundTrip(t, ss)
}

func TestDecideQuotesAndLatin1(t *testing.T) {
	// Latin-1 é (0xE9) and a quoted field holding the separator.
	src := []byte("'#O','Caf\xe9 talks'\n'#A','EU, incl Norway','EU'\n'#A','US'\n'#P','p'\n" +
		"'#M','p',0,'nothing, at all'\n'#M','p',50,'the Convention\x92s annexes\x01'\n'#M','p',100\n'#D','EU, incl Norway','p',20.0,0.5,1\n'#D','US','p',80,0.5,1\n")
	s := readDecide(t, "q.csv", src)[0]
	if s.Title != "Café talks" {
		t.Errorf("title %q, want Latin-1 é converted", s.Title)
	}
	if s.Actors[0].ID != "EU-incl-Norway" || s.Actors[0].Name != "EU" {
		t.Errorf("actor %q %q", s.Actors[0].ID, s.Actors[0].Name)
	}
	if got := s.Issues[0].Anchors; len(got) != 2 || got[0].Label != "nothing, at all" || got[1].Label != "the Convention’s annexes" {
		t.Errorf("anchors %+v", got)
	}
}

func TestDecideErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string // substrings, each with its line
	}{
		{"unknown actor", "#A\ta\n#P\tp\n#D\ta\tp\t50\t0.5\t1\n#D\tzz\tp\t50\t0.5\t1\n", []string{":4:", `unknown actor "zz"`}},
		{"bad number", "#A\ta\n#P\tp\n#D\ta\tp\tfifty\t0.5\t1\n", []string{":3:", `position "fifty" is not a finite number`}},
		{"salience", "#A\ta\n#P\tp\n#D\ta\tp\t50\t1.5\t1\n", []string{":3:", "outside Decide's range [0, 1]"}},
		{"position off scale", "#A\ta\n#P\tp\n#M\tp\t0\n#M\tp\t10\n#D\ta\tp\t50\t0.5\t1\n", []string{":5:", "position 50 is outside the allowed range [0, 10]"}},
		{"power", "#A\ta\n#P\tp\n#D\ta\tp\t50\t0.5\t0\n", []string{":3:", "capability must be > 0"}},
		{"short row", "#A\ta\n#P\tp\n#D\ta\tp\t50\n", []string{":3:", "#D row has 4 fields"}},
		{"unknown tag", "#A\ta\n#P\tp\n#X\tfoo\n#D\ta\tp\t50\t0.5\t1\n", []string{":3:", `unknown row tag "#X"`}},
		{"duplicate", "#A\ta\n#P\tp\n#D\ta\tp\t50\t0.5\t1\n#D\ta\tp\t60\t0.5\t1\n", []string{":4:", "second #D row", "first on line 3"}},
		{"no stance", "#A\ta\n#A\tb\n#P\tp\n#D\ta\tp\t50\t0.5\t1\n", []string{":2:", "no stance"}},
		{"unknown issue in anchor", "#A\ta\n#P\tp\n#M\tr\t0\n#D\ta\tp\t50\t0.5\t1\n", []string{":3:", `unknown issue "r"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := format.Read("f.tsv", []byte(tc.src), format.Options{Format: format.Decide})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if jirga.ErrorCode(err) != jirga.EINVALID {
				t.Errorf("code %q", jirga.ErrorCode(err))
			}
		})
	}
}

// FuzzDecide: the importer never panics, and whatever it accepts survives
// Write and Read unchanged. Seeds are in testdata/fuzz/FuzzDecide.
func FuzzDecide(f *testing.F) {
	f.Add([]byte("#A\ta\n#A\tb\n#P\tp\n#D\ta\tp\t10\t0.5\t1\n#D\tb\tp\t90\t0.5\t2\n"))
	f.Add([]byte("'#A','a'\n'#P','p'\n'#M','p',-5,'low'\n'#M','p',5\n'#D','a','p',1,0.2,0.5\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ss, err := format.Read("fuzz", data, format.Options{Format: format.Decide})
		if err != nil {
			if len(jirga.ValidationErrors(err)) == 0 {
				t.Fatalf("error is not a validation error: %v", err)
			}
			return
		}
		decideRoundTrip(t, ss)
	})
}
