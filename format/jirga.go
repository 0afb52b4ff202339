package format

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/jirga/jirga"
)

// jirga's own format: the JSON schema is the source of truth (the json tags
// of the root types). YAML is read by walking the YAML node tree against that
// schema, which gives every problem a line number, then decoding the checked
// tree as JSON, so YAML and JSON accept exactly the same documents.

func isJSON(name string, data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(t) == 0 || (t[0] != '{' && t[0] != '[') {
		return false
	}
	// A YAML flow mapping also starts with "{": call it JSON only when it
	// is valid JSON or the file says it is JSON, so that malformed JSON gets
	// a JSON message and {id: x} a YAML one.
	return hasExt(name, ".json") || json.Valid(bytes.TrimPrefix(data, []byte("\ufeff")))
}

func decodeJSON(data []byte, _ Options) ([]decoded, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	// Check the syntax without building a tree or copying the input: the
	// YAML parser builds the tree that is walked. (A tree of any here held
	// as much memory again as the YAML nodes, for the rare fallback below.)
	if !json.Valid(data) {
		d := json.NewDecoder(bytes.NewReader(data))
		var raw json.RawMessage
		if err := d.Decode(&raw); err != nil {
			return nil, jsonError(data, err)
		}
		d.Token() // to the trailing data
		return nil, &jirga.ValidationError{Line: lineAt(data, int(d.InputOffset())), Msg: "unexpected data after the JSON value"}
	}
	// Re-read through the YAML parser for line numbers: JSON is YAML.
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil || len(root.Content) == 0 {
		var tree any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&tree); err != nil {
			return nil, jsonError(data, err)
		}
		return decodeTree(tree)
	}
	doc := root.Content[0]
	root = yaml.Node{} // decodeDoc lets go of the tree once it is walked
	return decodeDoc(doc, JSON, true, len(data))
}

func jsonError(data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &jirga.ValidationError{Line: lineAt(data, int(se.Offset)), Msg: "malformed JSON: " + strings.TrimPrefix(se.Error(), "json: ")}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return &jirga.ValidationError{Line: bytes.Count(data, []byte("\n")) + 1, Msg: "malformed JSON: unexpected end of input"}
	}
	return &jirga.ValidationError{Msg: "malformed JSON: " + strings.TrimPrefix(err.Error(), "json: ")}
}

func lineAt(data []byte, off int) int {
	if off > len(data) {
		off = len(data)
	}
	if off < 0 {
		off = 0
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// decodeTree is the fallback for JSON the YAML parser rejects (rare): it
// decodes without line numbers.
func decodeTree(raw any) ([]decoded, error) {
	b, _ := json.Marshal(raw)
	var list []json.RawMessage
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte("[")) {
		if err := json.Unmarshal(b, &list); err != nil {
			return nil, &jirga.ValidationError{Msg: "malformed JSON: " + err.Error()}
		}
	} else {
		list = []json.RawMessage{b}
	}
	var out []decoded
	for i, item := range list {
		var s jirga.Scenario
		d := json.NewDecoder(bytes.NewReader(item))
		d.DisallowUnknownFields()
		if err := d.Decode(&s); err != nil {
			return nil, &jirga.ValidationError{Msg: fmt.Sprintf("scenario %d: %v", i+1, strings.TrimPrefix(err.Error(), "json: "))}
		}
		out = append(out, decoded{s: &s})
	}
	return out, nil
}

func decodeYAML(data []byte, _ Options) ([]decoded, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []decoded
	var errs []error
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if err == io.EOF {
			break
		}
		if err != nil {
			return out, yamlError(err)
		}
		if len(doc.Content) == 0 {
			continue
		}
		ds, err := decodeDoc(doc.Content[0], YAML, false, len(data))
		out = append(out, ds...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}

func yamlError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.Index(rest, ":"); i > 0 {
			if n, err := strconv.Atoi(rest[:i]); err == nil {
				line = n
				msg = strings.TrimSpace(rest[i+1:])
			}
		}
	}
	return &jirga.ValidationError{Line: line, Msg: "malformed YAML: " + msg}
}

