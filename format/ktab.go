package format

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/jirga/jirga"
)

// KTAB's Spatial Model of Politics inputs (KAPSARC Toolkit for Behavioral
// Analysis, MIT licence).
//
// KTAB CSV: line 1 is "scenarioName, description, nActors, nDims", line 2 a
// header "Actor,Description,Influence,Pos1,Sal1,...", then one row per actor
// with its capability and a position and salience (both 0–100) per
// dimension; KTAB's files end rows with a trailing comma.
//
// KTAB XML (KTAB's doc/smpSchema.xsd): Scenario{name, desc, prngSeed,
// ModelParameters{the nine parameters}, Dimensions{dName*},
// Actors{Actor{name, description, capability, Position{dCoord*},
// Salience{dSal*}}}, IdealAdjustment{iaPair{adjustingIdeal, referencePos,
// adjust}}}.
//
// Both give one scenario on issues with the default 0–100 scale. The model
// parameters, seed and ideal adjustment are kept in Scenario.Attributes under
// the keys package smp reads: "ktab.<Parameter>" (e.g. "ktab.VotingRule" =
// "Prop"), "ktab.seed" (decimal) and "ktab.IdealAdjustment"
// ("adjusting>reference=weight;..." with actor ids).

// ktabSalienceMax is KTAB's bound on the sum of an actor's saliences.
const ktabSalienceMax = 100

func isKTABCSV(_ string, data []byte) bool {
	data = bytes.TrimLeft(data, "\ufeff \t\r\n")
	first, rest, _ := bytes.Cut(data, []byte("\n"))
	second, _, _ := bytes.Cut(rest, []byte("\n"))
	f := strings.Split(string(first), ",")
	if len(f) < 4 {
		return false
	}
	if _, err := strconv.Atoi(strings.TrimSpace(f[2])); err != nil {
		return false
	}
	if _, err := strconv.Atoi(strings.TrimSpace(f[3])); err != nil {
		return false
	}
	h := strings.ToLower(strings.TrimSpace(string(second)))
	return strings.HasPrefix(h, "actor")
}

