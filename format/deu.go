package format

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/council"
)

// DEU (Decision-making in the European Union; Thomson et al. 2006, 2012;
// Arregui & Perarnaud 2022) as a tab-separated file with a header line whose
// cells may be quoted: metadata columns prnr (proposal), isnr (issue),
// prname, type, council, proc (COD/CNS), counvte (QMV, Unan, QMV(10)),
// proccde, issues (issues in the proposal), a p<actor> (position) and
// s<actor> (salience) column per actor, rp (reference point) and out (the
// decision outcome). Every row becomes a one-issue scenario:
//
//   - scenario id and issue id: the isnr cell (e.g. d00032i1, which is the
//     proposal id plus the issue number); when it is blank, prnr + "i" +
//     isnrnmc;
//   - the issue's status quo is rp, its Outcome is out (each nil when blank);
//     the scale is the DEU 0–100;
//   - only actors with a position are actors of the scenario. A blank
//     salience beside a position counts as 0 (validation.md §2.2 counts 47
//     such cells) and the stance notes it;
//   - Attributes of the scenario and of its issue: proposal, name, year
//     (from the proposal id), wave (DEU I 1995–2000, DEU II 2003–2008, DEU
//     III 2012–2018), procedure, rule, type, council, proccde, issues, era
//     (the Council voting regime, see below), and rownum/issue_no (the
//     running numbers);
//   - capabilities are 1 unless Options.Capability is "council".
//
// Capability "council" uses the Council's voting weights by era, judged
// from the proposal year because the date columns of the public copy are
// unreliable (validation.md §2.5): Amsterdam weights for proposals up to
// 2002 (DEU I), Nice weights for 2003–2011 (DEU II), and for 2012 on (DEU
// III) a double-majority proxy, the Shapley–Shubik index of the Lisbon rule
// with 2014 populations scaled to sum to 100 (package council). The DEU III
// proposals of 2012–2013 in the development file were adopted in 2016–2017,
// under the double majority, so the proxy applies to the whole wave. The
// Commission (com) and the Parliament (ep) have no Council vote; by
// convention each gets the mean weight of a member state of the era, so
// each counts like an average member state (a judgement; the note on the
// actor says so).

// deuMeta are the metadata columns copied into Attributes, with their
// attribute names.
var deuMeta = []struct{ col, attr string }{
	{"prnr", "proposal"},
	{"prname", "name"},
	{"proc", "procedure"},
	{"counvte", "rule"},
	{"type", "type"},
	{"council", "council"},
	{"proccde", "proccde"},
	{"issues", "issues"},
	{"prnrnmc", "rownum"},
	{"isnrnmc", "issue_no"},
}

// deuActorNames are the full names of the DEU actor codes.
var deuActorNames = map[string]string{
	"com": "European Commission", "ep": "European Parliament",
	"at": "Austria", "be": "Belgium", "bu": "Bulgaria", "cr": "Croatia",
	"cy": "Cyprus", "cz": "Czech Republic", "dk": "Denmark", "ee": "Estonia",
	"fi": "Finland", "fr": "France", "de": "Germany", "el": "Greece",
	"hu": "Hungary", "ie": "Ireland", "it": "Italy", "lv": "Latvia",
	"lt": "Lithuania", "lu": "Luxembourg", "mt": "Malta", "nl": "Netherlands",
	"pl": "Poland", "pt": "Portugal", "ro": "Romania", "si": "Slovenia",
	"sk": "Slovakia", "es": "Spain", "se": "Sweden", "uk": "United Kingdom",
}

// deuCell unquotes a cell and replaces invalid UTF-8 (which jirga YAML and
// JSON could not carry) with U+FFFD.
func deuCell(s string) string {
	s = strings.TrimSpace(strings.ToValidUTF8(s, "\uFFFD"))
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = strings.ReplaceAll(s[1:len(s)-1], `""`, `"`)
	}
	return strings.TrimSpace(s)
}

func deuHeader(line string) []string {
	f := strings.Split(strings.TrimRight(line, "\r"), "\t")
	for i := range f {
		f[i] = strings.ToLower(deuCell(f[i]))
	}
	return f
}