// decodeDoc decodes one YAML/JSON document: a scenario, or (for JSON) an
// array of scenarios.
func decodeDoc(n *yaml.Node, format string, allowList bool, size int) ([]decoded, error) {
	n = resolve(n)
	if n.Kind == yaml.SequenceNode && allowList {
		var out []decoded
		var errs []error
		for _, item := range n.Content {
			ds, err := decodeDoc(item, format, false, size)
			out = append(out, ds...)
			if err != nil {
				errs = append(errs, err)
			}
		}
		return out, errors.Join(errs...)
	}
	if n.Kind != yaml.MappingNode {
		return nil, &jirga.ValidationError{Line: n.Line, Msg: fmt.Sprintf("a scenario must be a mapping with id, issues and actors, got %s (read as jirga %s; --input-format chooses another format)", kindName(n), strings.ToUpper(format))}
	}
	line := n.Line
	w := &walker{lines: map[string]int{"": line}, budget: size + minBudget}
	v := w.walk(n, reflect.TypeFor[jirga.Scenario](), "")
	// n is not used below, so the YAML tree can be collected while the
	// walked values are encoded and decoded: a large file's peak memory is
	// then that of one tree at a time, not all of them.
	if w.exhausted {
		return nil, errors.Join(w.errs...)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, &jirga.ValidationError{Line: line, Msg: "cannot encode scenario: " + err.Error()}
	}
	v = nil
	var s jirga.Scenario
	if err := json.Unmarshal(b, &s); err != nil {
		// The walker checked every type, so this is a bug, not bad input.
		return nil, fmt.Errorf("format: decode checked scenario: %w", err)
	}
	return []decoded{{s: &s, lines: w.lines}}, errors.Join(w.errs...)
}

// minBudget is the number of values any document may expand to through
// aliases, beyond one per byte of input; see walker.budget.
const minBudget = 100_000

func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// walker converts a YAML node tree into plain JSON values, checking it
// against a Go type and recording the line of every path.
type walker struct {
	lines map[string]int
	errs  []error
	depth int
	// budget is the number of nodes the walker may still visit. A document
	// without aliases has fewer nodes than bytes; aliases can make a small
	// document expand exponentially ("billion laughs"), so the walk stops
	// when the budget is spent.
	budget    int
	exhausted bool
}

var estimateType = reflect.TypeFor[jirga.Estimate]()

func (w *walker) fail(n *yaml.Node, path, format string, args ...any) {
	w.failErr(n, path, nil, format, args...)
}

// failErr is fail with the kind of problem, the ValidationError's Err.
func (w *walker) failErr(n *yaml.Node, path string, kind error, format string, args ...any) {
	w.errs = append(w.errs, &jirga.ValidationError{Line: n.Line, Path: path, Field: fieldName(path), Msg: fmt.Sprintf(format, args...), Err: kind})
}

// errBadNumber marks a ValidationError about a number that is missing or
// malformed, to which Read adds the field's allowed range (see locate).
var errBadNumber = errors.New("malformed number")

// failNumber is fail for a number that is missing or malformed.
func (w *walker) failNumber(n *yaml.Node, path, format string, args ...any) {
	w.failErr(n, path, errBadNumber, format, args...)
}

