package format

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/jirga/jirga"
)

// jirga's own format is read in one pass: a tokenizer (JSON: jsonScanner
// over the bytes; YAML: yamlTokens over the parser's node tree) feeds a
// decoder that checks every value against the schema (the json tags of the
// root types) and stores it straight into the scenario. A problem's line
// comes from its token; the line of a path the validator names is found
// afterwards, only when there is such a problem, by reading the tokens
// again (pathLines). YAML and JSON so accept exactly the same documents.

// tokKind is the kind of a token.
type tokKind uint8

const (
	tBad    tokKind = iota // no value: the input ended, is malformed, or its alias budget is spent
	tMap                   // the start of a mapping (a JSON object)
	tSeq                   // the start of a list (a JSON array)
	tEnd                   // the end of the innermost mapping or list
	tScalar                // a number, a text, true or false
	tNull                  // null (in YAML also ~ and nothing)
	tOther                 // YAML: a node of none of these kinds
)

// token is one token of a document.
type token struct {
	kind tokKind
	// quoted marks a scalar written in quotes (or as a YAML block scalar):
	// text, even where it looks like a number or a boolean.
	quoted bool
	esc    bool   // JSON: raw holds escapes
	pos    int    // a byte offset (JSON) or a line (YAML), for tokenizer.line
	raw    []byte // JSON: the scalar's bytes (a string's between the quotes)
	str    string // YAML: the scalar's value
}

// text returns a scalar's value.
func (t *token) text() string {
	switch {
	case t.raw == nil:
		return t.str
	case t.esc:
		return unquote(t.raw)
	}
	return string(t.raw)
}

// lookupKey finds the scalar t in m without allocating its text.
func lookupKey[V any](m map[string]V, t *token) (V, bool) {
	var v V
	var ok bool
	switch {
	case t.raw == nil:
		v, ok = m[t.str]
	case t.esc:
		v, ok = m[unquote(t.raw)]
	default:
		v, ok = m[string(t.raw)]
	}
	return v, ok
}

// tokenizer is a source of the tokens of one value (a document).
type tokenizer interface {
	next() token
	line(pos int) int
}

// yamlTokens returns the tokens of a YAML node tree, following aliases.
type yamlTokens struct {
	root    *yaml.Node
	started bool
	stack   []yamlFrame
	// budget is the number of nodes it may still return. A document without
	// aliases has fewer nodes than bytes; aliases can make a small document
	// expand exponentially ("billion laughs"), so the tokens stop (tBad)
	// when the budget is spent, at the node on line spentLine.
	budget    int
	spent     bool
	spentLine int
}

type yamlFrame struct {
	n *yaml.Node
	i int
}

// minBudget is the number of values any document may expand to through
// aliases, beyond one per byte of input; see yamlTokens.budget.
const minBudget = 100_000

func newYAMLTokens(root *yaml.Node, size int) *yamlTokens {
	return &yamlTokens{root: root, budget: size + minBudget}
}

func (y *yamlTokens) line(pos int) int { return pos }

func (y *yamlTokens) next() token {
	if y.spent {
		return token{kind: tBad}
	}
	var n *yaml.Node
	if !y.started {
		y.started = true
		n = y.root
	} else {
		if len(y.stack) == 0 {
			return token{kind: tBad}
		}
		f := &y.stack[len(y.stack)-1]
		// A mapping's content alternates keys and values; a key without
		// a value is dropped.
		if f.i >= len(f.n.Content) || (f.n.Kind == yaml.MappingNode && f.i%2 == 0 && f.i+1 >= len(f.n.Content)) {
			y.stack = y.stack[:len(y.stack)-1]
			return token{kind: tEnd}
		}
		n = f.n.Content[f.i]
		f.i++
	}
	n = resolve(n)
	if y.budget--; y.budget < 0 {
		y.spent, y.spentLine = true, n.Line
		return token{kind: tBad}
	}
	switch n.Kind {
	case yaml.MappingNode:
		y.stack = append(y.stack, yamlFrame{n: n})
		return token{kind: tMap, pos: n.Line}
	case yaml.SequenceNode:
		y.stack = append(y.stack, yamlFrame{n: n})
		return token{kind: tSeq, pos: n.Line}
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return token{kind: tNull, pos: n.Line, str: n.Value}
		}
		return token{kind: tScalar, quoted: quoted(n), pos: n.Line, str: n.Value}
	}
	return token{kind: tOther, pos: n.Line}
}

