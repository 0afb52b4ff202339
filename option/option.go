// Package option declares a model's options once — name, type, default,
// allowed values, a one-line doc and a citation — and parses them from that
// declaration, so that the command line (--opt MODEL.KEY=VALUE), the HTTP
// API ("opts") and `jirga models` read one list and give the same messages.
//
// A model package binds each option to a field of its settings, as a
// [flag.FlagSet] binds flags to variables:
//
//	s := option.NewSet("nbs")
//	s.Choice(&m.Utility, "utility", "quadratic", "utility of an outcome to an actor", "Achen (2006)",
//		option.Value{Name: "quadratic", Doc: "1 − ((x − x_i)/R)²"},
//		option.Value{Name: "linear", Doc: "1 − |x − x_i|/R"})
//	err := s.Parse(params) // params from --opt nbs.utility=linear
//
// Parse leaves an option that is not given as it is (the field's zero value
// usually means the default), rejects unknown names and bad values with
// [jirga.EINVALID], and reports every problem at once.
//
// A choice value may be a reading: a named preset that sets several other
// options (Value.Sets). Parse applies a reading first; options given
// explicitly beside it win.
package option

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/jirga/jirga"
)

// Type is the kind of value an option takes.
type Type string

// Types of options.
const (
	Choice Type = "choice"  // one of Option.Values
	Bool   Type = "bool"    // true or false
	Number Type = "number"  // a finite number in [Min, Max]
	Int    Type = "integer" // a whole number in [Min, Max]
	Path   Type = "path"    // the name of a file
)

// Value is one allowed value of a choice option.
type Value struct {
	Name string `json:"name"`
	// Doc says in one line what the value means.
	Doc string `json:"doc"`
	// Cite is the source of the value (a paper, a reference implementation),
	// "" when it is this project's own reading.
	Cite string `json:"cite,omitempty"`
	// Sets makes the value a reading: the options it sets, name to value.
	// Options given explicitly beside the reading win.
	Sets map[string]string `json:"sets,omitempty"`
}

// Option is the declaration of one option.
type Option struct {
	Name string `json:"name"`
	Type Type   `json:"type"`
	// Default is the value used when the option is not given, as a user
	// would write it (or a description, e.g. "the shipped parameters").
	Default string `json:"default"`
	// Values are the allowed values of a choice, in the model's own order.
	Values []Value `json:"choices,omitempty"`
	// Min and Max bound a number or an integer (±Inf: unbounded).
	Min float64 `json:"-"`
	Max float64 `json:"-"`
	// Doc says in one line what the option does.
	Doc string `json:"doc"`
	// Cite is the source of the option, "" when it is this project's own.
	Cite string `json:"cite,omitempty"`
	// File marks an option that names a file on the machine running the
	// model: only trusted callers (the command line, Go code) may give it.
	File bool `json:"file,omitempty"`
	// Fold makes the values of a choice match whatever their case, and
	// Index also accepts a value's position (0, 1, …), as KTAB's files do.
	Fold  bool `json:"-"`
	Index bool `json:"-"`

	set func(string) error
	get func() string
}

// Parse sets the option's field from v, as Set.Parse does for one option.
// The error says what is wanted.
func (o *Option) Parse(v string) error {
	if o.set == nil {
		return fmt.Errorf("option %s is a copy of a declaration and is bound to nothing", o.Name)
	}
	if err := o.set(v); err != nil {
		return fmt.Errorf("option %s=%q: %s", o.Name, v, o.want())
	}
	return nil
}

// Value returns the current value of the option's field as text ("" for
// an unset choice or path, or a nil number).
func (o *Option) Value() string {
	if o.get == nil {
		return ""
	}
	return o.get()
}

// Allowed describes the allowed values: "all | pair", "[0, 1]", "≥ 0",
// "true | false", "a path".
func (o *Option) Allowed() string {
	switch o.Type {
	case Choice:
		names := make([]string, len(o.Values))
		for i, v := range o.Values {
			names[i] = v.Name
		}
		return strings.Join(names, " | ")
	case Bool:
		return "true | false"
	case Number, Int:
		switch {
		case math.IsInf(o.Max, 1) && math.IsInf(o.Min, -1):
			return "any"
		case math.IsInf(o.Max, 1):
			return fmt.Sprintf("≥ %s", o.num(o.Min))
		case math.IsInf(o.Min, -1):
			return fmt.Sprintf("≤ %s", o.num(o.Max))
		}
		return fmt.Sprintf("[%s, %s]", o.num(o.Min), o.num(o.Max))
	case Path:
		return "a path"
	}
	return ""
}