// fieldName returns the last named element of a path: "capability" for
// actors[3].capability.
func fieldName(path string) string {
	for path != "" {
		i := strings.LastIndexAny(path, ".[")
		last := path[i+1:]
		if !strings.HasSuffix(last, "]") {
			return last
		}
		if i < 0 {
			return ""
		}
		path = path[:i]
	}
	return ""
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// walk returns the JSON value for n (nil to drop it) given the target type t.
func (w *walker) walk(n *yaml.Node, t reflect.Type, path string) any {
	n = resolve(n)
	if w.exhausted {
		return nil
	}
	if w.budget--; w.budget < 0 {
		w.exhausted = true
		w.fail(n, "", "the document expands through aliases to more values than its size allows; expand the aliases by hand")
		return nil
	}
	if _, ok := w.lines[path]; !ok {
		w.lines[path] = n.Line
	}
	w.depth++
	defer func() { w.depth-- }()
	if w.depth > 64 {
		w.fail(n, path, "nesting is too deep")
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if t == estimateType {
		if n.Kind == yaml.ScalarNode {
			return w.number(n, path)
		}
		if n.Kind != yaml.MappingNode {
			w.failNumber(n, path, "want a number or an object such as {value: 50, low: 40, high: 60}")
			return nil
		}
		m := w.structFields(n, t, path)
		if m == nil {
			return nil
		}
		if _, ok := m["value"]; !ok {
			if !hasKey(n, "value") {
				w.failNumber(n, path, "estimate has no value; write {value: 50, ...}")
			}
			return nil
		}
		return m
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			w.fail(n, path, "want a mapping (%s), got %s", strings.ToLower(t.Name()), kindName(n))
			return nil
		}
		return w.structFields(n, t, path)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			w.fail(n, path, "want a list, got %s", kindName(n))
			return nil
		}
		out := make([]any, 0, len(n.Content))
		hole := false
		for i, item := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			if isNull(item) && t.Elem().Kind() != reflect.Pointer {
				w.fail(resolve(item), p, "want %s, got null", typeName(t.Elem()))
				hole = true
				continue
			}
			out = append(out, w.walk(item, t.Elem(), p))
		}
		if hole {
			// Dropping the null would shift the indices of the items after
			// it, and the validator's paths with them; drop the list.
			return nil
		}
		if len(out) == 0 {
			return nil // an empty list is the same as none
		}
		return out
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			w.fail(n, path, "want a mapping, got %s", kindName(n))
			return nil
		}
		out := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := resolve(n.Content[i]), n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				w.fail(k, path, "keys must be plain strings")
				continue
			}
			p := join(path, k.Value)
			if _, dup := out[k.Value]; dup {
				w.fail(k, p, "duplicate key %q", k.Value)
				continue
			}
			w.lines[p] = k.Line
			if isNull(val) && t.Elem().Kind() != reflect.Pointer {
				w.fail(resolve(val), p, "want %s, got null", typeName(t.Elem()))
				out[k.Value] = nil
				continue
			}
			if v := w.walk(val, t.Elem(), p); v != nil {
				out[k.Value] = v
			} else if t.Elem().Kind() == reflect.Pointer {
				out[k.Value] = nil
			}
		}
		if len(out) == 0 {
			return nil // an empty mapping is the same as none
		}
		for k, v := range out {
			if v == nil && t.Elem().Kind() != reflect.Pointer {
				delete(out, k)
			}
		}
		return out
	case reflect.Float64:
		return w.number(n, path)
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			w.fail(n, path, "want text, got %s", kindName(n))
			return nil
		}
		return n.Value
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || quoted(n) {
			w.fail(n, path, "want true or false, got %s", kindName(n))
			return nil
		}
		switch strings.ToLower(n.Value) {
		case "true", "yes", "on":
			return true
		case "false", "no", "off":
			return false
		}
		w.fail(n, path, "want true or false, got %q", n.Value)
		return nil
	}
	return nil
}

func hasKey(n *yaml.Node, key string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if resolve(n.Content[i]).Value == key {
			return true
		}
	}
	return false
}

func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// quoted reports whether a scalar was written in quotes, i.e. is text even
// if it looks like a number or a boolean.
func quoted(n *yaml.Node) bool {
	return n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0
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

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "nothing"
}

func (w *walker) number(n *yaml.Node, path string) any {
	if n.Kind != yaml.ScalarNode {
		w.failNumber(n, path, "want a number, got %s", kindName(n))
		return nil
	}
	if quoted(n) {
		w.failNumber(n, path, "want a number, got the text %s; remove the quotes", kindName(n))
		return nil
	}
	var x float64
	switch strings.ToLower(n.Value) {
	case ".nan", "nan":
		x = math.NaN()
	case ".inf", "+.inf", "inf", "+inf", "infinity":
		x = math.Inf(1)
	case "-.inf", "-inf", "-infinity":
		x = math.Inf(-1)
	default:
		v, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		if err != nil {
			w.failNumber(n, path, "want a number, got %q", n.Value)
			return nil
		}
		x = v
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		w.failNumber(n, path, "want a finite number, got %s", n.Value)
		return nil
	}
	return x
}

// structFields walks a mapping against struct type t, rejecting unknown keys.
func (w *walker) structFields(n *yaml.Node, t reflect.Type, path string) map[string]any {
	fields := jsonFields(t)
	out := map[string]any{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			w.fail(k, path, "keys must be plain strings")
			continue
		}
		p := join(path, k.Value)
		ft, ok := fields[k.Value]
		if !ok {
			w.fail(k, p, "unknown field %q; allowed: %s", k.Value, allowed(fields))
			continue
		}
		if _, dup := out[k.Value]; dup {
			w.fail(k, p, "duplicate field %q", k.Value)
			continue
		}
		w.lines[p] = k.Line
		if v := w.walk(val, ft, p); v != nil {
			out[k.Value] = v
		}
	}
	// A number field that is not optional has no sensible default (a scale
	// without max, an anchor without at): report it rather than use 0.
	// Other required fields are checked, with better messages, by
	// Scenario.Validate; an estimate's value is checked in walk.
	if t != estimateType {
		for _, name := range requiredNumbers(t) {
			if !hasKey(n, name) {
				w.fail(n, join(path, name), "%s is missing; it must be a number", name)
			}
		}
	}
	return out
}