func isDEU(_ string, data []byte) bool {
	line, _, _ := bytes.Cut(bytes.TrimPrefix(data, []byte("\ufeff")), []byte("\n"))
	if !bytes.Contains(line, []byte("\t")) {
		return false
	}
	has := map[string]bool{}
	for _, h := range deuHeader(string(line)) {
		has[h] = true
	}
	return has["prnr"] && has["isnr"] && has["out"]
}

// DEUYear returns the four-digit year of a DEU proposal id such as d00032
// or n99123 (letter, two-digit year, number): 95–99 are 1995–1999, the rest
// 2000 on. It returns 0 when the id has no such year.
func DEUYear(prnr string) int {
	if len(prnr) < 3 {
		return 0
	}
	yy, err := strconv.Atoi(prnr[1:3])
	if err != nil || yy < 0 {
		return 0
	}
	if yy >= 50 {
		return 1900 + yy
	}
	return 2000 + yy
}

// DEUWave returns the DEU wave of a proposal year: "DEU I" (1995–2000),
// "DEU II" (2003–2008), "DEU III" (2012–2018), or "".
func DEUWave(year int) string {
	switch {
	case year >= 1995 && year <= 2000:
		return "DEU I"
	case year >= 2003 && year <= 2008:
		return "DEU II"
	case year >= 2012 && year <= 2018:
		return "DEU III"
	}
	return ""
}

// DEUEra returns the Council voting era judged from a proposal year (see
// the capability convention above), or "" for year 0.
func DEUEra(year int) council.Era {
	switch {
	case year == 0:
		return ""
	case year <= 2002:
		return council.Amsterdam
	case year <= 2011:
		return council.Nice
	}
	return council.DoubleMajority
}