func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// quoted reports whether a scalar was written in quotes, i.e. is text even
// if it looks like a number or a boolean.
func quoted(n *yaml.Node) bool {
	return n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0
}

// schema is what the decoder knows of a struct type of the scenario: its
// fields by JSON name (the json tags are the schema).
type schema struct {
	name    string // the type's name in lower case, for messages
	byName  map[string]*schemaField
	allowed string // the names, sorted and joined, for messages
	// required are the float64 fields that are not omitempty: a number
	// field that is not optional has no sensible default (a scale without
	// max, an anchor without at), so a missing one is reported rather than
	// read as 0. Other required fields are checked, with better messages,
	// by Scenario.Validate; an estimate's value by the decoder.
	required []*schemaField
}

type schemaField struct {
	name  string
	index int // in the struct
	bit   uint64
	typ   reflect.Type
}

var (
	estimateType = reflect.TypeFor[jirga.Estimate]()
	scenarioType = reflect.TypeFor[jirga.Scenario]()
	stancesType  = reflect.TypeFor[map[string]*jirga.Stance]()
	stanceType   = reflect.TypeFor[jirga.Stance]()
)

// schemas holds the schema of every struct type a scenario contains.
var schemas = sync.OnceValue(func() map[reflect.Type]*schema {
	m := map[reflect.Type]*schema{}
	var add func(t reflect.Type)
	add = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || m[t] != nil {
			return
		}
		sc := &schema{name: strings.ToLower(t.Name()), byName: map[string]*schemaField{}}
		m[t] = sc
		var names []string
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if len(names) == 64 {
				panic("format: a schema type has more than 64 fields")
			}
			sf := &schemaField{name: name, index: i, bit: 1 << len(names), typ: f.Type}
			sc.byName[name] = sf
			names = append(names, name)
			if f.Type.Kind() == reflect.Float64 && !strings.Contains(opts, "omitempty") {
				sc.required = append(sc.required, sf)
			}
			add(f.Type)
		}
		slices.Sort(names)
		sc.allowed = strings.Join(names, ", ")
		if t == estimateType {
			sc.required = nil // a missing value has its own message
		}
	}
	add(scenarioType)
	return m
})

// decoder decodes the tokens of one document into a scenario.
type decoder struct {
	src  tokenizer
	errs []error
	path []segment
	// stopped is set at the first tBad: the document ends there, and what
	// follows is not reported as missing.
	stopped bool
	schemas map[reflect.Type]*schema
}

// segment is one step of the path to the current value: a key, or the
// index of a list item.
type segment struct {
	key   token
	index int // -1 for a key
}

func newDecoder(src tokenizer) *decoder {
	return &decoder{src: src, schemas: schemas()}
}

func (d *decoder) next() token {
	t := d.src.next()
	if t.kind == tBad {
		d.stopped = true
	}
	return t
}

func (d *decoder) pushKey(k token) { d.path = append(d.path, segment{key: k, index: -1}) }
func (d *decoder) pushIndex(i int) { d.path = append(d.path, segment{index: i}) }
func (d *decoder) pop()            { d.path = d.path[:len(d.path)-1] }

// pathString writes the path as a ValidationError's Path: "actors[2].id".
func (d *decoder) pathString() string {
	var b []byte
	for _, s := range d.path {
		if s.index >= 0 {
			b = append(strconv.AppendInt(append(b, '['), int64(s.index), 10), ']')
			continue
		}
		if len(b) > 0 {
			b = append(b, '.')
		}
		b = append(b, s.key.text()...)
	}
	return string(b)
}

func (d *decoder) fail(t token, format string, args ...any) {
	d.failErr(t, nil, format, args...)
}

// failErr records a problem at t, of kind kind (the ValidationError's Err).
func (d *decoder) failErr(t token, kind error, format string, args ...any) {
	if d.stopped {
		return
	}
	p := d.pathString()
	d.errs = append(d.errs, &jirga.ValidationError{Line: d.src.line(t.pos), Path: p, Field: fieldName(p), Msg: fmt.Sprintf(format, args...), Err: kind})
}

