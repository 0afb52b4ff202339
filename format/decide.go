package format

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jirga/jirga"
)

// Decide's tagged input format, the input of Stokman's exchange model in the
// Decide program (Stokman & Thomson 2015). The file is tab- or
// comma-separated (tab when the file has a tab, else comma); fields may be
// quoted with ' or ". Each row starts with a tag:
//
//	#A  actor: key, name, comment
//	#P  issue: key, name, comment
//	#M  scale anchor: issue, position, description
//	#D  data: actor, issue, position, salience (0–1), power
//	#O  header line (the first becomes the title, later ones the description)
//	#0, #/  comment (kept in the scenario's notes)
//
// Mapping to jirga:
//   - the scenario's id is made from the file's name (cop21-paris.tsv →
//     cop21-paris), else from the title (#O), else "decide" (scenarioID).
//   - ids are the keys with runs of characters other than letters, digits, _
//     and . replaced by "-" ("EU (incl Norway)" → "EU-incl-Norway"); the name
//     defaults to the key.
//   - #M anchors set the issue scale to [lowest, highest anchor] (default
//     0–100, also when there are fewer than two distinct anchors); anchors
//     with a description become labelled anchors.
//   - salience is multiplied by 100 (jirga's 0–100 scale) and rounded to 12
//     significant digits (tidy: 0.55 gives 55, not 55.00000000000001).
//   - power is per actor and issue in Decide, capability per actor in jirga.
//     When an actor's power is the same on all its issues it becomes the
//     actor's capability; otherwise the capability is the mean of its powers
//     (rounded by tidy)
//     and every stance keeps its own power in Stance.Power, which the
//     exchange model uses and the other models ignore. Either way the file
//     converts losslessly.
//   - a file that is not valid UTF-8 is read as Latin-1 (ISO 8859-1): each
//     byte becomes the code point of the same value, except that the bytes
//     0x80–0x9F, control characters in Latin-1, are read as the printable
//     characters Windows-1252 puts there (’ “ ” € …), which is what such
//     bytes are in files saved by Windows programs. Some Decide files carry
//     non-UTF-8 bytes in anchor descriptions.
//   - control characters (other than tab) are removed from text fields, so
//     that every imported scenario can be written as YAML.
//
// Rows may come in any order; #M and #D rows may refer to issues and actors
// declared later.

var decideTags = []string{"#A", "#P", "#M", "#D", "#O", "#0", "#/"}

func isDecide(_ string, data []byte) bool {
	tagged := false
	sep := decideSep(data)
	for n, line := range bytes.Split(data, []byte("\n")) {
		if n > 50 {
			break
		}
		line = bytes.TrimLeft(bytes.TrimRight(line, " \r"), "\ufeff ")
		if len(line) == 0 {
			continue
		}
		f := splitDecide(string(line), sep)
		if !slices.Contains(decideTags, f[0]) || len(f) < 2 {
			return false
		}
		if f[0] == "#A" || f[0] == "#P" || f[0] == "#D" {
			tagged = true
			break
		}
	}
	return tagged
}

// decideSep returns the field separator of a Decide file.
func decideSep(data []byte) byte {
	if bytes.IndexByte(data, '\t') >= 0 {
		return '\t'
	}
	return ','
}

// splitDecide splits a line at sep, trimming spaces and one pair of
// surrounding quotes (' or ") from each field; a quoted field may contain
// sep.
func splitDecide(line string, sep byte) []string {
	var out []string
	for {
		rest := strings.TrimLeft(line, " ")
		if rest != "" && (rest[0] == '\'' || rest[0] == '"') {
			q := rest[0]
			// The closing quote is the first q followed by optional spaces
			// and then sep or the end of the line.
			for i := 1; i < len(rest); i++ {
				if rest[i] != q {
					continue
				}
				after := strings.TrimLeft(rest[i+1:], " ")
				if after == "" || after[0] == sep {
					out = append(out, rest[1:i])
					if after == "" {
						return out
					}
					line = after[1:]
					goto next
				}
			}
		}
		{
			i := strings.IndexByte(line, sep)
			if i < 0 {
				return append(out, strings.TrimSpace(line))
			}
			out = append(out, strings.TrimSpace(line[:i]))
			line = line[i+1:]
		}
	next:
	}
}

// cp1252 maps the bytes 0x80–0x9F to the characters Windows-1252 puts there;
// 0 marks the five unassigned bytes, which stay Latin-1 control characters
// (and are then removed by cleanText).
var cp1252 = [32]rune{
	'€', 0, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0, 'Ž', 0,
	0, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0, 'ž', 'Ÿ',
}

