package format

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/jirga/jirga"
)

// Format names accepted by Options.Format and --input-format.
const (
	YAML    = "yaml"
	JSON    = "json"
	KTABCSV = "ktab-csv"
	KTABXML = "ktab-xml"
	Decide  = "decide"
	DEU     = "deu"
	CSV     = "csv"
)

// MaxSize is the largest input Read accepts.
const MaxSize = 32 << 20

// Options control Read. The zero value detects the format.
type Options struct {
	// Format is one of the format names, or "" to detect it from the content.
	Format string
	// Capability chooses how DEU capabilities are set: "equal" (the default)
	// or "council" (Council voting weights by era; see deu.go).
	Capability string
	// SalienceScale, when not 0, is the top of the scale the file writes
	// saliences on (1 for 0–1), overriding a scenario's own salience_scale:
	// the saliences are rescaled to 0–100 (jirga.Scenario.RescaleSaliences).
	SalienceScale float64
	// Warn, when set, is called with each warning of a scenario that Read
	// accepts or rejects (see jirga.Scenario.Check), with its file and line.
	Warn func(*jirga.ValidationError)

	// name is the name Read was given, from which importers of formats
	// that carry no scenario id take one (see scenarioID).
	name string
}

// Info describes a format.
type Info struct {
	Name        string
	Description string
	// Detect reports whether data looks like this format.
	detect func(name string, data []byte) bool
	decode func(data []byte, opt Options) ([]decoded, error)
	// latin1 marks a reader that accepts non-UTF-8 input and converts it
	// from Latin-1 itself; Read refuses non-UTF-8 input for every other.
	latin1 bool
}

// decoded is one scenario with the line of each path that has one: lines
// holds them, or locate finds those of the paths wanted (and their
// ancestors) when a problem is to be located.
type decoded struct {
	s      *jirga.Scenario
	lines  map[string]int
	locate func(want map[string]bool) map[string]int
	// normalized is set by a decoder that never leaves an empty list or
	// mapping in s (see normalize).
	normalized bool
}

// findLines sets d.lines, when d has a locate function, to the lines of the
// paths of ves and of their ancestors.
func (d *decoded) findLines(ves []*jirga.ValidationError) {
	if d.locate == nil || d.lines != nil {
		return
	}
	want := map[string]bool{"": true}
	for _, ve := range ves {
		for p := ve.Path; p != "" && !want[p]; {
			want[p] = true
			i := strings.LastIndexAny(p, ".[")
			if i < 0 {
				break
			}
			p = p[:i]
		}
	}
	d.lines = d.locate(want)
}

// Formats lists the readable formats in detection order.
func Formats() []Info { return slices.Clone(formats) }

var formats = []Info{
	{Name: JSON, Description: "jirga JSON (one scenario, or an array of them)", detect: isJSON, decode: decodeJSON},
	{Name: Decide, Description: "Decide exchange-model file: tagged rows #A actor, #P issue, #M anchor, #D actor issue position salience(0–1) power", detect: isDecide, decode: decodeDecide, latin1: true},
	{Name: DEU, Description: "DEU TSV (Decision-making in the EU): one one-issue scenario per row, header with prnr, isnr, out", detect: isDEU, decode: decodeDEU},
	{Name: KTABXML, Description: "KTAB SMP XML (smpSchema.xsd: ModelParameters, prngSeed, Actors, IdealAdjustment)", detect: isKTABXML, decode: decodeKTABXML},
	{Name: KTABCSV, Description: "KTAB SMP CSV (scenario, description, nActors, nDims; Actor,Description,Influence,Pos/Sal pairs 0–100)", detect: isKTABCSV, decode: decodeKTABCSV},
	{Name: CSV, Description: "one-issue CSV with header actor,capability,position,salience (salience 0–100)", detect: isCSV, decode: decodeCSV},
	{Name: YAML, Description: "jirga YAML (one or more documents)", detect: func(string, []byte) bool { return true }, decode: decodeYAML},
}

func lookup(name string) (Info, bool) {
	for _, f := range formats {
		if f.Name == name {
			return f, true
		}
	}
	return Info{}, false
}

// Names returns the format names, comma-separated, for messages.
func Names() string {
	var names []string
	for _, f := range formats {
		names = append(names, f.Name)
	}
	return strings.Join(names, ", ")
}

// Detect returns the name of the format data appears to be in.
func Detect(name string, data []byte) string {
	for _, f := range formats {
		if f.detect(name, data) {
			return f.Name
		}
	}
	return YAML
}

