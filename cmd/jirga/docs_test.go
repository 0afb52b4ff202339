package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// outputBlock matches a command's output quoted in the documentation: a
// directive comment naming the command, then a fenced block holding
// "$ jirga ARGS" and the output, e.g.
//
//	<!-- output: jirga deal --draws 1000 | lines 1-12,20- -->
//	```
//	$ jirga deal --draws 1000
//	…
//	```
//
// "| lines" keeps only the listed lines of the output (1-based ranges, an
// open end allowed) and marks each gap with "…".
var outputBlock = regexp.MustCompile("(?m)^<!-- output: jirga ([^|>]*?)(?: \\| lines ([0-9, -]+))? -->\n```([a-z]*)\n((?s:.*?))```\n")

// TestDocsOutputs keeps every command output quoted in README.md and
// docs/*.md equal to what the program prints: the quoted outputs are
// generated, never pasted. After changing a command or a scenario,
// regenerate them with
//
//	go test ./cmd/jirga -run TestDocsOutputs -update
func TestDocsOutputs(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every command quoted in the docs; skipped under -short")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	files = append([]string{filepath.Join(root, "README.md")}, files...)
	// Commands run in an empty directory, in document order, so that one
	// may read what an earlier one wrote (jirga sweep --keep draws, then
	// jirga forecast draws/draw-000042.yaml).
	t.Chdir(t.TempDir())
	n := 0
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		doc := string(data)
		var out strings.Builder
		last := 0
		for _, m := range outputBlock.FindAllStringSubmatchIndex(doc, -1) {
			n++
			args, spec, lang, got := doc[m[2]:m[3]], "", doc[m[6]:m[7]], doc[m[8]:m[9]]
			if m[4] >= 0 {
				spec = doc[m[4]:m[5]]
			}
			want, err := quoted(t, args, spec)
			if err != nil {
				t.Errorf("%s: jirga %s: %v", path, args, err)
				continue
			}
			if got != want && !*update {
				t.Errorf("%s: the output of jirga %s differs from the program's (go test ./cmd/jirga -run TestDocsOutputs -update rewrites it):\n%s", path, args, diff(got, want))
			}
			out.WriteString(doc[last:m[0]])
			fmt.Fprintf(&out, "<!-- output: jirga %s", args)
			if spec != "" {
				fmt.Fprintf(&out, " | lines %s", spec)
			}
			fmt.Fprintf(&out, " -->\n```%s\n%s```\n", lang, want)
			last = m[1]
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

// quoted runs jirga args and returns the block's body: the command line and
// the lines of its output that spec keeps.
func quoted(t *testing.T, args, spec string) (string, error) {
	stdout, stderr, code := run(t, strings.Fields(args)...)
	if code != 0 {
		return "", fmt.Errorf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	keep, err := lineSet(spec, len(lines))
	if err != nil {
		return "", err
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
// names (nil for an empty spec: every line).
func lineSet(spec string, n int) (map[int]bool, error) {
	if strings.TrimSpace(spec) == "" {
		return nil, nil
	}
	set := map[int]bool{}
	for _, part := range strings.Split(spec, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
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