func decodeKTABCSV(data []byte, _ Options) ([]decoded, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	r.LazyQuotes = true
	first, err := r.Read()
	if err != nil {
		return nil, csvError(err)
	}
	if len(first) < 4 {
		return nil, &jirga.ValidationError{Line: 1, Msg: "line 1 must be: scenarioName, description, nActors, nDims"}
	}
	nActors, err1 := strconv.Atoi(strings.TrimSpace(first[2]))
	nDims, err2 := strconv.Atoi(strings.TrimSpace(first[3]))
	if err1 != nil || err2 != nil || nActors < 0 || nDims < 1 || nDims > 1000 {
		return nil, &jirga.ValidationError{Line: 1, Msg: fmt.Sprintf("line 1: nActors %q and nDims %q must be whole numbers, nDims ≥ 1", first[2], first[3])}
	}
	header, err := r.Read()
	if err != nil {
		return nil, csvError(err)
	}
	header = trimTrailingEmpty(header)
	if len(header) < 3+2*nDims {
		return nil, &jirga.ValidationError{Line: 2, Msg: fmt.Sprintf("header has %d columns; want Actor,Description,Influence and a position and salience column for each of the %d dimensions", len(header), nDims)}
	}
	name := ktabText(first[0])
	s := &jirga.Scenario{ID: idFrom(name), Title: name, Description: ktabText(first[1])}
	if s.ID == "" {
		s.ID = "scenario"
	}
	lines := map[string]int{"": 1}
	seen := map[string]bool{}
	for k := 0; k < nDims; k++ {
		dn := ktabText(header[3+2*k])
		id := uniqueID(idFrom(dn), fmt.Sprintf("dim%d", k+1), seen)
		s.Issues = append(s.Issues, &jirga.Issue{ID: id, Name: dn})
		lines[fmt.Sprintf("issues[%d]", k)] = 2
	}
	var errs []error
	actorIDs := map[string]bool{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs = append(errs, csvError(err))
			break
		}
		line, _ := r.FieldPos(0)
		rec = trimTrailingEmpty(rec)
		if len(rec) == 0 || len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		i := len(s.Actors)
		p := fmt.Sprintf("actors[%d]", i)
		lines[p] = line
		lines[p+".capability"] = line
		if len(rec) < 3+2*nDims {
			errs = append(errs, &jirga.ValidationError{Line: line, Path: p, Msg: fmt.Sprintf("row has %d fields; want %d (actor, description, influence and a position and salience per dimension)", len(rec), 3+2*nDims)})
			continue
		}
		aname := ktabText(rec[0])
		a := &jirga.Actor{ID: uniqueID(idFrom(aname), fmt.Sprintf("actor%d", i+1), actorIDs), Name: aname,
			Description: ktabText(rec[1]), Stances: map[string]*jirga.Stance{}}
		if x, ok := ktabNumber(&errs, rec[2], line, p+".capability", a.ID, "", "influence"); ok {
			a.Capability = jirga.Val(x)
		}
		salSum := 0.0
		for k, is := range s.Issues {
			sp := p + ".stances." + is.ID
			lines[sp], lines[sp+".position"], lines[sp+".salience"] = line, line, line
			st := &jirga.Stance{}
			if x, ok := ktabNumber(&errs, rec[3+2*k], line, sp+".position", a.ID, is.ID, "position"); ok {
				st.Position = jirga.Val(x)
			}
			if x, ok := ktabNumber(&errs, rec[4+2*k], line, sp+".salience", a.ID, is.ID, "salience"); ok {
				st.Salience = jirga.Val(x)
				salSum += x
			}
			a.Stances[is.ID] = st
		}
		if salSum > ktabSalienceMax+1e-6 {
			errs = append(errs, &jirga.ValidationError{Line: line, Path: p, Actor: a.ID, Field: "salience",
				Msg: fmt.Sprintf("saliences sum to %g; KTAB requires the sum over dimensions to be at most %d", salSum, ktabSalienceMax)})
		}
		s.Actors = append(s.Actors, a)
	}
	if len(s.Actors) != nActors && len(errs) == 0 {
		errs = append(errs, &jirga.ValidationError{Line: 1, Msg: fmt.Sprintf("line 1 declares %d actors but the file has %d actor rows", nActors, len(s.Actors))})
	}
	return []decoded{{s: s, lines: lines}}, errors.Join(errs...)
}

// ktabNumber parses a finite number, recording an error otherwise.
func ktabNumber(errs *[]error, cell string, line int, path, actor, issue, field string) (float64, bool) {
	c := strings.TrimSpace(cell)
	x, err := strconv.ParseFloat(c, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		*errs = append(*errs, &jirga.ValidationError{Line: line, Path: path, Actor: actor, Issue: issue, Field: field, Msg: fmt.Sprintf("%s %q is not a number", field, c)})
		return 0, false
	}
	return x, true
}

// ktabText trims a text field and replaces invalid UTF-8, which jirga's
// YAML and JSON could not carry unchanged.
func ktabText(s string) string {
	return strings.TrimSpace(strings.ToValidUTF8(s, "\uFFFD"))
}

func trimTrailingEmpty(rec []string) []string {
	for len(rec) > 0 && strings.TrimSpace(rec[len(rec)-1]) == "" {
		rec = rec[:len(rec)-1]
	}
	return rec
}

// uniqueID returns id (or fallback when empty) made unique among seen.
func uniqueID(id, fallback string, seen map[string]bool) string {
	if id == "" {
		id = fallback
	}
	base := id
	for n := 2; seen[id]; n++ {
		id = fmt.Sprintf("%s-%d", base, n)
	}
	seen[id] = true
	return id
}