// ReadFile reads and validates the scenarios in the file at path.
func ReadFile(path string, opt Options) ([]*jirga.Scenario, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, jirga.Errorf(jirga.EINVALID, "%w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, jirga.Errorf(jirga.EINVALID, "%w", err)
	}
	return Read(path, data, opt)
}

// Read decodes data, named name in messages, and validates every scenario in
// it. All problems are returned at once, joined; each is a
// *jirga.ValidationError with File set to name.
func Read(name string, data []byte, opt Options) ([]*jirga.Scenario, error) {
	if len(data) > MaxSize {
		return nil, &jirga.ValidationError{File: name, Msg: fmt.Sprintf("file is larger than %d MiB", MaxSize>>20)}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &jirga.ValidationError{File: name, Msg: "file is empty; it must hold a scenario"}
	}
	fname := opt.Format
	if fname == "" {
		fname = Detect(name, data)
	}
	f, ok := lookup(fname)
	if !ok {
		return nil, jirga.Errorf(jirga.EINVALID, "unknown input format %q; use one of %s", fname, Names())
	}
	if !f.latin1 && !utf8.Valid(data) {
		// Readers would replace the bad bytes with U+FFFD and lose them.
		off := 0
		for off < len(data) {
			r, size := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			off += size
		}
		line := bytes.Count(data[:off], []byte("\n")) + 1
		return nil, &jirga.ValidationError{File: name, Line: line, Msg: fmt.Sprintf("the file is not UTF-8 text (byte 0x%02x); save it as UTF-8", data[off])}
	}
	opt.name = name
	if opt.SalienceScale != 0 && fname == Decide {
		return nil, jirga.Errorf(jirga.EINVALID, "%s: Decide files write saliences on 0–1 and are read as such; --salience-scale does not apply", name)
	}
	docs, err := f.decode(data, opt)
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	// Problems the decoder found at a path are not reported again by the
	// validator (a malformed number is not also "missing").
	decoderPaths := map[string]bool{}
	for _, ve := range jirga.ValidationErrors(err) {
		if ve.Path != "" {
			decoderPaths[ve.Path] = true
		}
	}
	var out []*jirga.Scenario
	for _, d := range docs {
		if !d.normalized {
			normalize(d.s)
		}
		if d.s != nil {
			if err := d.s.RescaleSaliences(opt.SalienceScale); err != nil {
				errs = append(errs, err)
			}
		}
		// With one document, the decoder's errors belong to it: name their
		// actor and issue, and find their line. (A decoder that reads
		// several documents sets these itself.)
		var unlocated []*jirga.ValidationError
		if len(docs) == 1 && d.s != nil {
			for _, ve := range jirga.ValidationErrors(err) {
				locate(ve, d.s)
				if ve.Line == 0 {
					unlocated = append(unlocated, ve)
				}
			}
		}
		warns, verr := d.s.Check()
		if opt.Warn == nil {
			warns = nil
		}
		for _, w := range warns {
			w.File = name
			if w.Line == 0 {
				unlocated = append(unlocated, w)
			}
		}
		for _, ve := range jirga.ValidationErrors(verr) {
			if covered(decoderPaths, ve.Path) && len(docs) == 1 {
				continue
			}
			if ve.Line == 0 {
				unlocated = append(unlocated, ve)
			}
			errs = append(errs, ve)
		}
		if len(unlocated) > 0 {
			d.findLines(unlocated)
			for _, ve := range unlocated {
				ve.Line = lineOf(d.lines, ve.Path)
			}
		}
		for _, w := range warns {
			opt.Warn(w)
		}
		out = append(out, d.s)
	}
	if len(docs) == 0 && err == nil {
		errs = append(errs, &jirga.ValidationError{Msg: "no scenario found"})
	}
	if len(errs) > 0 {
		// Report in file order: problems without a line first, then by
		// line; the decoder's and the validator's findings interleave.
		var ves []*jirga.ValidationError
		var other []error
		for _, e := range leaves(errs) {
			if ve, ok := e.(*jirga.ValidationError); ok {
				ves = append(ves, ve)
			} else {
				other = append(other, e)
			}
		}
		slices.SortStableFunc(ves, func(a, b *jirga.ValidationError) int { return cmp.Compare(a.Line, b.Line) })
		out := make([]error, 0, len(ves)+len(other))
		for _, ve := range ves {
			if ve.File == "" {
				ve.File = name
			}
			out = append(out, ve)
		}
		return nil, errors.Join(append(out, other...)...)
	}
	return out, nil
}

