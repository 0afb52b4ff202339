package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/calib"
	"github.com/jirga/jirga/sweep"
)

// shardSpec is --shard I/N with --out.
type shardSpec struct {
	i, n int
	out  string
}

// parseShard reads --shard I/N and --out, which go together, without
// --format (a shard file is not a report).
func parseShard(fs *flag.FlagSet, shard, out, format string) (shardSpec, error) {
	switch {
	case shard == "":
		return shardSpec{}, usageErr(fs, "--out goes with --shard I/N")
	case out == "":
		return shardSpec{}, usageErr(fs, "--shard needs --out FILE, the file the shard is written to")
	case format != "table":
		return shardSpec{}, usageErr(fs, "--format applies to jirga sweep merge, not to a shard")
	}
	a, b, ok := strings.Cut(shard, "/")
	i, erri := strconv.Atoi(strings.TrimSpace(a))
	n, errn := strconv.Atoi(strings.TrimSpace(b))
	switch {
	case !ok || erri != nil || errn != nil:
		return shardSpec{}, jirga.Errorf(jirga.EINVALID, "sweep: --shard must be I/N, e.g. 0/4, got %q", shard)
	case n < 1 || n > 100000:
		return shardSpec{}, jirga.Errorf(jirga.EINVALID, "sweep: --shard %s: N must be in [1, 100000], got %d", shard, n)
	case i < 0 || i >= n:
		return shardSpec{}, jirga.Errorf(jirga.EINVALID, "sweep: --shard %s: I must be in [0, %d] (shards are numbered from 0), got %d", shard, n-1, i)
	}
	return shardSpec{i: i, n: n, out: out}, nil
}

// shardFormat is the version of the shard file's layout.
const shardFormat = 1

// shardFile is what jirga sweep --shard writes: its input, whose hash
// identifies the sweep, and per scenario the part of the draws it
// computed (and, in shard 0, the forecasts on the point values).
type shardFile struct {
	Kind          string     `json:"kind"` // "jirga sweep shard"
	Format        int        `json:"format"`
	EngineVersion string     `json:"engine_version"`
	InputHash     string     `json:"input_hash"`
	Shard         int        `json:"shard"`
	Shards        int        `json:"shards"`
	Input         shardInput `json:"input"`
	Parts         []struct {
		Points []*jirga.Result `json:"points,omitempty"`
		Part   *sweep.Part     `json:"part"`
	} `json:"parts"`
}

// shardInput is everything the sweep's output depends on.
type shardInput struct {
	Scenarios   []*jirga.Scenario `json:"scenarios"`
	Models      string            `json:"models"`
	Rounds      int               `json:"rounds,omitempty"`
	Opts        map[string]string `json:"opts,omitempty"`
	Seed        uint64            `json:"seed"`
	Draws       int               `json:"draws"`
	Bins        int               `json:"bins"`
	Uncertainty sweep.Uncertainty `json:"uncertainty"`
	// ErrorScale is --error-scale, which the merge's predictive intervals
	// use (0, the default, is left out).
	ErrorScale float64 `json:"error_scale,omitempty"`
}

// plan returns how the predictive intervals of the sweep of s are made,
// as jirga sweep makes them from the same flags.
func (in *shardInput) plan(s *jirga.Scenario) (*calib.Plan, error) {
	pf := predictFlags{errorScale: in.ErrorScale}
	return pf.plan(s, &modelFlags{list: in.Models, rounds: in.Rounds, opts: in.Opts})
}

