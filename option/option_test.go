package option_test

import (
	"math"
	"strings"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/option"
)

// settings is a model's settings as a test declares them: one option of
// each type and a reading that sets two others.
type settings struct {
	Rule     string
	Reading  string
	Strict   bool
	Lenient  bool
	Weight   *float64
	Tol      float64
	Turns    int
	Seed     uint64
	File     string
	KTABLike string
}

func (st *settings) options() *option.Set {
	s := option.NewSet("toy")
	s.Choice(&st.Rule, "rule", "a", "the rule", "Doe (2001)",
		option.Value{Name: "a", Doc: "rule a", Cite: "Doe (2001)"},
		option.Value{Name: "b", Doc: "rule b"})
	s.Choice(&st.Reading, "reading", "plain", "a named preset", "",
		option.Value{Name: "plain", Doc: "nothing set"},
		option.Value{Name: "strict", Doc: "rule b with weight 0.5", Sets: map[string]string{"rule": "b", "weight": "0.5"}})
	s.Bool(&st.Strict, "strict", "false", "strict mode", "")
	s.BoolFunc("lenient", "true", "the negation of strict", "", func(b bool) { st.Lenient = !b })
	s.OptFloat(&st.Weight, "weight", "0.1", "a weight", "", 0, 1)
	s.Float(&st.Tol, "tolerance", "0", "a tolerance", "", 0, math.Inf(1))
	s.Int(&st.Turns, "turns", "100", "a turn cap", "", 1, math.MaxInt)
	s.Uint64(&st.Seed, "seed", "1", "a seed", "", 1)
	s.Path(&st.File, "params", "none", "a file", "")
	k := s.Choice(&st.KTABLike, "Voting", "Prop", "KTAB-like names", "",
		option.Value{Name: "Binary"}, option.Value{Name: "Prop"}, option.Value{Name: "Cubic"})
	k.Fold, k.Index = true, true
	return s
}

func TestParse(t *testing.T) {
	var st settings
	err := st.options().Parse(map[string]string{"rule": "b", "strict": "true", "lenient": "false", "weight": "0.25",
		"tolerance": "1e-3", "turns": "7", "seed": "18446744073709551615", "params": "/tmp/p.json", "Voting": "cubic"})
	if err != nil {
		t.Fatal(err)
	}
	want := settings{Rule: "b", Strict: true, Lenient: true, Tol: 1e-3, Turns: 7, Seed: math.MaxUint64, File: "/tmp/p.json", KTABLike: "Cubic"}
	if st.Weight == nil || *st.Weight != 0.25 {
		t.Fatalf("weight %v", st.Weight)
	}
	st.Weight = nil
	if st != want {
		t.Errorf("got %+v\nwant %+v", st, want)
	}
	// Options not given keep their values.
	st = settings{Rule: "keep"}
	if err := st.options().Parse(nil); err != nil || st.Rule != "keep" || st.Weight != nil {
		t.Errorf("empty parse: %v, %+v", err, st)
	}
	// A KTAB enum index selects a value by position.
	if err := st.options().Parse(map[string]string{"Voting": "0"}); err != nil || st.KTABLike != "Binary" {
		t.Errorf("index: %v, %q", err, st.KTABLike)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		params map[string]string
		want   string
	}{
		{map[string]string{"colour": "red"}, "toy: unknown option colour; known: rule, reading, strict, lenient, weight, tolerance, turns, seed, params, Voting"},
		{map[string]string{"colour": "red", "b": "1"}, "toy: unknown options b, colour; known:"},
		{map[string]string{"rule": "A"}, `toy: option rule="A": want one of a, b`},
		{map[string]string{"strict": "yes please"}, `toy: option strict="yes please": want true or false`},
		{map[string]string{"weight": "2"}, `toy: option weight="2": want a number in [0, 1]`},
		{map[string]string{"weight": "NaN"}, `toy: option weight="NaN": want a number in [0, 1]`},
		{map[string]string{"tolerance": "-1"}, `toy: option tolerance="-1": want a number ≥ 0`},
		{map[string]string{"tolerance": "+Inf"}, `toy: option tolerance="+Inf": want a number ≥ 0`},
		{map[string]string{"turns": "0"}, `toy: option turns="0": want a whole number ≥ 1`},
		{map[string]string{"turns": "1.5"}, `toy: option turns="1.5": want a whole number ≥ 1`},
		{map[string]string{"seed": "0"}, `toy: option seed="0": want a whole number in [1, 2⁶⁴−1]`},
		{map[string]string{"params": ""}, `toy: option params="": want the path of a file`},
		{map[string]string{"Voting": "3"}, `toy: option Voting="3": want one of Binary, Prop, Cubic`},
		// Every bad value at once, in declaration order.
		{map[string]string{"turns": "x", "rule": "c"}, `toy: option rule="c": want one of a, b; option turns="x": want a whole number ≥ 1`},
	}
	for i, tt := range tests {
		var st settings
		err := st.options().Parse(tt.params)
		if jirga.ErrorCode(err) != jirga.EINVALID || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("case %d: %v (code %s)\nwant %s", i, err, jirga.ErrorCode(err), tt.want)
		}
	}
	if err := option.NewSet("mean").Parse(map[string]string{"x": "1"}); err == nil || err.Error() != "mean: unknown option x; mean takes no options" {
		t.Errorf("no options: %v", err)
	}
}