func isKTABXML(_ string, data []byte) bool {
	head := data
	if len(head) > 4096 {
		head = head[:4096]
	}
	return bytes.Contains(head, []byte("<Scenario")) &&
		(bytes.Contains(data, []byte("<Actors")) || bytes.Contains(data, []byte("<ModelParameters")))
}

type ktabXMLScenario struct {
	XMLName xml.Name `xml:"Scenario"`
	Name    string   `xml:"name"`
	Desc    string   `xml:"desc"`
	Seed    string   `xml:"prngSeed"`
	Params  struct {
		Items []struct {
			XMLName xml.Name
			Value   string `xml:",chardata"`
		} `xml:",any"`
	} `xml:"ModelParameters"`
	Dims   []string `xml:"Dimensions>dName"`
	Actors []struct {
		Name        string   `xml:"name"`
		Description string   `xml:"description"`
		Capability  string   `xml:"capability"`
		Pos         []string `xml:"Position>dCoord"`
		Sal         []string `xml:"Salience>dSal"`
	} `xml:"Actors>Actor"`
	Pairs []struct {
		Adjusting string `xml:"adjustingIdeal"`
		Reference string `xml:"referencePos"`
		Adjust    string `xml:"adjust"`
	} `xml:"IdealAdjustment>iaPair"`
}

// ktabParams are the nine KTAB model parameters, in KTAB's order.
var ktabParams = []string{"VictoryProbModel", "PCEModel", "StateTransitions", "VotingRule",
	"BigRAdjust", "BigRRange", "ThirdPartyCommit", "InterVecBrgn", "BargnModel"}

