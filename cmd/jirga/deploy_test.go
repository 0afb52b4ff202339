package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// flagshipFile writes the flagship scenario to dir and returns its path.
func flagshipFile(t *testing.T, dir string) string {
	t.Helper()
	out, errb, code := run(t, "convert", "example:pakistan-ttp-2022", "--to", "yaml")
	if code != 0 {
		t.Fatalf("convert: %s", errb)
	}
	path := filepath.Join(dir, "scenario.yaml")
	if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestDeployKubernetes runs the shard command of the Indexed Job in
// deploy/kubernetes (with fewer draws of a faster model) for every index
// of its completions, merges the shards as the merge Job does, and checks
// the result against jirga sweep: the manifest's flags are valid and its
// N agrees with its completions.
func TestDeployKubernetes(t *testing.T) {
	data, err := os.ReadFile("../../deploy/kubernetes/sweep-job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var job struct {
		Spec struct {
			CompletionMode string `yaml:"completionMode"`
			Completions    int    `yaml:"completions"`
			Template       struct {
				Spec struct {
					Containers []struct {
						Args []string `yaml:"args"`
					} `yaml:"containers"`
				} `yaml:"spec"`
			} `yaml:"template"`
		} `yaml:"spec"`
	}
	if err := yaml.Unmarshal(data, &job); err != nil {
		t.Fatal(err)
	}
	if job.Spec.CompletionMode != "Indexed" || len(job.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("not an Indexed Job of one container: %+v", job.Spec)
	}
	n := job.Spec.Completions
	dir := t.TempDir()
	scenario := flagshipFile(t, dir)
	var common []string // the flags every shard shares, as run here
	for i := range n {
		var args []string
		for _, a := range job.Spec.Template.Spec.Containers[0].Args {
			a = strings.ReplaceAll(a, "$(JOB_COMPLETION_INDEX)", strconv.Itoa(i))
			a = strings.ReplaceAll(a, "/data/shards/", dir+"/shard-dir/")
			a = strings.ReplaceAll(a, "/data/scenario.yaml", scenario)
			switch {
			case strings.HasPrefix(a, "--model="):
				a = "--model=mean,median"
			case strings.HasPrefix(a, "--draws="):
				a = "--draws=70"
			case strings.HasPrefix(a, "--shard="):
				if !strings.HasSuffix(a, "/"+strconv.Itoa(n)) {
					t.Fatalf("%s: N differs from completions %d", a, n)
				}
			}
			args = append(args, a)
		}
		os.MkdirAll(filepath.Join(dir, "shard-dir"), 0o755)
		if _, errb, code := run(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errb)
		}
		if i == 0 {
			for _, a := range args {
				if !strings.HasPrefix(a, "--shard") && !strings.HasPrefix(a, "--out") {
					common = append(common, a)
				}
			}
		}
	}
	shards, _ := filepath.Glob(filepath.Join(dir, "shard-dir", "shard-*.json"))
	sort.Strings(shards)
	merged, errb, code := run(t, append([]string{"sweep", "merge"}, shards...)...)
	if code != 0 {
		t.Fatalf("merge: %s", errb)
	}
	whole, _, _ := run(t, common...)
	if len(shards) != n || merged != whole {
		t.Fatalf("%d shards merged:\n%s\nwant\n%s", len(shards), merged, whole)
	}
	merge, err := os.ReadFile("../../deploy/kubernetes/merge-job.yaml")
	if err != nil || !strings.Contains(string(merge), "jirga sweep merge /data/shards/shard-*.json") {
		t.Errorf("merge-job.yaml does not merge the shards of sweep-job.yaml (%v)", err)
	}
}

// TestDeploySlurm runs deploy/slurm/sweep.sh with a stand-in for sbatch
// that runs each array task and then the merge at once, and checks the
// merged result against jirga sweep.
func TestDeploySlurm(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	if testing.Short() {
		t.Skip("builds jirga; skipped under -short")
	}
	bin := buildJirga(t)
	dir := t.TempDir()
	scenario := flagshipFile(t, dir)
	fake := filepath.Join(dir, "bin")
	os.MkdirAll(fake, 0o755)
	// sbatch: run --wrap once per index of --array (SLURM_ARRAY_TASK_ID),
	// or once, and print a job id.
	os.WriteFile(filepath.Join(fake, "sbatch"), []byte(`#!/usr/bin/env bash
set -e
array= wrap=
for a in "$@"; do
	case "$a" in
	--array=*) array=${a#--array=} ;;
	--wrap=*) wrap=${a#--wrap=} ;;
	esac
done
if [ -n "$array" ]; then
	for i in $(seq "${array%-*}" "${array#*-}"); do SLURM_ARRAY_TASK_ID=$i bash -c "$wrap"; done
else
	bash -c "$wrap"
fi
echo 42
`), 0o755)
	cmd := exec.Command("bash", filepath.Join("..", "..", "deploy", "slurm", "sweep.sh"), scenario)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+fake+":"+os.Getenv("PATH"), "JIRGA="+bin, "N=3", "DRAWS=50", "MODEL=mean,nbs", "SEED=4")
	abs, _ := filepath.Abs(filepath.Join("..", "..", "deploy", "slurm", "sweep.sh"))
	cmd.Args[1] = abs
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sweep.sh: %v\n%s", err, out)
	}
	got, err := os.ReadFile(filepath.Join(dir, "result.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want, _, _ := run(t, "sweep", scenario, "--model=mean,nbs", "--draws=50", "--seed=4")
	if string(got) != want {
		t.Fatalf("result.txt:\n%s\nwant\n%s", got, want)
	}
	if shards, _ := filepath.Glob(filepath.Join(dir, "shards", "shard-*.json")); len(shards) != 3 {
		t.Errorf("%d shard files, want 3", len(shards))
	}
	if !regexp.MustCompile(`--array="0-\$\(\(N - 1\)\)"`).MatchString(mustRead(t, abs)) {
		t.Error("sweep.sh does not number its tasks 0 … N−1")
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
