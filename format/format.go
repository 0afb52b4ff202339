package format

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

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
}

// Info describes a format.
type Info struct {
	Name        string
	Description string
	// Detect reports whether data looks like this format.
	detect func(name string, data []byte) bool
	decode func(data []byte, opt Options) ([]decoded, error)
}

// decoded is one scenario with the line of each path that has one.
type decoded struct {
	s     *jirga.Scenario
	lines map[string]int
}

// Formats lists the readable formats in detection order.
func Formats() []Info { return slices.Clone(formats) }

var formats = []Info{
	{Name: JSON, Description: "jirga JSON (one scenario, or an array of them)", detect: isJSON, decode: decodeJSON},
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
		return nil, jirga.Errorf(jirga.EINVALID, "%v", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, jirga.Errorf(jirga.EINVALID, "%s: %v", path, err)
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
	docs, err := f.decode(data, opt)
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	var out []*jirga.Scenario
	for _, d := range docs {
		verr := d.s.Validate()
		for _, ve := range jirga.ValidationErrors(verr) {
			if ve.Line == 0 {
				ve.Line = lineOf(d.lines, ve.Path)
			}
			errs = append(errs, ve)
		}
		out = append(out, d.s)
	}
	if len(docs) == 0 && err == nil {
		errs = append(errs, &jirga.ValidationError{Msg: "no scenario found"})
	}
	if len(errs) > 0 {
		for _, ve := range jirga.ValidationErrors(errors.Join(errs...)) {
			if ve.File == "" {
				ve.File = name
			}
		}
		return nil, errors.Join(dedupe(errs)...)
	}
	return out, nil
}

// dedupe drops validation errors that repeat a problem already reported at
// the same path (a malformed value is reported once by the decoder, not
// again as missing by the validator).
func dedupe(errs []error) []error {
	seen := map[string]bool{}
	var out []error
	for _, e := range errs {
		for _, ve := range jirga.ValidationErrors(e) {
			if ve.Path != "" && seen[ve.Path] {
				continue
			}
			if ve.Path != "" {
				seen[ve.Path] = true
			}
			out = append(out, ve)
		}
		if len(jirga.ValidationErrors(e)) == 0 {
			out = append(out, e)
		}
	}
	return out
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