func decodeKTABXML(data []byte, _ Options) ([]decoded, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	var x ktabXMLScenario
	if err := xml.Unmarshal(data, &x); err != nil {
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			return nil, &jirga.ValidationError{Line: se.Line, Msg: "malformed KTAB XML: " + se.Msg}
		}
		return nil, &jirga.ValidationError{Msg: "malformed KTAB XML: " + err.Error()}
	}
	al := ktabXMLLines(data)
	lineOfActor := func(i int) int {
		if i < len(al.actors) {
			return al.actors[i]
		}
		return 0
	}
	name := ktabText(x.Name)
	s := &jirga.Scenario{ID: idFrom(name), Title: name, Description: ktabText(x.Desc), Attributes: map[string]string{}}
	if s.ID == "" {
		s.ID = "scenario"
	}
	lines := map[string]int{"": 1}
	var errs []error
	if v := strings.TrimSpace(x.Seed); v != "" {
		seed, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			errs = append(errs, &jirga.ValidationError{Line: al.seed, Field: "prngSeed", Msg: fmt.Sprintf("prngSeed %q is not an unsigned 64-bit integer", v)})
		} else {
			s.Attributes["ktab.seed"] = strconv.FormatUint(seed, 10)
		}
	}
	for _, it := range x.Params.Items {
		p := it.XMLName.Local
		known := false
		for _, k := range ktabParams {
			if k == p {
				known = true
			}
		}
		if !known {
			errs = append(errs, &jirga.ValidationError{Line: al.params, Field: p, Msg: fmt.Sprintf("unknown model parameter %s; known: %s", p, strings.Join(ktabParams, ", "))})
			continue
		}
		s.Attributes["ktab."+p] = strings.TrimSpace(it.Value)
	}
	seen := map[string]bool{}
	for k, dn := range x.Dims {
		dn = ktabText(dn)
		s.Issues = append(s.Issues, &jirga.Issue{ID: uniqueID(idFrom(dn), fmt.Sprintf("dim%d", k+1), seen), Name: dn})
		lines[fmt.Sprintf("issues[%d]", k)] = al.dims
	}
	actorIDs := map[string]bool{}
	byName := map[string]string{}
	for i, xa := range x.Actors {
		line := lineOfActor(i)
		p := fmt.Sprintf("actors[%d]", i)
		lines[p], lines[p+".capability"] = line, line
		aname := ktabText(xa.Name)
		a := &jirga.Actor{ID: uniqueID(idFrom(aname), fmt.Sprintf("actor%d", i+1), actorIDs), Name: aname,
			Description: ktabText(xa.Description), Stances: map[string]*jirga.Stance{}}
		byName[aname] = a.ID
		if v, ok := ktabNumber(&errs, xa.Capability, line, p+".capability", a.ID, "", "capability"); ok {
			a.Capability = jirga.Val(v)
		}
		if len(xa.Pos) != len(s.Issues) || len(xa.Sal) != len(s.Issues) {
			errs = append(errs, &jirga.ValidationError{Line: line, Path: p, Actor: a.ID,
				Msg: fmt.Sprintf("actor has %d dCoord and %d dSal values; want one of each per dimension (%d)", len(xa.Pos), len(xa.Sal), len(s.Issues))})
		}
		salSum := 0.0
		for k, is := range s.Issues {
			sp := p + ".stances." + is.ID
			lines[sp], lines[sp+".position"], lines[sp+".salience"] = line, line, line
			st := &jirga.Stance{}
			if k < len(xa.Pos) {
				if v, ok := ktabNumber(&errs, xa.Pos[k], line, sp+".position", a.ID, is.ID, "position"); ok {
					st.Position = jirga.Val(v)
				}
			}
			if k < len(xa.Sal) {
				if v, ok := ktabNumber(&errs, xa.Sal[k], line, sp+".salience", a.ID, is.ID, "salience"); ok {
					st.Salience = jirga.Val(v)
					salSum += v
				}
			}
			a.Stances[is.ID] = st
		}
		if salSum > ktabSalienceMax+1e-6 {
			errs = append(errs, &jirga.ValidationError{Line: line, Path: p, Actor: a.ID, Field: "salience",
				Msg: fmt.Sprintf("saliences sum to %g; KTAB requires the sum over dimensions to be at most %d", salSum, ktabSalienceMax)})
		}
		s.Actors = append(s.Actors, a)
	}
	var pairs []string
	for i, pr := range x.Pairs {
		line := 0
		if i < len(al.pairs) {
			line = al.pairs[i]
		}
		a, ok1 := byName[ktabText(pr.Adjusting)]
		b, ok2 := byName[ktabText(pr.Reference)]
		w, err := strconv.ParseFloat(strings.TrimSpace(pr.Adjust), 64)
		if !ok1 || !ok2 || err != nil || math.IsNaN(w) || math.IsInf(w, 0) {
			errs = append(errs, &jirga.ValidationError{Line: line, Field: "iaPair",
				Msg: fmt.Sprintf("iaPair (%q, %q, %q) must name two actors and give a number", pr.Adjusting, pr.Reference, pr.Adjust)})
			continue
		}
		pairs = append(pairs, a+">"+b+"="+strconv.FormatFloat(w, 'g', -1, 64))
	}
	if len(pairs) > 0 {
		s.Attributes["ktab.IdealAdjustment"] = strings.Join(pairs, ";")
	}
	if len(s.Attributes) == 0 {
		s.Attributes = nil
	}
	return []decoded{{s: s, lines: lines}}, errors.Join(errs...)
}

// ktabXMLLineInfo holds the lines of the elements messages point at.
type ktabXMLLineInfo struct {
	seed, params, dims int
	actors, pairs      []int
}

// ktabXMLLines walks the tokens of a well-formed document for the line of
// each Actor and iaPair element.
func ktabXMLLines(data []byte) ktabXMLLineInfo {
	var info ktabXMLLineInfo
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.Token()
		if err != nil {
			return info
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		line, _ := d.InputPos()
		switch se.Name.Local {
		case "Actor":
			info.actors = append(info.actors, line)
		case "iaPair":
			info.pairs = append(info.pairs, line)
		case "prngSeed":
			info.seed = line
		case "ModelParameters":
			info.params = line
		case "Dimensions":
			info.dims = line
		}
	}
}
