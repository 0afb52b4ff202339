package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"
)

// textWidth is the width, in columns (runes), that table output fits by
// default: tables wider than this are split into stacked blocks, and
// longer lines of prose are wrapped. --wide lifts the limit.
const textWidth = 100

// layoutFlags are the flags of every command that prints tables.
type layoutFlags struct {
	wide bool
}

func (f *layoutFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.wide, "wide", false, "print each table row and note on one line, however wide (default: fit 100 columns: wide tables are split into stacked blocks of columns, long lines wrapped)")
}

// writer returns w fitted to the output width: 100 columns, or no limit
// with --wide. Flush it when done.
func (f *layoutFlags) writer(w io.Writer) *fitWriter {
	width := textWidth
	if f.wide {
		width = 0
	}
	return &fitWriter{w: w, width: width}
}

// fitWriter wraps each line longer than width runes at spaces, indenting
// the continuation lines two columns more than the line; width 0 passes
// everything through. Tables written with [table] already fit, so the
// wrapping only touches prose (notes, legends, explanations).
type fitWriter struct {
	w     io.Writer
	width int
	buf   []byte
	err   error
}

// widthOf returns the width w fits, 0 when it has no limit.
func widthOf(w io.Writer) int {
	if f, ok := w.(*fitWriter); ok {
		return f.width
	}
	return 0
}

func (f *fitWriter) Write(p []byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	if f.width <= 0 {
		_, f.err = f.w.Write(p)
		return len(p), f.err
	}
	f.buf = append(f.buf, p...)
	for {
		i := bytes.IndexByte(f.buf, '\n')
		if i < 0 {
			break
		}
		f.writeLine(string(f.buf[:i]))
		f.buf = f.buf[i+1:]
	}
	return len(p), f.err
}

// Flush writes a last line without a newline.
func (f *fitWriter) Flush() error {
	if len(f.buf) > 0 && f.err == nil {
		wrapped := wrapLine(string(f.buf), f.width)
		_, f.err = io.WriteString(f.w, wrapped)
		f.buf = nil
	}
	return f.err
}

func (f *fitWriter) writeLine(line string) {
	if f.err != nil {
		return
	}
	_, f.err = io.WriteString(f.w, wrapLine(line, f.width)+"\n")
}

// wrapLine breaks line into lines of at most width runes at spaces (a word
// longer than a line is cut), each continuation indented by the line's own
// indentation plus two.
func wrapLine(line string, width int) string {
	if width <= 0 || utf8.RuneCountInString(line) <= width {
		return line
	}
	indent := len(line) - len(strings.TrimLeft(line, " "))
	// A line that starts with a one-word label and a gap of two spaces or
	// more ("  merger     between …") continues under the text after the
	// gap.
	hang := indent + 2
	if i := strings.IndexByte(line[indent:], ' '); i > 0 && strings.HasPrefix(line[indent+i:], "  ") {
		gap := indent + i
		for gap < len(line) && line[gap] == ' ' {
			gap++
		}
		hang = utf8.RuneCountInString(line[:gap]) + 2
	}
	cont := strings.Repeat(" ", min(hang, width/2))
	var out strings.Builder
	rest := []rune(line)
	first := true
	for {
		prefix := ""
		if !first {
			prefix = cont
			rest = []rune(strings.TrimLeft(string(rest), " "))
		}
		room := width - utf8.RuneCountInString(prefix)
		if len(rest) <= room {
			out.WriteString(prefix + string(rest))
			return out.String()
		}
		cut := -1
		for i := room; i > 0; i-- {
			if rest[i] == ' ' && strings.TrimSpace(string(rest[:i])) != "" {
				cut = i
				break
			}
		}
		if cut < 0 {
			cut = room
		}
		out.WriteString(prefix + strings.TrimRight(string(rest[:cut]), " ") + "\n")
		rest = rest[cut:]
		first = false
	}
}

// table is a table of text cells laid out as text/tabwriter lays them out
// (two spaces between columns), but fitted to its writer's width: when its
// rows are wider, the columns after the first keys are split into blocks
// that fit, stacked one under the other with a blank line between, each
// repeating the key columns (the first row, the header, heads every
// block).
type table struct {
	keys  int  // leading columns repeated in every block
	right bool // align cells right (tabwriter.AlignRight)
	term  bool // every row ends in a tab: its last cell is aligned too
	rows  [][]string
}

// add appends a row.
func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

// write writes the table to w, fitted to widthOf(w).
func (t *table) write(w io.Writer) error {
	ncol := 0
	for _, r := range t.rows {
		ncol = max(ncol, len(r))
	}
	widths := make([]int, ncol)
	for _, r := range t.rows {
		for j, c := range r {
			widths[j] = max(widths[j], utf8.RuneCountInString(c))
		}
	}
	span := func(cols []int) int {
		n := 0
		for k, j := range cols {
			n += widths[j]
			if k < len(cols)-1 || t.term {
				n += 2
			}
		}
		return n
	}
	all := make([]int, ncol)
	for j := range all {
		all[j] = j
	}
	width := widthOf(w)
	keys := min(t.keys, ncol)
	if width <= 0 || span(all) <= width || ncol <= keys+1 {
		return t.block(w, nil)
	}
	var blocks [][]int
	cur := append([]int(nil), all[:keys]...)
	for j := keys; j < ncol; j++ {
		next := append(append([]int(nil), cur...), j)
		if len(cur) > keys && span(next) > width {
			blocks = append(blocks, cur)
			cur = append(append([]int(nil), all[:keys]...), j)
			continue
		}
		cur = next
	}
	blocks = append(blocks, cur)
	for i, b := range blocks {
		if i > 0 {
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
		}
		if err := t.block(w, b); err != nil {
			return err
		}
	}
	return nil
}

// block writes the columns cols of every row (all of them when cols is
// nil) through a tabwriter.
func (t *table) block(w io.Writer, cols []int) error {
	var flags uint
	if t.right {
		flags = tabwriter.AlignRight
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', flags)
	for _, r := range t.rows {
		cells := r
		if cols != nil {
			cells = make([]string, 0, len(cols))
			for _, j := range cols {
				if j < len(r) {
					cells = append(cells, r[j])
				} else {
					cells = append(cells, "")
				}
			}
		}
		line := strings.Join(cells, "\t")
		if t.term {
			line += "\t"
		}
		if _, err := io.WriteString(tw, line+"\n"); err != nil {
			return err
		}
	}
	return tw.Flush()
}

// addf appends a row written as tab-separated cells, as to a tabwriter:
// t.addf("%s\t%d\n", name, n). A final tab (all cells aligned) and the
// newline are dropped.
func (t *table) addf(format string, args ...any) {
	line := strings.TrimSuffix(fmt.Sprintf(format, args...), "\n")
	t.add(strings.Split(strings.TrimSuffix(line, "\t"), "\t")...)
}