// TestReading: a reading sets its options, and options given beside it win.
func TestReading(t *testing.T) {
	var st settings
	if err := st.options().Parse(map[string]string{"reading": "strict"}); err != nil {
		t.Fatal(err)
	}
	if st.Reading != "strict" || st.Rule != "b" || st.Weight == nil || *st.Weight != 0.5 {
		t.Errorf("reading: %+v", st)
	}
	st = settings{}
	if err := st.options().Parse(map[string]string{"reading": "strict", "rule": "a"}); err != nil {
		t.Fatal(err)
	}
	if st.Rule != "a" || *st.Weight != 0.5 {
		t.Errorf("explicit rule beside the reading: %+v", st)
	}
}

func TestDeclarations(t *testing.T) {
	var st settings
	s := st.options()
	want := map[string]string{"rule": "a | b", "strict": "true | false", "weight": "[0, 1]", "tolerance": "≥ 0",
		"turns": "≥ 1", "seed": "[1, 2⁶⁴−1]", "params": "a path", "Voting": "Binary | Prop | Cubic"}
	for _, o := range s.Options() {
		if w, ok := want[o.Name]; ok && o.Allowed() != w {
			t.Errorf("%s: allowed %q, want %q", o.Name, o.Allowed(), w)
		}
		// Copies are bound to nothing.
		if err := o.Parse("a"); err == nil {
			t.Errorf("%s: a copy parsed a value", o.Name)
		}
	}
	if o, _ := s.Lookup("params"); !o.File {
		t.Error("a path option is not marked File")
	}
	if o, _ := s.Lookup("rule"); o.Value() != "" {
		t.Errorf("unset choice has value %q", o.Value())
	}
	st.Rule = "b"
	if o, _ := s.Lookup("rule"); o.Value() != "b" {
		t.Errorf("bound choice has value %q", o.Value())
	}
}

// FuzzParse: whatever the input, Parse returns nil or an EINVALID error
// that names the model, never panics, and a value it accepts parses again
// to the same settings.
func FuzzParse(f *testing.F) {
	for _, kv := range [][2]string{{"rule", "b"}, {"weight", "0.3"}, {"turns", "12"}, {"seed", "99"}, {"Voting", "CUBIC"},
		{"reading", "strict"}, {"strict", "T"}, {"tolerance", "1e300"}, {"colour", "red"}, {"weight", "0x1p-2"}} {
		f.Add(kv[0], kv[1])
	}
	f.Fuzz(func(t *testing.T, k, v string) {
		var a settings
		err := a.options().Parse(map[string]string{k: v})
		if err != nil {
			if jirga.ErrorCode(err) != jirga.EINVALID || !strings.HasPrefix(err.Error(), "toy: ") {
				t.Fatalf("%s=%q: %v", k, v, err)
			}
			return
		}
		o, _ := a.options().Lookup(k)
		again := v
		if got := o.Value(); got != "" {
			again = got
		}
		var b settings
		if err := b.options().Parse(map[string]string{k: again}); err != nil {
			t.Fatalf("%s=%q accepted, its value %q is not: %v", k, v, again, err)
		}
		if (a.Weight == nil) != (b.Weight == nil) || (a.Weight != nil && *a.Weight != *b.Weight) {
			t.Fatalf("%s=%q: weight %v vs %v", k, v, a.Weight, b.Weight)
		}
		a.Weight, b.Weight = nil, nil
		if a != b {
			t.Fatalf("%s=%q: %+v, again %+v", k, v, a, b)
		}
	})
}