// requiredNumbers returns the JSON names of t's float64 fields that are
// not omitempty. It is called for every mapping of a file, so the answer
// is kept per type.
func requiredNumbers(t reflect.Type) []string {
	if v, ok := requiredCache.Load(t); ok {
		return v.([]string)
	}
	out := computeRequiredNumbers(t)
	requiredCache.Store(t, out)
	return out
}

var requiredCache, fieldsCache sync.Map // reflect.Type → []string, map[string]reflect.Type

func computeRequiredNumbers(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Type.Kind() == reflect.Float64 && name != "" && name != "-" && !strings.Contains(opts, "omitempty") {
			out = append(out, name)
		}
	}
	return out
}

func allowed(fields map[string]reflect.Type) string {
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// jsonFields maps the JSON names of t's fields to their types. It is called
// for every mapping of a file, so the map is built once per type; callers
// must not modify it.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if v, ok := fieldsCache.Load(t); ok {
		return v.(map[string]reflect.Type)
	}
	m := computeJSONFields(t)
	fieldsCache.Store(t, m)
	return m
}

func computeJSONFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = f.Type
	}
	return m
}

func writeJSON(w io.Writer, ss []*jirga.Scenario) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if len(ss) == 1 {
		return enc.Encode(ss[0])
	}
	return enc.Encode(ss)
}

func writeYAML(w io.Writer, ss []*jirga.Scenario) error {
	for i, s := range ss {
		b, err := json.Marshal(s)
		if err != nil {
			return fmt.Errorf("format: encode scenario %q: %w", s.ID, err)
		}
		// Build the YAML tree from the JSON tokens rather than parse the
		// JSON text as YAML: YAML forbids some characters raw (C1 controls)
		// that JSON writes raw, but the YAML encoder escapes them.
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		n, err := jsonNode(dec)
		if err != nil {
			return fmt.Errorf("format: re-encode scenario %q: %w", s.ID, err)
		}
		blockStyle(n)
		if i > 0 {
			if _, err := io.WriteString(w, "---\n"); err != nil {
				return err
			}
		}
		enc := yaml.NewEncoder(w)
		enc.SetIndent(2)
		if err := enc.Encode(n); err != nil {
			return err
		}
		if err := enc.Close(); err != nil {
			return err
		}
	}
	return nil
}

// jsonNode reads one JSON value from dec as a YAML node, keeping the order
// of object keys.
func jsonNode(dec *json.Decoder) (*yaml.Node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		if t == '{' {
			n = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		}
		for dec.More() {
			if n.Kind == yaml.MappingNode {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k.(string)})
			}
			c, err := jsonNode(dec)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, c)
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return nil, err
		}
		return n, nil
	case string:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: t}, nil
	case json.Number:
		return &yaml.Node{Kind: yaml.ScalarNode, Value: t.String()}, nil
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(t)}, nil
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}

// blockStyle turns the flow style a JSON-parsed tree has into block style,
// keeping short lists of numbers or ids and bare-number estimates inline.
func blockStyle(n *yaml.Node) {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!str" {
			n.Style = 0
			if strings.Contains(n.Value, "\n") {
				n.Style = yaml.LiteralStyle
			}
		} else {
			n.Style = 0
		}
	case yaml.SequenceNode, yaml.MappingNode, yaml.DocumentNode:
		n.Style = 0
		if n.Kind == yaml.SequenceNode && allScalars(n) && len(n.Content) <= 8 {
			n.Style = yaml.FlowStyle
		}
		for _, c := range n.Content {
			blockStyle(c)
		}
	}
}

func allScalars(n *yaml.Node) bool {
	for _, c := range n.Content {
		if c.Kind != yaml.ScalarNode || len(c.Value) > 40 {
			return false
		}
	}
	return true
}
