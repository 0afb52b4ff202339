package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/cost"
	"github.com/jirga/jirga/models"
)

// longRun is the estimated wall time beyond which a command warns before it
// starts.
const longRun = time.Minute

// job returns the cost.Job of the chosen models for a kind of computation.
func (f *modelFlags) job(kind jirga.RunKind) cost.Job {
	names, _ := models.Parse(f.list) // build has checked the list
	return cost.Job{Kind: kind, Models: names, Rounds: f.rounds, Params: cost.Params(f.opts)}
}

// warnCost writes a warning to stderr before a computation that the
// estimate of package cost (the one jirga serve uses for its budget) says
// will take longer than a minute, or need more memory than the machine has
// available. Each job is run on every scenario in turn; workers is the
// number of goroutines computing draws (0: GOMAXPROCS). The command then
// runs anyway: the estimate is of the order of magnitude, and Ctrl-C stops
// it.
func (m *Main) warnCost(cmd string, ss []*jirga.Scenario, workers int, jobs ...cost.Job) {
	var e cost.Estimate
	for _, s := range ss {
		sz := cost.SizeOf(s)
		for _, j := range jobs {
			x := cost.Of(sz, j)
			e.Seconds += x.Seconds
			e.Bytes = max(e.Bytes, x.Bytes)
		}
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	parallel := 1
	for _, j := range jobs {
		if j.Kind == jirga.KindSweep || j.Kind == jirga.KindDeal {
			parallel = min(workers, runtime.NumCPU())
		}
	}
	wall := e.Seconds / float64(parallel)
	avail := m.availableMemory()
	if avail > 0 && e.Bytes > avail {
		fmt.Fprintf(m.Stderr, "jirga %s: warning: this run needs an estimated %s of memory, more than the %s this machine has available; it may fail or slow the machine down (fewer actors, draws or rounds need less)\n",
			cmd, cost.Bytes(e.Bytes), cost.Bytes(avail))
	}
	if wall > longRun.Seconds() {
		fmt.Fprintf(m.Stderr, "jirga %s: warning: this run will take an estimated %s; press Ctrl-C to stop it\n", cmd, cost.Duration(wall))
	}
}

// availableMemory returns the memory, in bytes, the machine has available
// for a new computation, or 0 when it cannot tell.
func (m *Main) availableMemory() float64 {
	if m.AvailableMemory != nil {
		return m.AvailableMemory()
	}
	return meminfoAvailable()
}

// meminfoAvailable reads MemAvailable from /proc/meminfo (Linux).
func meminfoAvailable() float64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "MemAvailable:"); ok {
			fields := strings.Fields(v)
			if len(fields) == 2 && fields[1] == "kB" {
				kb, err := strconv.ParseFloat(fields[0], 64)
				if err == nil {
					return kb * 1024
				}
			}
		}
	}
	return 0
}