// hash is the hex SHA-256 of the input's JSON.
func (in *shardInput) hash() (string, error) {
	b, err := json.Marshal(in)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

const shardKind = "jirga sweep shard"

// runShard computes shard sh of the sweeps of ss and writes it to sh.out.
// The predictive intervals are made by the merge (from pf's error scale,
// kept in the input). An interrupted shard writes nothing.
func runShard(ctx context.Context, m *Main, sh shardSpec, ss []*jirga.Scenario, ms []jirga.Model, mf *modelFlags, pf *predictFlags, opt sweep.Options, keep string) error {
	f := shardFile{Kind: shardKind, Format: shardFormat, EngineVersion: jirga.Version, Shard: sh.i, Shards: sh.n,
		Input: shardInput{Scenarios: ss, Models: mf.list, Rounds: mf.rounds, Opts: mf.opts, Seed: opt.Seed, Draws: opt.Draws, Bins: opt.Bins, Uncertainty: *opt.Uncertainty, ErrorScale: pf.errorScale}}
	var err error
	if f.InputHash, err = f.Input.hash(); err != nil {
		return err
	}
	for _, s := range ss {
		// Refuse a bad --error-scale now, not at the merge.
		if _, err := f.Input.plan(s); err != nil {
			return err
		}
	}
	lo, hi := sweep.Split(opt.Draws, sh.n, sh.i)
	f.Parts = make([]struct {
		Points []*jirga.Result `json:"points,omitempty"`
		Part   *sweep.Part     `json:"part"`
	}, len(ss))
	for i, s := range ss {
		o := opt
		if keep != "" {
			dir := keep
			if len(ss) > 1 {
				dir = filepath.Join(keep, s.ID)
			}
			if o.Keep, err = keepDraws(dir, s.ID, opt.Seed); err != nil {
				return err
			}
		}
		if m.IsTerminal != nil && m.IsTerminal(m.Stderr) {
			o.Progress = progressBar(m.Stderr, fmt.Sprintf("%s shard %d/%d", s.ID, sh.i, sh.n))
		}
		if sh.i == 0 {
			if f.Parts[i].Points, err = sweep.Points(ctx, s, ms); err != nil {
				return err
			}
		}
		p, err := sweep.RunPart(ctx, s, ms, o, lo, hi)
		if o.Progress != nil {
			fmt.Fprint(m.Stderr, "\r\033[K")
		}
		if err != nil {
			return err
		}
		f.Parts[i].Part = p
	}
	b, err := json.Marshal(&f)
	if err != nil {
		return err
	}
	if err := os.WriteFile(sh.out, append(b, '\n'), 0o644); err != nil {
		return jirga.Errorf(jirga.EINVALID, "sweep: --out: %v", err)
	}
	return nil
}

func runSweepMerge(_ context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("sweep merge", "[--format F] [--wide] SHARD…", `
Merge the shard files that jirga sweep --shard I/N --out SHARD wrote, one
for each I from 0 to N−1, in any order, and print what jirga sweep prints
for the whole sweep, byte for byte, in --format. It refuses, with exit
status 2 and the reason, shards of different inputs (scenarios, models,
options, draws, seeds), of different engine versions or shard counts, a
shard given twice, a missing shard, and a file that is not a shard or was
changed. See docs/scale.md.`)
	var outFormat string
	var lf layoutFlags
	fs.StringVar(&outFormat, "format", "table", "output format: table, json or csv")
	lf.register(fs)
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if err := checkFormat(fs, outFormat, "table", "json", "csv"); err != nil {
		return err
	}
	if len(files) == 0 {
		return usageErr(fs, "no shard files given")
	}
	shards, err := readShards(files)
	if err != nil {
		return err
	}
	in := shards[0].Input
	opt := sweep.Options{Draws: in.Draws, Seed: in.Seed, Uncertainty: &in.Uncertainty, Bins: in.Bins}
	var results []*sweep.Result
	for si, s := range in.Scenarios {
		if opt.Predict, err = in.plan(s); err != nil {
			return err
		}
		var parts []*sweep.Part
		for _, f := range shards {
			parts = append(parts, f.Parts[si].Part)
		}
		r, err := sweep.Merge(s, shards[0].Parts[si].Points, parts, opt)
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	return writeSweep(m.Stdout, outFormat, lf, in.Scenarios, results)
}

// shardErr is a refused set of shards.
func shardErr(format string, args ...any) error {
	return jirga.Errorf(jirga.EINVALID, "sweep merge: "+format, args...)
}

// readShards reads the shard files and checks that they are the shards 0 …
// N−1 of one sweep, each once; it returns them in shard order.
func readShards(files []string) ([]*shardFile, error) {
	var shards []*shardFile
	for _, path := range files {
		f, err := readShard(path)
		if err != nil {
			return nil, err
		}
		shards = append(shards, f)
	}
	first, name0 := shards[0], files[0]
	for k, f := range shards[1:] {
		name := files[k+1]
		if f.EngineVersion != first.EngineVersion {
			return nil, shardErr("%s was computed by jirga %s and %s by jirga %s; merge shards of one engine version", name0, first.EngineVersion, name, f.EngineVersion)
		}
		if f.InputHash != first.InputHash {
			return nil, shardErr("%s and %s are shards of different sweeps: %s", name0, name, inputDiff(&first.Input, &f.Input))
		}
		if f.Shards != first.Shards {
			return nil, shardErr("%s is shard %d of %d but %s is shard %d of %d; merge the shards of one cut", name0, first.Shard, first.Shards, name, f.Shard, f.Shards)
		}
	}
	n := first.Shards
	by := make([]int, n) // file index + 1 by shard
	for k, f := range shards {
		if j := by[f.Shard]; j > 0 {
			return nil, shardErr("shard %d of %d is given twice (%s and %s)", f.Shard, n, files[j-1], files[k])
		}
		by[f.Shard] = k + 1
	}
	var missing []string
	for i, k := range by {
		if k == 0 {
			missing = append(missing, strconv.Itoa(i))
		}
	}
	switch {
	case len(missing) == 1:
		return nil, shardErr("shard %s of %d is missing (%d of %d files given)", missing[0], n, len(shards), n)
	case len(missing) > 1:
		return nil, shardErr("shards %s of %d are missing (%d of %d files given)", strings.Join(missing, ", "), n, len(shards), n)
	}
	out := make([]*shardFile, n)
	for i, k := range by {
		out[i] = shards[k-1]
	}
	return out, nil
}

// readShard reads a shard file and checks it against itself: its kind,
// layout, hash and the draws of each part.
func readShard(path string) (*shardFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, shardErr("%v", err)
	}
	var f shardFile
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&f); err != nil || f.Kind != shardKind {
		why := "it is not a shard written by jirga sweep --shard"
		if err != nil && bytes.Contains(b, []byte(shardKind)) {
			why = "it cannot be read: " + err.Error()
		}
		return nil, shardErr("%s: %s", path, why)
	}
	switch {
	case f.Format != shardFormat:
		return nil, shardErr("%s: shard layout %d; this jirga reads layout %d", path, f.Format, shardFormat)
	case f.Shards < 1 || f.Shard < 0 || f.Shard >= f.Shards:
		return nil, shardErr("%s: shard %d of %d is not a shard", path, f.Shard, f.Shards)
	case f.Input.Draws < 1 || len(f.Input.Scenarios) == 0 || len(f.Parts) != len(f.Input.Scenarios):
		return nil, shardErr("%s: the shard is incomplete (%d scenarios, %d parts, %d draws)", path, len(f.Input.Scenarios), len(f.Parts), f.Input.Draws)
	}
	if h, err := f.Input.hash(); err != nil || h != f.InputHash {
		return nil, shardErr("%s: its input does not match its hash: the file was changed after jirga wrote it", path)
	}
	lo, hi := sweep.Split(f.Input.Draws, f.Shards, f.Shard)
	for i, p := range f.Parts {
		switch {
		case p.Part == nil || p.Part.From != lo || p.Part.To != hi || !p.Part.Complete():
			return nil, shardErr("%s: scenario %d does not hold draws %d … %d of shard %d of %d", path, i+1, lo+1, hi, f.Shard, f.Shards)
		case f.Shard == 0 && p.Points == nil:
			return nil, shardErr("%s: shard 0 lacks the forecasts on the point values", path)
		}
	}
	return &f, nil
}