func (o *Option) num(x float64) string {
	if o.Type == Int && x == math.MaxUint64 {
		return "2⁶⁴−1"
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// want says what a valid value is, for messages.
func (o *Option) want() string {
	switch o.Type {
	case Choice:
		names := make([]string, len(o.Values))
		for i, v := range o.Values {
			names[i] = v.Name
		}
		return "want one of " + strings.Join(names, ", ")
	case Bool:
		return "want true or false"
	case Number:
		return "want a number " + o.rangeText()
	case Int:
		return "want a whole number " + o.rangeText()
	case Path:
		return "want the path of a file"
	}
	return ""
}

func (o *Option) rangeText() string {
	a := o.Allowed()
	if strings.HasPrefix(a, "[") {
		return "in " + a
	}
	return a
}

// Set is the declared options of one model.
type Set struct {
	model string
	opts  []*Option
}

// NewSet returns an empty set of options of the named model.
func NewSet(model string) *Set { return &Set{model: model} }

// Model returns the name of the model the set belongs to.
func (s *Set) Model() string { return s.model }

// Options returns copies of the declarations, in declaration order.
func (s *Set) Options() []Option {
	out := make([]Option, len(s.opts))
	for i, o := range s.opts {
		out[i] = *o
		out[i].set, out[i].get = nil, nil
		out[i].Values = slices.Clone(o.Values)
	}
	return out
}

// Lookup returns the declaration of the named option.
func (s *Set) Lookup(name string) (*Option, bool) {
	for _, o := range s.opts {
		if o.Name == name {
			return o, true
		}
	}
	return nil, false
}

func (s *Set) add(o *Option) *Option {
	if _, dup := s.Lookup(o.Name); dup {
		panic(fmt.Sprintf("option: %s.%s declared twice", s.model, o.Name))
	}
	s.opts = append(s.opts, o)
	return o
}

// Choice declares an option whose value is one of values, stored in *dst.
func (s *Set) Choice(dst *string, name, def, doc, cite string, values ...Value) *Option {
	o := &Option{Name: name, Type: Choice, Default: def, Values: values, Doc: doc, Cite: cite}
	o.set = func(v string) error {
		got, ok := o.match(v)
		if !ok {
			return errBad
		}
		*dst = got
		return nil
	}
	o.get = func() string { return *dst }
	return s.add(o)
}

// match returns the value named v.
func (o *Option) match(v string) (string, bool) {
	for _, a := range o.Values {
		if a.Name == v {
			return a.Name, true
		}
	}
	if o.Fold {
		t := strings.TrimSpace(v)
		for _, a := range o.Values {
			if strings.EqualFold(a.Name, t) {
				return a.Name, true
			}
		}
	}
	if o.Index {
		if i, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && i >= 0 && i < len(o.Values) {
			return o.Values[i].Name, true
		}
	}
	return "", false
}

// Bool declares a true/false option stored in *dst.
func (s *Set) Bool(dst *bool, name, def, doc, cite string) *Option {
	o := s.BoolFunc(name, def, doc, cite, func(b bool) { *dst = b })
	o.get = func() string { return strconv.FormatBool(*dst) }
	return o
}

// BoolFunc declares a true/false option that calls set with its value
// (e.g. to store its negation).
func (s *Set) BoolFunc(name, def, doc, cite string, set func(bool)) *Option {
	o := &Option{Name: name, Type: Bool, Default: def, Doc: doc, Cite: cite}
	o.set = func(v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return errBad
		}
		set(b)
		return nil
	}
	return s.add(o)
}

// Float declares a number option in [min, max] stored in *dst.
func (s *Set) Float(dst *float64, name, def, doc, cite string, min, max float64) *Option {
	o := s.number(name, def, doc, cite, min, max, func(x float64) { *dst = x })
	o.get = func() string { return strconv.FormatFloat(*dst, 'g', -1, 64) }
	return o
}

// OptFloat is Float for a field in which nil means "not given".
func (s *Set) OptFloat(dst **float64, name, def, doc, cite string, min, max float64) *Option {
	o := s.number(name, def, doc, cite, min, max, func(x float64) { *dst = &x })
	o.get = func() string {
		if *dst == nil {
			return ""
		}
		return strconv.FormatFloat(**dst, 'g', -1, 64)
	}
	return o
}

func (s *Set) number(name, def, doc, cite string, min, max float64, set func(float64)) *Option {
	o := &Option{Name: name, Type: Number, Default: def, Min: min, Max: max, Doc: doc, Cite: cite}
	o.set = func(v string) error {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || x < min || x > max {
			return errBad
		}
		set(x)
		return nil
	}
	return s.add(o)
}

// Int declares a whole-number option in [min, max] stored in *dst.
func (s *Set) Int(dst *int, name, def, doc, cite string, min, max int) *Option {
	o := &Option{Name: name, Type: Int, Default: def, Min: float64(min), Max: float64(max), Doc: doc, Cite: cite}
	if max == math.MaxInt {
		o.Max = math.Inf(1)
	}
	o.set = func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < min || n > max {
			return errBad
		}
		*dst = n
		return nil
	}
	o.get = func() string { return strconv.Itoa(*dst) }
	return s.add(o)
}