func decodeDEU(data []byte, opt Options) ([]decoded, error) {
	switch opt.Capability {
	case "", "equal", "council":
	default:
		return nil, &jirga.ValidationError{Field: "capability", Msg: fmt.Sprintf("capability %q is not one of equal, council", opt.Capability)}
	}
	text := string(bytes.TrimPrefix(data, []byte("\ufeff")))
	lines := strings.Split(text, "\n")
	header := deuHeader(lines[0])
	col := map[string]int{}
	for i, h := range header {
		if _, dup := col[h]; dup && h != "" {
			return nil, &jirga.ValidationError{Line: 1, Msg: fmt.Sprintf("column %q appears twice in the header", h)}
		}
		col[h] = i
	}
	for _, need := range []string{"prnr", "isnr", "rp", "out"} {
		if _, ok := col[need]; !ok {
			return nil, &jirga.ValidationError{Line: 1, Msg: fmt.Sprintf("header has no %q column; a DEU file needs prnr, isnr, rp, out and p<actor>/s<actor> pairs", need)}
		}
	}
	// Actors: every p<code> column with a matching s<code> column, in
	// header order.
	type actorCol struct {
		code     string
		pos, sal int
	}
	var acts []actorCol
	for i, h := range header {
		code, ok := strings.CutPrefix(h, "p")
		if !ok || code == "" {
			continue
		}
		if j, ok := col["s"+code]; ok {
			acts = append(acts, actorCol{code, i, j})
		}
	}
	if len(acts) == 0 {
		return nil, &jirga.ValidationError{Line: 1, Msg: "header has no actor columns (p<actor> with s<actor>, e.g. pcom and scom)"}
	}
	var out []decoded
	var errs []error
	ids := map[string]int{}
	for ln := 1; ln < len(lines); ln++ {
		row := strings.TrimRight(lines[ln], "\r")
		if strings.TrimSpace(row) == "" {
			continue
		}
		lineNo := ln + 1
		f := strings.Split(row, "\t")
		if len(f) != len(header) {
			errs = append(errs, &jirga.ValidationError{Line: lineNo, Msg: fmt.Sprintf("row has %d tab-separated fields; the header has %d", len(f), len(header))})
			continue
		}
		for i := range f {
			f[i] = deuCell(f[i])
		}
		get := func(c string) string {
			if i, ok := col[c]; ok {
				return f[i]
			}
			return ""
		}
		prnr := get("prnr")
		id := get("isnr")
		if id == "" {
			id = prnr + "i" + get("isnrnmc")
		}
		id = idFrom(id)
		if id == "" {
			id = fmt.Sprintf("row%d", lineNo)
		}
		if n := ids[id]; n > 0 {
			ids[id]++
			id = fmt.Sprintf("%s-%d", id, n+1)
		} else {
			ids[id] = 1
		}
		attrs := map[string]string{}
		for _, m := range deuMeta {
			if v := get(m.col); v != "" {
				attrs[m.attr] = v
			}
		}
		year := DEUYear(prnr)
		era := DEUEra(year)
		if year > 0 {
			attrs["year"] = strconv.Itoa(year)
			if w := DEUWave(year); w != "" {
				attrs["wave"] = w
			}
			attrs["era"] = string(era)
		}
		is := &jirga.Issue{ID: id, Name: get("prname"), Attributes: cloneAttrs(attrs)}
		s := &jirga.Scenario{ID: id, Title: get("prname"), Issues: []*jirga.Issue{is}, Attributes: cloneAttrs(attrs)}
		if s.Title != "" {
			s.Title = fmt.Sprintf("%s (%s)", s.Title, id)
		}
		d := decoded{s: s, lines: map[string]int{"": lineNo, "issues[0]": lineNo}}
		num := func(c, path, field string) *float64 {
			v := get(c)
			if v == "" {
				return nil
			}
			x, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
			if err != nil {
				errs = append(errs, &jirga.ValidationError{Line: lineNo, Path: path, Issue: id, Field: field, Msg: fmt.Sprintf("column %s: %q is not a number", c, v)})
				return nil
			}
			return &x
		}
		if x := num("rp", "issues[0].status_quo", "status_quo"); x != nil {
			is.StatusQuo = jirga.Val(*x)
		}
		is.Outcome = num("out", "issues[0].outcome", "outcome")
		useCouncil := opt.Capability == "council"
		if useCouncil && era == "" {
			errs = append(errs, &jirga.ValidationError{Line: lineNo, Issue: id, Field: "capability", Msg: fmt.Sprintf("capability council needs the proposal year, but prnr %q has none (want a letter and a two-digit year, e.g. d00032)", prnr)})
			useCouncil = false
		}
		for _, a := range acts {
			p := fmt.Sprintf("actors[%d]", len(s.Actors))
			pos := num("p"+a.code, p+".stances."+id+".position", "position")
			if pos == nil {
				continue
			}
			st := &jirga.Stance{Position: jirga.Val(*pos)}
			if sal := num("s"+a.code, p+".stances."+id+".salience", "salience"); sal != nil {
				st.Salience = jirga.Val(*sal)
			} else {
				st.Salience = jirga.Val(0)
				st.Notes = "salience blank in the DEU file; counted as 0"
			}
			act := &jirga.Actor{ID: a.code, Name: deuActorNames[a.code], Capability: jirga.Val(1),
				Stances: map[string]*jirga.Stance{id: st}}
			if useCouncil {
				switch w, ok := council.Weight(era, a.code); {
				case a.code == "com" || a.code == "ep":
					act.Capability = &jirga.Estimate{Value: council.MeanWeight(era), Judgement: true,
						Note: fmt.Sprintf("no Council vote; convention: the mean member-state weight of the %s era", era)}
				case ok:
					act.Capability = &jirga.Estimate{Value: w, Note: fmt.Sprintf("Council weight, %s era", era)}
				default:
					errs = append(errs, &jirga.ValidationError{Line: lineNo, Actor: a.code, Issue: id, Field: "capability",
						Msg: fmt.Sprintf("actor %q has no Council voting weight in the %s era (proposal year %d)", a.code, era, year)})
				}
			}
			s.Actors = append(s.Actors, act)
		}
		out = append(out, d)
	}
	if len(out) == 0 && len(errs) == 0 {
		errs = append(errs, &jirga.ValidationError{Line: 1, Msg: "DEU file has a header but no rows"})
	}
	return out, errors.Join(errs...)
}

// cloneAttrs copies m; an empty map becomes nil, as a round trip through
// jirga YAML or JSON makes it.
func cloneAttrs(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}
