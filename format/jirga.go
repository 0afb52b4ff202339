package format

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/jirga/jirga"
)

// jirga's own format: the JSON schema is the source of truth (the json tags
// of the root types); see decode.go for how both YAML and JSON are read
// against it.

func isJSON(name string, data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(t) == 0 || (t[0] != '{' && t[0] != '[') {
		return false
	}
	// A YAML flow mapping also starts with "{": call it JSON only when it
	// is valid JSON or the file says it is JSON, so that malformed JSON gets
	// a JSON message and {id: x} a YAML one.
	return hasExt(name, ".json") || validJSON(bytes.TrimPrefix(data, []byte("\ufeff")))
}

// decodeJSON reads one scenario, or an array of them, in one pass of the
// scanner over data.
func decodeJSON(data []byte, _ Options) ([]decoded, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	lines := &lineIndex{data: data}
	sc := newJSONScanner(data, 0, lines)
	var out []decoded
	var errs []error
	doc := func(t token) {
		d := newDecoder(sc)
		s := d.scenario(t, JSON)
		errs = append(errs, d.errs...)
		if s != nil {
			start := t.pos
			out = append(out, decoded{s: s, normalized: true, locate: func(want map[string]bool) map[string]int {
				return pathLines(newJSONScanner(data, start, lines), want)
			}})
		}
	}
	if t := sc.next(); t.kind == tSeq {
		for {
			item := sc.next()
			if item.kind == tEnd || item.kind == tBad {
				break
			}
			doc(item)
		}
	} else {
		doc(t)
	}
	if sc.bad {
		return nil, jsonSyntaxError(data, sc.off)
	}
	sc.skipSpace()
	if sc.off < len(data) {
		return nil, &jirga.ValidationError{Line: lines.line(sc.off), Msg: "unexpected data after the JSON value"}
	}
	return out, errors.Join(errs...)
}

// jsonSyntaxError returns encoding/json's message about the malformed JSON
// in data, which the scanner found at offset off.
func jsonSyntaxError(data []byte, off int) error {
	var raw json.RawMessage
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&raw); err != nil {
		return jsonError(data, err)
	}
	// The scanner and encoding/json disagree (FuzzJSONScanner says they
	// do not).
	return &jirga.ValidationError{Line: lineAt(data, off), Msg: "malformed JSON"}
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

// decodeYAML reads the documents of data, each a scenario.
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
		root := doc.Content[0]
		src := newYAMLTokens(root, len(data))
		d := newDecoder(src)
		s := d.scenario(src.next(), YAML)
		errs = append(errs, d.errs...)
		if src.spent {
			errs = append(errs, &jirga.ValidationError{Line: src.spentLine, Msg: "the document expands through aliases to more values than its size allows; expand the aliases by hand"})
			continue
		}
		if s != nil {
			out = append(out, decoded{s: s, normalized: true, locate: func(want map[string]bool) map[string]int {
				return pathLines(newYAMLTokens(root, len(data)), want)
			}})
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

// errBadNumber marks a ValidationError about a number that is missing or
// malformed, to which Read adds the field's allowed range (see locate).
var errBadNumber = errors.New("malformed number")

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
