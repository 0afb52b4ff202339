package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/calib"
)

// issueNote matches a model's note about one issue: `issue "ID": text`.
var issueNote = regexp.MustCompile(`^issue "([^"]+)": (.+)$`)

// noteLines returns the notes of rs as the lines a table ends with,
// "note (MODEL): text", without the predictive-interval notes (which
// writePredictiveLegend sums up) and collapsed:
//
//   - a model's notes that differ only in the issue they name (and numbers
//     that go with it) become one note listing the issues, each with its
//     numbers: `issues merger (status quo 0), arms (80): every move from
//     the status quo leaves …`;
//   - the same note from several models is written once, naming them all.
func noteLines(rs []*jirga.Result) []string {
	type note struct {
		models []string
		text   string
	}
	var out []*note
	byText := map[string]*note{}
	for _, r := range rs {
		for _, text := range collapseIssueNotes(r.Notes) {
			if n := byText[text]; n != nil {
				if n.models[len(n.models)-1] != r.Model {
					n.models = append(n.models, r.Model)
				}
				continue
			}
			n := &note{models: []string{r.Model}, text: text}
			byText[text] = n
			out = append(out, n)
		}
	}
	lines := make([]string, len(out))
	for i, n := range out {
		lines[i] = fmt.Sprintf("note (%s): %s", strings.Join(n.models, ", "), n.text)
	}
	return lines
}

// collapseIssueNotes groups the notes about one issue each whose texts are
// the same but for their numbers, in the order of their first note, and
// writes each group of two or more as one note.
func collapseIssueNotes(notes []string) []string {
	var order []any // string or *noteGroup
	groups := map[string]*noteGroup{}
	for _, n := range notes {
		if strings.HasPrefix(n, calib.NotePrefix) {
			continue
		}
		m := issueNote.FindStringSubmatch(n)
		if m == nil {
			order = append(order, n)
			continue
		}
		words := strings.Split(m[2], " ")
		var slots []int
		var nums []string
		key := make([]string, len(words))
		copy(key, words)
		for i, w := range words {
			if num, _ := splitNumber(w); num != "" {
				slots = append(slots, i)
				nums = append(nums, num)
				key[i] = "\x00" + strings.TrimPrefix(w, num)
			}
		}
		k := strings.Join(key, " ")
		g := groups[k]
		if g == nil {
			g = &noteGroup{words: words, slots: slots}
			groups[k] = g
			order = append(order, g)
		}
		g.issues = append(g.issues, m[1])
		g.nums = append(g.nums, nums)
	}
	var out []string
	for _, o := range order {
		switch o := o.(type) {
		case string:
			out = append(out, o)
		case *noteGroup:
			out = append(out, o.text()...)
		}
	}
	return out
}

// text writes the group as its notes: one per issue when it has one issue,
// else one listing the issues, with the numbers that differ between them
// beside each issue, labelled by the words before them in the note.
func (g *noteGroup) text() []string {
	words := g.words
	if len(g.issues) == 1 {
		return []string{fmt.Sprintf("issue %q: %s", g.issues[0], strings.Join(words, " "))}
	}
	var vary []int // indices into slots
	for k := range g.slots {
		for _, ns := range g.nums[1:] {
			if ns[k] != g.nums[0][k] {
				vary = append(vary, k)
				break
			}
		}
	}
	drop := map[int]bool{}
	var labels []string
	for _, k := range vary {
		i := g.slots[k]
		drop[i] = true
		labels = append(labels, numberLabel(words[:i]))
	}
	var kept []string
	for i, w := range words {
		if drop[i] {
			// Keep what follows the number ("0," keeps the comma).
			_, rest := splitNumber(w)
			if rest != "" && len(kept) > 0 {
				kept[len(kept)-1] += rest
			}
			continue
		}
		kept = append(kept, w)
	}
	parts := make([]string, len(g.issues))
	for j, id := range g.issues {
		var vals []string
		for x, k := range vary {
			v := g.nums[j][k]
			if j == 0 && labels[x] != "" {
				v = labels[x] + " " + v
			}
			vals = append(vals, v)
		}
		parts[j] = id
		if len(vals) > 0 {
			parts[j] += " (" + strings.Join(vals, ", ") + ")"
		}
	}
	return []string{fmt.Sprintf("issues %s: %s", strings.Join(parts, ", "), strings.Join(kept, " "))}
}

// noteGroup is the notes of one model that differ only in their issue
// and numbers.
type noteGroup struct {
	issues []string
	nums   [][]string // per issue, the numbers of its note
	words  []string   // the first note's words
	slots  []int      // the word indices that are numbers
}

// numberLabel names a number by the (at most two) words before it in a
// note, without articles: "every move from the status quo" → "status quo".
func numberLabel(before []string) string {
	var ws []string
	for i := len(before) - 1; i >= 0 && len(ws) < 2; i-- {
		w := strings.Trim(before[i], ",;:()")
		if w == "the" || w == "a" || w == "an" || w == "of" || w == "from" || w == "" {
			break
		}
		ws = append([]string{w}, ws...)
	}
	return strings.Join(ws, " ")
}

// splitNumber returns the number a word starts with when the word is a
// number followed only by punctuation ("80", "0.5,", "30)"), and what
// follows it; "" when the word is not such a number.
func splitNumber(w string) (num, rest string) {
	end := len(w)
	for end > 0 && strings.ContainsRune(",;:.)", rune(w[end-1])) {
		end--
	}
	if end == 0 || !(w[0] >= '0' && w[0] <= '9' || w[0] == '-' && end > 1 && w[1] >= '0' && w[1] <= '9') {
		return "", w
	}
	if _, err := strconv.ParseFloat(w[:end], 64); err != nil {
		return "", w
	}
	return w[:end], w[end:]
}