// leaves flattens trees of joined errors into their leaves, in order.
func leaves(errs []error) []error {
	var out []error
	for _, e := range errs {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			out = append(out, leaves(j.Unwrap())...)
		} else if e != nil {
			out = append(out, e)
		}
	}
	return out
}

// covered reports whether path, one of its ancestors or one of its
// descendants has a decoder error: a problem the validator finds there is
// then a consequence of the one already reported (a scale whose max was
// malformed is not also reported as inverted).
func covered(paths map[string]bool, path string) bool {
	if path == "" || len(paths) == 0 {
		return false
	}
	for d := range paths {
		if d == path || within(path, d) || within(d, path) {
			return true
		}
	}
	return false
}

// within reports whether path lies inside the element at parent.
func within(path, parent string) bool {
	rest, ok := strings.CutPrefix(path, parent)
	return ok && rest != "" && (rest[0] == '.' || rest[0] == '[')
}

// locate fills in the actor and issue of a decoder error from its path and
// the decoded scenario, so that every message names them, and adds the
// allowed range to a message about a malformed number.
func locate(ve *jirga.ValidationError, s *jirga.Scenario) {
	var i int
	if n, err := fmt.Sscanf(ve.Path, "actors[%d]", &i); err == nil && n == 1 {
		rest := ve.Path[strings.Index(ve.Path, "]")+1:]
		if i >= 0 && i < len(s.Actors) && s.Actors[i] != nil && ve.Actor == "" {
			ve.Actor = s.Actors[i].ID
		}
		if ve.Issue == "" {
			if key, ok := strings.CutPrefix(rest, ".stances."); ok {
				ve.Issue = issuePrefix(s, key)
			}
		}
	} else if n, err := fmt.Sscanf(ve.Path, "issues[%d]", &i); err == nil && n == 1 {
		if i >= 0 && i < len(s.Issues) && s.Issues[i] != nil && ve.Issue == "" {
			ve.Issue = s.Issues[i].ID
		}
	}
	if errors.Is(ve, errBadNumber) {
		if r := allowedRange(s, ve.Field, ve.Issue); r != "" && strings.HasSuffix(ve.Path, ve.Field) {
			ve.Msg += "; the allowed range is " + r
		}
	}
}

// allowedRange returns the range of values field may take, or "".
func allowedRange(s *jirga.Scenario, field, issue string) string {
	if r, ok := jirga.FieldRange(field, s.Issue(issue)); ok {
		return r.String()
	}
	return ""
}

// issuePrefix returns the longest issue id that key is or begins with
// (issue ids may contain dots), or key up to its first dot.
func issuePrefix(s *jirga.Scenario, key string) string {
	best := ""
	for _, is := range s.Issues {
		if is != nil && (key == is.ID || strings.HasPrefix(key, is.ID+".")) && len(is.ID) > len(best) {
			best = is.ID
		}
	}
	if best == "" {
		best, _, _ = strings.Cut(key, ".")
	}
	return best
}

// normalize makes an empty list or mapping the same as none (nil) anywhere
// in v, so that a scenario reads the same after a round trip that drops
// empty fields.
func normalize(v any) {
	normalizeValue(reflect.ValueOf(v))
}

func normalizeValue(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			normalizeValue(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				normalizeValue(v.Field(i))
			}
		}
	case reflect.Slice:
		if v.Len() == 0 {
			if !v.IsNil() && v.CanSet() {
				v.SetZero()
			}
			return
		}
		for i := range v.Len() {
			normalizeValue(v.Index(i))
		}
	case reflect.Map:
		if v.Len() == 0 {
			if !v.IsNil() && v.CanSet() {
				v.SetZero()
			}
			return
		}
		for _, k := range v.MapKeys() {
			e := v.MapIndex(k)
			if e.Kind() == reflect.Pointer && !e.IsNil() {
				normalizeValue(e.Elem())
			}
		}
	}
}

// lineOf returns the line of path or of its nearest ancestor that has one.
func lineOf(lines map[string]int, path string) int {
	for path != "" {
		if l, ok := lines[path]; ok {
			return l
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return lines[""]
}

// Write writes scenarios as jirga YAML (documents separated by ---) or JSON
// (an object, or an array when there is more than one).
func Write(w io.Writer, ss []*jirga.Scenario, to string) error {
	switch to {
	case YAML, "yml":
		return writeYAML(w, ss)
	case JSON:
		return writeJSON(w, ss)
	}
	return jirga.Errorf(jirga.EINVALID, "unknown output format %q; use yaml or json", to)
}

func hasExt(name string, exts ...string) bool {
	return slices.Contains(exts, strings.ToLower(filepath.Ext(name)))
}