// inputDiff says how two sweeps' inputs differ.
func inputDiff(a, b *shardInput) string {
	switch {
	case a.Seed != b.Seed:
		return fmt.Sprintf("their seeds differ (%d and %d)", a.Seed, b.Seed)
	case a.Draws != b.Draws:
		return fmt.Sprintf("their numbers of draws differ (%d and %d)", a.Draws, b.Draws)
	case a.Models != b.Models || a.Rounds != b.Rounds || !reflect.DeepEqual(a.Opts, b.Opts):
		return fmt.Sprintf("their models or model options differ (%s and %s)", a.Models, b.Models)
	case a.Bins != b.Bins || a.Uncertainty != b.Uncertainty:
		return "their --bins or default uncertainty differ"
	case a.ErrorScale != b.ErrorScale:
		return fmt.Sprintf("their --error-scale differ (%g and %g)", a.ErrorScale, b.ErrorScale)
	}
	ids := func(ss []*jirga.Scenario) []string {
		var out []string
		for _, s := range ss {
			out = append(out, s.ID)
		}
		return out
	}
	if x, y := ids(a.Scenarios), ids(b.Scenarios); !slices.Equal(x, y) {
		return fmt.Sprintf("their scenarios differ (%s and %s)", strings.Join(x, ", "), strings.Join(y, ", "))
	}
	return "their input scenarios differ"
}