// failNumber is fail for a number that is missing or malformed.
func (d *decoder) failNumber(t token, format string, args ...any) {
	d.failErr(t, errBadNumber, format, args...)
}

// skip reads past the rest of the value that begins with t.
func (d *decoder) skip(t token) { skipValue(t, d.next) }

// skipValue reads, with next, past the rest of the value that begins with
// t: nothing for a scalar, up to its end for a mapping or a list.
func skipValue(t token, next func() token) {
	if t.kind != tMap && t.kind != tSeq {
		return
	}
	for depth := 1; depth > 0; {
		switch next().kind {
		case tMap, tSeq:
			depth++
		case tEnd:
			depth--
		case tBad:
			return
		}
	}
}

// scenario decodes the document that begins with t.
func (d *decoder) scenario(t token, format string) *jirga.Scenario {
	if t.kind != tMap {
		if t.kind != tBad {
			d.fail(t, "a scenario must be a mapping with id, issues and actors, got %s (read as jirga %s; --input-format chooses another format)", kindName(t), strings.ToUpper(format))
			d.skip(t)
		}
		return nil
	}
	s := new(jirga.Scenario)
	d.fields(t, reflect.ValueOf(s).Elem(), d.schemas[scenarioType])
	return s
}

// value decodes the value that begins with t into v, which is settable and
// of one of the scenario's types, and reports whether it set v: not for
// null, nor for a value that is malformed (reported), nor for an empty list
// or mapping (the same as none).
func (d *decoder) value(t token, v reflect.Value) bool {
	if t.kind == tBad || t.kind == tNull {
		return false
	}
	typ := v.Type()
	if typ.Kind() == reflect.Pointer {
		p := reflect.New(typ.Elem())
		if !d.value(t, p.Elem()) {
			return false
		}
		v.Set(p)
		return true
	}
	if typ == estimateType {
		return d.estimate(t, v.Addr().Interface().(*jirga.Estimate))
	}
	switch typ.Kind() {
	case reflect.Struct:
		if t.kind != tMap {
			d.fail(t, "want a mapping (%s), got %s", strings.ToLower(typ.Name()), kindName(t))
			d.skip(t)
			return false
		}
		d.fields(t, v, d.schemas[typ])
		return true
	case reflect.Slice:
		return d.list(t, v)
	case reflect.Map:
		if typ == stancesType {
			return d.stances(t, v.Addr().Interface().(*map[string]*jirga.Stance))
		}
		return d.mapping(t, v)
	case reflect.Float64:
		x, ok := d.number(t)
		if ok {
			v.SetFloat(x)
		}
		return ok
	case reflect.String:
		if t.kind != tScalar {
			d.fail(t, "want text, got %s", kindName(t))
			d.skip(t)
			return false
		}
		v.SetString(t.text())
		return true
	case reflect.Bool:
		b, ok := d.boolean(t)
		if ok {
			v.SetBool(b)
		}
		return ok
	}
	d.skip(t)
	return false
}

// fields decodes the mapping that begins with t into the struct v, and
// returns the fields it saw and those it set, as bits of schemaField.bit.
func (d *decoder) fields(t token, v reflect.Value, sc *schema) (seen, set uint64) {
	for {
		k := d.next()
		if k.kind == tEnd || k.kind == tBad {
			break
		}
		if k.kind != tScalar && k.kind != tNull {
			d.fail(k, "keys must be plain strings")
			d.skip(k)
			d.skip(d.next())
			continue
		}
		f, ok := lookupKey(sc.byName, &k)
		d.pushKey(k)
		val := d.next()
		switch {
		case !ok:
			d.fail(k, "unknown field %q; allowed: %s", k.text(), sc.allowed)
			d.skip(val)
		case seen&f.bit != 0:
			d.fail(k, "duplicate field %q", k.text())
			d.skip(val)
		default:
			seen |= f.bit
			if d.value(val, v.Field(f.index)) {
				set |= f.bit
			}
		}
		d.pop()
	}
	for _, f := range sc.required {
		if seen&f.bit == 0 {
			d.pushKey(token{str: f.name})
			d.fail(t, "%s is missing; it must be a number", f.name)
			d.pop()
		}
	}
	return seen, set
}

