package format

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/jirga/jirga"
)

// The one-issue CSV of the expected-utility literature, as in Bueno de
// Mesquita's (1994) EC car-emission table: a header
// actor,capability,position,salience and one row per actor, salience 0–100.
// The issue's scale is [min position, max position], the range R of the
// expected-utility model; when all positions are equal it is 0–100, widened
// to include them. The scenario's id is made from the file's name
// (emission_standards.csv → emission_standards), "scenario" without one
// (scenarioID). Actor ids are made from the names (see idFrom); a name
// with no usable letter gives the id actor-N, N the row's actor number.

var csvHeader = []string{"actor", "capability", "position", "salience"}

func isCSV(_ string, data []byte) bool {
	line, _, _ := bytes.Cut(bytes.TrimLeft(data, "\ufeff \t\r\n"), []byte("\n"))
	f := strings.Split(strings.ToLower(strings.TrimSpace(string(line))), ",")
	if len(f) < len(csvHeader) {
		return false
	}
	for i, h := range csvHeader {
		if strings.TrimSpace(f[i]) != h {
			return false
		}
	}
	return true
}

func decodeCSV(data []byte, opt Options) ([]decoded, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		return nil, csvError(err)
	}
	if len(header) != len(csvHeader) {
		return nil, &jirga.ValidationError{Line: 1, Msg: fmt.Sprintf("header has %d columns; want exactly actor,capability,position,salience", len(header))}
	}
	for i, h := range csvHeader {
		if strings.ToLower(strings.TrimSpace(header[i])) != h {
			return nil, &jirga.ValidationError{Line: 1, Msg: fmt.Sprintf("header column %d is %q; want actor,capability,position,salience", i+1, header[i])}
		}
	}
	s := &jirga.Scenario{ID: scenarioID(opt.name, "", "scenario"), Issues: []*jirga.Issue{{ID: "issue"}}}
	lines := map[string]int{"": 1, "issues[0]": 1}
	var errs []error
	lo, hi := math.Inf(1), math.Inf(-1)
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// The reader cannot resynchronise after a syntax error, and the
			// rows before it would only add noise ("no actors").
			return nil, csvError(err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		i := len(s.Actors)
		p := fmt.Sprintf("actors[%d]", i)
		lines[p] = line
		lines[p+".capability"] = line
		lines[p+".stances.issue"] = line
		lines[p+".stances.issue.position"] = line
		lines[p+".stances.issue.salience"] = line
		if len(rec) != len(csvHeader) {
			errs = append(errs, &jirga.ValidationError{Line: line, Msg: fmt.Sprintf("row has %d fields; want 4 (actor,capability,position,salience)", len(rec))})
			continue
		}
		name := strings.TrimSpace(rec[0])
		if name == "" {
			errs = append(errs, &jirga.ValidationError{Line: line, Path: p + ".id", Field: "actor", Msg: "actor name is missing"})
		}
		id := idFrom(name)
		if id == "" && name != "" {
			id = fmt.Sprintf("actor-%d", i+1)
		}
		a := &jirga.Actor{ID: id, Name: name, Stances: map[string]*jirga.Stance{}}
		st := &jirga.Stance{}
		for j, field := range csvHeader[1:] {
			cell := strings.TrimSpace(rec[j+1])
			x, err := strconv.ParseFloat(cell, 64)
			if cell == "" {
				err = errMissing
			}
			if err != nil {
				fp := p + ".stances.issue." + field
				if field == "capability" {
					fp = p + ".capability"
				}
				errs = append(errs, &jirga.ValidationError{Line: line, Path: fp, Actor: a.ID, Issue: "issue", Field: field, Msg: cellProblem(field, cell)})
				if field == "capability" {
					errs[len(errs)-1].(*jirga.ValidationError).Issue = ""
				}
				continue
			}
			switch field {
			case "capability":
				a.Capability = jirga.Val(x)
			case "position":
				st.Position = jirga.Val(x)
			case "salience":
				st.Salience = jirga.Val(x)
			}
		}
		if st.Position != nil && !math.IsNaN(st.Position.Value) && !math.IsInf(st.Position.Value, 0) {
			lo = math.Min(lo, st.Position.Value)
			hi = math.Max(hi, st.Position.Value)
		}
		a.Stances["issue"] = st
		s.Actors = append(s.Actors, a)
	}
	switch {
	case lo < hi:
		s.Issues[0].Scale = &jirga.Scale{Min: lo, Max: hi}
	case lo == hi && (lo < jirga.DefaultScaleMin || hi > jirga.DefaultScaleMax):
		s.Issues[0].Scale = &jirga.Scale{Min: math.Min(lo, jirga.DefaultScaleMin), Max: math.Max(hi, jirga.DefaultScaleMax)}
	}
	return []decoded{{s: s, lines: lines}}, errors.Join(errs...)
}

var errMissing = errors.New("missing")

// cellProblem says what is wrong with a CSV cell that is not a number.
func cellProblem(field, cell string) string {
	want := "it must be a number"
	if r, ok := jirga.FieldRange(field, nil); ok {
		want = "it must be " + r.Requirement()
	}
	if cell == "" {
		return fmt.Sprintf("%s is missing; %s", field, want)
	}
	return fmt.Sprintf("%s %q is not a number; %s", field, cell, want)
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &jirga.ValidationError{Line: pe.Line, Msg: "malformed CSV: " + pe.Err.Error()}
	}
	return &jirga.ValidationError{Msg: "malformed CSV: " + err.Error()}
}

// idFrom makes an id from a name: letters and digits kept, runs of anything
// else turned into one "-".
func idFrom(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.TrimSpace(name) {
		ok := r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.')
		if ok {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	id := strings.TrimLeft(b.String(), "_.-")
	if len(id) > 64 {
		id = id[:64]
	}
	return strings.TrimRight(id, "-")
}
