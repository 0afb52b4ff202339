package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// docBlock matches a directive comment and the fenced block that follows
// it in the documentation:
//
//	<!-- output: jirga deal --draws 1000 | lines 1-12,20- -->
//	```
//	$ jirga deal --draws 1000
//	…
//	```
//
// quotes a command's output: "| lines" keeps only the listed lines of the
// output (1-based ranges, an open end allowed, -K the last K) and marks
// each gap with "…"; "| from TEXT" keeps the lines from the first that
// starts with TEXT;
// "| stderr" quotes standard error instead of standard output and the exit
// status when it is not 0 (for validation errors). And
//
//	<!-- file: bad.yaml -->
//	```yaml
//	…
//	```
//
// writes the block, as it stands in the docs, to bad.yaml in the directory
// the commands run in, so that a later command can read it.
var docBlock = regexp.MustCompile("(?m)^<!-- (output|file): ([^>]*?) -->\n```([a-z]*)\n((?s:.*?))```\n")

// docDataDirs are the directories of the repository that quoted commands
// may read, linked into the directory they run in.
var docDataDirs = []string{"backtest", "bdm", "smp", "exchange", "examples"}

// docFiles are the documents whose quoted outputs are generated: the
// README and every page under docs/.
func docFiles(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	for _, pat := range []string{"README.md", "docs/*.md", "docs/*/*.md"} {
		m, err := filepath.Glob(filepath.Join(root, pat))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	return files
}

// TestDocsOutputs keeps every command output quoted in README.md and the
// pages under docs/ equal to what the program prints: the quoted outputs
// are generated, never pasted. After changing a command or a scenario (or
// regenerating the calibration), regenerate them with
//
//	go test ./cmd/jirga -run TestDocs -update
//
// (go generate ./cmd/jirga runs the same).
func TestDocsOutputs(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every command quoted in the docs; skipped under -short")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	files := docFiles(t, root)
	// Commands run in an empty directory, in document order, so that one
	// may read what an earlier one wrote (jirga sweep --keep draws, then
	// jirga forecast draws/draw-000042.yaml) or a file the docs show; the
	// repository's data directories are linked in, read only by the
	// commands quoted (jirga backtest backtest/testdata/deu_dev.tsv).
	dir := t.TempDir()
	for _, d := range docDataDirs {
		if err := os.Symlink(filepath.Join(root, d), filepath.Join(dir, d)); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	n := 0
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		doc := string(data)
		var out strings.Builder
		last := 0
		for _, m := range docBlock.FindAllStringSubmatchIndex(doc, -1) {
			kind, spec, lang, got := doc[m[2]:m[3]], doc[m[4]:m[5]], doc[m[6]:m[7]], doc[m[8]:m[9]]
			out.WriteString(doc[last:m[0]])
			last = m[1]
			if kind == "file" {
				if err := os.MkdirAll(filepath.Dir(spec), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(spec, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				out.WriteString(doc[m[0]:m[1]])
				continue
			}
			n++
			parts := strings.Split(spec, " | ")
			args, ok := strings.CutPrefix(parts[0], "jirga ")
			if !ok {
				t.Errorf("%s: %q does not run jirga", path, spec)
				continue
			}
			var q quote
			for _, o := range parts[1:] {
				switch {
				case o == "stderr":
					q.stderr = true
				case strings.HasPrefix(o, "lines "):
					q.lines = strings.TrimPrefix(o, "lines ")
				case strings.HasPrefix(o, "from "):
					q.from = strings.TrimPrefix(o, "from ")
				default:
					t.Errorf("%s: jirga %s: unknown option %q (want lines N-M, from TEXT or stderr)", path, args, o)
				}
			}
			want, err := q.run(t, args)
			if err != nil {
				t.Errorf("%s: jirga %s: %v", path, args, err)
				out.WriteString(doc[m[0]:m[1]])
				continue
			}
			if got != want && !*update {
				t.Errorf("%s: the output of jirga %s differs from the program's (go test ./cmd/jirga -run TestDocsOutputs -update rewrites it):\n%s", path, args, diff(got, want))
			}
			fmt.Fprintf(&out, "<!-- output: %s -->\n```%s\n%s```\n", spec, lang, want)
		}
		out.WriteString(doc[last:])
		if *update && out.String() != doc {
			if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n == 0 {
		t.Error("no quoted output found in the docs")
	}
}

// quote is what a directive keeps of a command's output: the lines it
// lists (lines), those from the first that starts with from to the end,
// standard error rather than standard output (stderr).
type quote struct {
	lines, from string
	stderr      bool
}

// run runs jirga args and returns the block's body: the command line and
// the lines of its output (standard error with stderr, and then the exit
// status when it is not 0) that q keeps. Without stderr the command must
// succeed.
func (q quote) run(t *testing.T, args string) (string, error) {
	stdout, errout, code := run(t, strings.Fields(args)...)
	text := stdout
	spec, stderr := q.lines, q.stderr
	switch {
	case stderr:
		text = errout
		if code != 0 {
			text += fmt.Sprintf("(exit status %d)\n", code)
		}
	case code != 0:
		return "", fmt.Errorf("exit %d: %s", code, errout)
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	keep, err := lineSet(spec, len(lines))
	if err != nil {
		return "", err
	}
	if q.from != "" {
		i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, q.from) })
		if i < 0 {
			return "", fmt.Errorf("no line starts with %q", q.from)
		}
		keep = map[int]bool{}
		for k := i + 1; k <= len(lines); k++ {
			keep[k] = true
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "$ jirga %s\n", args)
	gap := false
	for i, l := range lines {
		if keep != nil && !keep[i+1] {
			gap = true
			continue
		}
		if gap && b.Len() > 0 {
			b.WriteString("…\n")
		}
		gap = false
		b.WriteString(l + "\n")
	}
	if gap {
		b.WriteString("…\n")
	}
	return b.String(), nil
}

// lineSet parses "1-12,20,30-" into the set of 1-based line numbers it
// names, "-3" meaning the last 3 (nil for an empty spec: every line).
func lineSet(spec string, n int) (map[int]bool, error) {
	if strings.TrimSpace(spec) == "" {
		return nil, nil
	}
	set := map[int]bool{}
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if k, ok := strings.CutPrefix(part, "-"); ok {
			// -K: the last K lines.
			c, err := strconv.Atoi(k)
			if err != nil || c < 1 || c > n {
				return nil, fmt.Errorf("lines %q: %q is not the last 1…%d lines", spec, part, n)
			}
			for i := n - c + 1; i <= n; i++ {
				set[i] = true
			}
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return nil, fmt.Errorf("lines %q: %v", spec, err)
		}
		b := a
		if isRange {
			b = n
			if hi != "" {
				if b, err = strconv.Atoi(hi); err != nil {
					return nil, fmt.Errorf("lines %q: %v", spec, err)
				}
			}
		}
		if a < 1 || b < a || b > n {
			return nil, fmt.Errorf("lines %q: %d-%d is outside the output's %d lines", spec, a, b, n)
		}
		for i := a; i <= b; i++ {
			set[i] = true
		}
	}
	return set, nil
}