// Uint64 declares a whole-number option in [min, 2⁶⁴−1] stored in *dst.
func (s *Set) Uint64(dst *uint64, name, def, doc, cite string, min uint64) *Option {
	o := &Option{Name: name, Type: Int, Default: def, Min: float64(min), Max: math.MaxUint64, Doc: doc, Cite: cite}
	o.set = func(v string) error {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil || n < min {
			return errBad
		}
		*dst = n
		return nil
	}
	o.get = func() string { return strconv.FormatUint(*dst, 10) }
	return s.add(o)
}

// Path declares an option that names a file, stored in *dst. It is marked
// File: only trusted callers may give it.
func (s *Set) Path(dst *string, name, def, doc, cite string) *Option {
	o := &Option{Name: name, Type: Path, Default: def, Doc: doc, Cite: cite, File: true}
	o.set = func(v string) error {
		if v == "" {
			return errBad
		}
		*dst = v
		return nil
	}
	o.get = func() string { return *dst }
	return s.add(o)
}

// errBad marks a value that does not parse; Parse turns it into a message
// that says what is wanted.
var errBad = fmt.Errorf("bad value")

// Parse sets the options given in params (name to value). Options not
// given keep their values. A reading (a choice value with Sets) is applied
// before the options given explicitly, which win. Parse reports every
// unknown name and every bad value at once, as one *jirga.Error with code
// EINVALID whose message starts with the model's name.
func (s *Set) Parse(params map[string]string) error {
	var problems, unknown []string
	for k := range params {
		if _, ok := s.Lookup(k); !ok {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return s.fail([]string{s.unknown(unknown)})
	}
	// Readings first, in declaration order; then every given option.
	for _, o := range s.opts {
		v, ok := params[o.Name]
		if !ok || o.Type != Choice {
			continue
		}
		name, ok := o.match(v)
		if !ok {
			continue // reported below
		}
		i := slices.IndexFunc(o.Values, func(x Value) bool { return x.Name == name })
		for _, k := range sortedKeys(o.Values[i].Sets) {
			if _, explicit := params[k]; explicit {
				continue
			}
			if err := s.setOne(k, o.Values[i].Sets[k]); err != "" {
				problems = append(problems, fmt.Sprintf("reading %s=%s: %s", o.Name, name, err))
			}
		}
	}
	for _, o := range s.opts {
		if v, ok := params[o.Name]; ok {
			if err := s.setOne(o.Name, v); err != "" {
				problems = append(problems, err)
			}
		}
	}
	if len(problems) > 0 {
		return s.fail(problems)
	}
	return nil
}

// Check parses again the current value of every bound field that has one,
// so that settings made in Go rather than parsed get the same checks and
// messages. It may rewrite a field to its canonical spelling, so call it on
// a set bound to a copy of the settings.
func (s *Set) Check() error {
	given := map[string]string{}
	for _, o := range s.opts {
		if v := o.Value(); v != "" {
			given[o.Name] = v
		}
	}
	return s.Parse(given)
}

// setOne sets the named option and returns a message, or "".
func (s *Set) setOne(name, v string) string {
	o, ok := s.Lookup(name)
	if !ok {
		return s.unknown([]string{name})
	}
	if err := o.Parse(v); err != nil {
		return err.Error()
	}
	return ""
}

func (s *Set) unknown(names []string) string {
	what := "option"
	if len(names) > 1 {
		what = "options"
	}
	if len(s.opts) == 0 {
		return fmt.Sprintf("unknown %s %s; %s takes no options", what, strings.Join(names, ", "), s.model)
	}
	known := make([]string, len(s.opts))
	for i, o := range s.opts {
		known[i] = o.Name
	}
	return fmt.Sprintf("unknown %s %s; known: %s", what, strings.Join(names, ", "), strings.Join(known, ", "))
}

func (s *Set) fail(problems []string) error {
	return jirga.Errorf(jirga.EINVALID, "%s: %s", s.model, strings.Join(problems, "; "))
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Common are the settings every model is built with besides its own
// options (--rounds and --seed on the command line, "rounds" and "seed" in
// the HTTP API).
type Common struct {
	// Rounds is the number of rounds of a dynamic model; 0 means its
	// default.
	Rounds int
	// Seed seeds the model's stochastic options.
	Seed uint64
}