// latin1 converts Latin-1 bytes to UTF-8, reading 0x80–0x9F as Windows-1252.
func latin1(data []byte) []byte {
	var b strings.Builder
	b.Grow(len(data) + len(data)/8)
	for _, c := range data {
		r := rune(c)
		if c >= 0x80 && c <= 0x9F && cp1252[c-0x80] != 0 {
			r = cp1252[c-0x80]
		}
		b.WriteRune(r)
	}
	return []byte(b.String())
}

// cleanText removes the characters YAML cannot hold (control characters
// other than tab, U+FEFF, U+FFFE, U+FFFF) and trims spaces.
func cleanText(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return r
		case r < 0x20, r >= 0x7F && r <= 0x9F, r == 0xFEFF, r == 0xFFFE, r == 0xFFFF:
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

type decideRow struct {
	line int
	f    []string
}

func decodeDecide(data []byte, opt Options) ([]decoded, error) {
	if !utf8.Valid(data) {
		data = latin1(data)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	sep := decideSep(data)
	// Decide writes saliences on 0–1; they are rescaled below, once.
	s := &jirga.Scenario{ID: "decide", SalienceScale: jirga.SalienceMax}
	lines := map[string]int{"": 1}
	var errs []error
	fail := func(line int, path, actor, issue, field, format string, args ...any) {
		errs = append(errs, &jirga.ValidationError{Line: line, Path: path, Actor: actor, Issue: issue, Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	var anchors, rows []decideRow
	var notes, header []string
	actorIdx := map[string]int{} // Decide key → index
	issueIdx := map[string]int{}
	actorIDs, issueIDs := map[string]bool{}, map[string]bool{}
	uniq := func(key string, used map[string]bool) string {
		id := idFrom(key)
		if id == "" {
			id = "x"
		}
		base := id
		for n := 2; used[id]; n++ {
			id = fmt.Sprintf("%s-%d", base, n)
		}
		used[id] = true
		return id
	}
	for n, raw := range strings.Split(string(data), "\n") {
		line := n + 1
		text := strings.TrimRight(raw, "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		f := splitDecide(text, sep)
		for i := range f {
			f[i] = cleanText(f[i])
		}
		for len(f) > 1 && f[len(f)-1] == "" {
			f = f[:len(f)-1]
		}
		get := func(i int) string {
			if i < len(f) {
				return f[i]
			}
			return ""
		}
		switch f[0] {
		case "#0", "#/":
			if c := strings.TrimSpace(strings.Join(f[1:], " ")); c != "" {
				notes = append(notes, c)
			}
		case "#O":
			header = append(header, strings.TrimSpace(strings.Join(f[1:], " ")))
		case "#A", "#P":
			key := get(1)
			kind := map[string]string{"#A": "actor", "#P": "issue"}[f[0]]
			if key == "" {
				fail(line, "", "", "", "id", "%s row has no %s key; want %s<sep>key<sep>name<sep>comment", f[0], kind, f[0])
				continue
			}
			name := get(2)
			if name == "" {
				name = key
			}
			if f[0] == "#A" {
				if _, dup := actorIdx[key]; dup {
					fail(line, "", key, "", "id", "duplicate actor key %q", key)
					continue
				}
				a := &jirga.Actor{ID: uniq(key, actorIDs), Name: name, Description: get(3), Stances: map[string]*jirga.Stance{}}
				actorIdx[key] = len(s.Actors)
				p := fmt.Sprintf("actors[%d]", len(s.Actors))
				lines[p] = line
				lines[p+".capability"] = line
				s.Actors = append(s.Actors, a)
				continue
			}
			if _, dup := issueIdx[key]; dup {
				fail(line, "", "", key, "id", "duplicate issue key %q", key)
				continue
			}
			is := &jirga.Issue{ID: uniq(key, issueIDs), Name: name, Description: get(3)}
			issueIdx[key] = len(s.Issues)
			lines[fmt.Sprintf("issues[%d]", len(s.Issues))] = line
			s.Issues = append(s.Issues, is)
		case "#M":
			if len(f) < 3 {
				fail(line, "", "", get(1), "anchors", "#M row has %d fields; want #M<sep>issue<sep>position[<sep>description]", len(f))
				continue
			}
			anchors = append(anchors, decideRow{line, f})
		case "#D":
			if len(f) < 6 {
				fail(line, "", get(1), get(2), "", "#D row has %d fields; want #D<sep>actor<sep>issue<sep>position<sep>salience<sep>power", len(f))
				continue
			}
			rows = append(rows, decideRow{line, f})
		default:
			fail(line, "", "", "", "", "unknown row tag %q; a Decide row starts with one of %s", clip(f[0]), strings.Join(decideTags, ", "))
		}
	}
	if len(header) > 0 {
		s.Title = header[0]
		s.Description = strings.Join(header[1:], "\n")
	}
	s.ID = scenarioID(opt.name, s.Title, "decide")
	s.Notes = strings.Join(notes, "\n")
	number := func(row decideRow, i int, what string, path, actor, issue string) (float64, bool) {
		v, err := strconv.ParseFloat(row.f[i], 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			fail(row.line, path, actor, issue, what, "%s %q is not a finite number", what, clip(row.f[i]))
			return 0, false
		}
		return v, true
	}
	// Anchors and scales.
	type span struct{ lo, hi float64 }
	spans := map[int]*span{}
	for _, row := range anchors {
		k, ok := issueIdx[row.f[1]]
		if !ok {
			fail(row.line, "", "", row.f[1], "anchors", "#M row names unknown issue %q (declare it with #P)", clip(row.f[1]))
			continue
		}
		is := s.Issues[k]
		x, ok := number(row, 2, "anchor position", "", "", is.ID)
		if !ok {
			continue
		}
		if sp := spans[k]; sp == nil {
			spans[k] = &span{x, x}
		} else {
			sp.lo, sp.hi = min(sp.lo, x), max(sp.hi, x)
		}
		joint := " "
		if sep == ',' {
			joint = ", "
		}
		if desc := strings.Join(row.f[3:], joint); strings.TrimSpace(desc) != "" {
			lines[fmt.Sprintf("issues[%d].anchors[%d]", k, len(is.Anchors))] = row.line
			is.Anchors = append(is.Anchors, jirga.Anchor{At: x, Label: strings.TrimSpace(desc)})
		}
		if _, ok := lines[fmt.Sprintf("issues[%d].scale", k)]; !ok {
			lines[fmt.Sprintf("issues[%d].scale", k)] = row.line
		}
	}
	for k, sp := range spans {
		if sp.lo < sp.hi && (sp.lo != jirga.DefaultScaleMin || sp.hi != jirga.DefaultScaleMax) {
			s.Issues[k].Scale = &jirga.Scale{Min: sp.lo, Max: sp.hi}
		}
	}
	// Data rows.
	powers := make([][]float64, len(s.Actors))
	for _, row := range rows {
		ai, aok := actorIdx[row.f[1]]
		k, iok := issueIdx[row.f[2]]
		if !aok || !iok {
			if !aok {
				fail(row.line, "", row.f[1], row.f[2], "actor", "#D row names unknown actor %q (declare it with #A)", clip(row.f[1]))
			}
			if !iok {
				fail(row.line, "", row.f[1], row.f[2], "issue", "#D row names unknown issue %q (declare it with #P)", clip(row.f[2]))
			}
			continue
		}
		a, is := s.Actors[ai], s.Issues[k]
		p := fmt.Sprintf("actors[%d].stances.%s", ai, is.ID)
		if _, dup := a.Stances[is.ID]; dup {
			fail(row.line, p, a.ID, is.ID, "", "second #D row for actor %q on issue %q (first on line %d)", row.f[1], row.f[2], lines[p])
			continue
		}
		lines[p] = row.line
		lines[p+".position"] = row.line
		lines[p+".salience"] = row.line
		lines[p+".power"] = row.line
		if len(powers[ai]) == 0 {
			lines[fmt.Sprintf("actors[%d].capability", ai)] = row.line
		}
		st := &jirga.Stance{}
		if x, ok := number(row, 3, "position", p+".position", a.ID, is.ID); ok {
			st.Position = jirga.Val(x)
		}
		if x, ok := number(row, 4, "salience", p+".salience", a.ID, is.ID); ok {
			if x < 0 || x > 1 {
				fail(row.line, p+".salience", a.ID, is.ID, "salience", "salience %s is outside Decide's range [0, 1]", row.f[4])
			} else {
				st.Salience = jirga.Val(tidy(x * jirga.SalienceMax))
			}
		}
		if x, ok := number(row, 5, "power", p+".power", a.ID, is.ID); ok {
			st.Power = jirga.Val(x)
			powers[ai] = append(powers[ai], x)
		}
		a.Stances[is.ID] = st
	}
	// Capability: the constant power, else the mean with per-stance powers.
	for ai, a := range s.Actors {
		ps := powers[ai]
		if len(ps) == 0 {
			continue
		}
		constant, sum := true, 0.0
		for _, x := range ps {
			constant = constant && x == ps[0]
			sum += x
		}
		if constant {
			a.Capability = jirga.Val(ps[0])
			for _, st := range a.Stances {
				st.Power = nil
			}
			continue
		}
		a.Capability = jirga.Val(tidy(sum / float64(len(ps))))
	}
	return []decoded{{s: s, lines: lines}}, errors.Join(errs...)
}

// clip shortens a field for a message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