// estimate decodes a bare number or an estimate object into e.
func (d *decoder) estimate(t token, e *jirga.Estimate) bool {
	switch t.kind {
	case tScalar:
		x, ok := d.number(t)
		e.Value = x
		return ok
	case tMap:
	default:
		d.failNumber(t, "want a number or an object such as {value: 50, low: 40, high: 60}")
		d.skip(t)
		return false
	}
	sc := d.schemas[estimateType]
	seen, set := d.fields(t, reflect.ValueOf(e).Elem(), sc)
	value := sc.byName["value"].bit
	if set&value == 0 {
		if seen&value == 0 {
			d.failNumber(t, "estimate has no value; write {value: 50, ...}")
		}
		return false
	}
	return true
}

// list decodes the list that begins with t into the slice v.
func (d *decoder) list(t token, v reflect.Value) bool {
	if t.kind != tSeq {
		d.fail(t, "want a list, got %s", kindName(t))
		d.skip(t)
		return false
	}
	elem := v.Type().Elem()
	out := reflect.Zero(v.Type())
	hole := false
	for i := 0; ; i++ {
		it := d.next()
		if it.kind == tEnd || it.kind == tBad {
			break
		}
		d.pushIndex(i)
		if it.kind == tNull && elem.Kind() != reflect.Pointer {
			d.fail(it, "want %s, got null", typeName(elem))
			hole = true
		} else {
			out = reflect.Append(out, reflect.Zero(elem))
			d.value(it, out.Index(out.Len()-1))
		}
		d.pop()
	}
	// Dropping a null would shift the indices of the items after it, and
	// the validator's paths with them: a list with a hole is dropped.
	if hole || out.Len() == 0 {
		return false
	}
	v.Set(out)
	return true
}

// mapping decodes the mapping that begins with t into the map v (string
// keys).
func (d *decoder) mapping(t token, v reflect.Value) bool {
	if t.kind != tMap {
		d.fail(t, "want a mapping, got %s", kindName(t))
		d.skip(t)
		return false
	}
	typ := v.Type()
	elem := typ.Elem()
	m := reflect.MakeMap(typ)
	for {
		k, ok := d.key()
		if !ok {
			break
		}
		key := reflect.ValueOf(k.text())
		d.pushKey(k)
		val := d.next()
		switch {
		case m.MapIndex(key).IsValid():
			d.fail(k, "duplicate key %q", k.text())
			d.skip(val)
		case val.kind == tNull && elem.Kind() != reflect.Pointer:
			d.fail(val, "want %s, got null", typeName(elem))
		default:
			e := reflect.New(elem).Elem()
			// A pointer that is not set is kept as nil: a stance that
			// is null or malformed is reported by the validator too.
			if d.value(val, e) || elem.Kind() == reflect.Pointer {
				m.SetMapIndex(key, e)
			}
		}
		d.pop()
	}
	if m.Len() == 0 {
		return false // an empty mapping is the same as none
	}
	v.Set(m)
	return true
}

// stances is mapping for an actor's stances, without reflection: an actor
// has one on every issue it cares about, so a large scenario has many.
func (d *decoder) stances(t token, v *map[string]*jirga.Stance) bool {
	if t.kind != tMap {
		d.fail(t, "want a mapping, got %s", kindName(t))
		d.skip(t)
		return false
	}
	sc := d.schemas[stanceType]
	var m map[string]*jirga.Stance
	for {
		k, ok := d.key()
		if !ok {
			break
		}
		key := k.text()
		d.pushKey(k)
		val := d.next()
		if _, dup := m[key]; dup {
			d.fail(k, "duplicate key %q", key)
			d.skip(val)
			d.pop()
			continue
		}
		if m == nil {
			m = make(map[string]*jirga.Stance, 1)
		}
		var st *jirga.Stance
		switch val.kind {
		case tNull, tBad:
		case tMap:
			st = new(jirga.Stance)
			d.fields(val, reflect.ValueOf(st).Elem(), sc)
		default:
			d.fail(val, "want a mapping (%s), got %s", sc.name, kindName(val))
			d.skip(val)
		}
		m[key] = st
		d.pop()
	}
	if len(m) == 0 {
		return false
	}
	*v = m
	return true
}

// key reads the next key of a mapping; ok is false at its end. A key that
// is not a scalar is reported and skipped with its value.
func (d *decoder) key() (k token, ok bool) {
	for {
		k = d.next()
		switch k.kind {
		case tEnd, tBad:
			return k, false
		case tScalar, tNull:
			return k, true
		}
		d.fail(k, "keys must be plain strings")
		d.skip(k)
		d.skip(d.next())
	}
}

// number decodes a number.
func (d *decoder) number(t token) (float64, bool) {
	if t.kind != tScalar {
		d.failNumber(t, "want a number, got %s", kindName(t))
		d.skip(t)
		return 0, false
	}
	if t.quoted {
		d.failNumber(t, "want a number, got the text %s; remove the quotes", kindName(t))
		return 0, false
	}
	var x float64
	var err error
	if t.raw != nil {
		x, err = strconv.ParseFloat(string(t.raw), 64) // JSON: a number, true or false
	} else {
		switch strings.ToLower(t.str) {
		case ".nan", "nan":
			x = math.NaN()
		case ".inf", "+.inf", "inf", "+inf", "infinity":
			x = math.Inf(1)
		case "-.inf", "-inf", "-infinity":
			x = math.Inf(-1)
		default:
			x, err = strconv.ParseFloat(strings.ReplaceAll(t.str, "_", ""), 64)
		}
	}
	switch {
	case err != nil:
		d.failNumber(t, "want a number, got %q", t.text())
		return 0, false
	case math.IsNaN(x) || math.IsInf(x, 0):
		d.failNumber(t, "want a finite number, got %s", t.text())
		return 0, false
	}
	return x, true
}

// boolean decodes true or false (in YAML also yes, no, on, off).
func (d *decoder) boolean(t token) (bool, bool) {
	if t.kind != tScalar || t.quoted {
		d.fail(t, "want true or false, got %s", kindName(t))
		d.skip(t)
		return false, false
	}
	switch strings.ToLower(t.text()) {
	case "true", "yes", "on":
		return true, true
	case "false", "no", "off":
		return false, true
	}
	d.fail(t, "want true or false, got %q", t.text())
	return false, false
}

// typeName names a Go type of the schema for messages.
func typeName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == estimateType, t.Kind() == reflect.Float64:
		return "a number"
	case t.Kind() == reflect.String:
		return "text"
	case t.Kind() == reflect.Bool:
		return "true or false"
	case t.Kind() == reflect.Slice:
		return "a list"
	}
	return fmt.Sprintf("a mapping (%s)", strings.ToLower(t.Name()))
}

func kindName(t token) string {
	switch t.kind {
	case tMap:
		return "a mapping"
	case tSeq:
		return "a list"
	case tScalar, tNull:
		return fmt.Sprintf("%q", t.text())
	}
	return "nothing"
}

// pathLines reads the document's tokens from src and returns the line of
// each path in want that it holds, as the decoder names paths: a field's or
// a map entry's line is its key's, a list item's its own, and the root's
// (path "") its first token's.
func pathLines(src tokenizer, want map[string]bool) map[string]int {
	lines := map[string]int{}
	t := src.next()
	if t.kind == tBad {
		return lines
	}
	lines[""] = src.line(t.pos)
	type frame struct {
		n    int // the length of the container's path
		list bool
		i    int
	}
	var stack []frame
	var buf []byte
	open := func(t token) {
		if t.kind == tMap || t.kind == tSeq {
			stack = append(stack, frame{n: len(buf), list: t.kind == tSeq})
		}
	}
	record := func(pos int) {
		if want[string(buf)] {
			if _, ok := lines[string(buf)]; !ok {
				lines[string(buf)] = src.line(pos)
			}
		}
	}
	skip := func(t token) { skipValue(t, src.next) }
	open(t)
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		buf = buf[:f.n]
		t := src.next()
		switch t.kind {
		case tBad:
			return lines
		case tEnd:
			stack = stack[:len(stack)-1]
			continue
		}
		if f.list {
			buf = append(strconv.AppendInt(append(buf, '['), int64(f.i), 10), ']')
			f.i++
			record(t.pos)
			open(t)
			continue
		}
		if t.kind != tScalar && t.kind != tNull {
			skip(t)
			skip(src.next())
			continue
		}
		if len(buf) > 0 {
			buf = append(buf, '.')
		}
		if t.raw != nil && !t.esc {
			buf = append(buf, t.raw...)
		} else {
			buf = append(buf, t.text()...)
		}
		record(t.pos)
		open(src.next())
	}
	return lines
}
