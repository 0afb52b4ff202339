package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"time"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/httpapi"
	"github.com/jirga/jirga/kinds"
	"github.com/jirga/jirga/queue"
)

func runWorker(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("worker", "[flags]", `
Compute runs without serving HTTP: take the runs (and the parts of runs cut
into parts) that jirga serve stores in the database --db, beside the serve
replicas and other workers on any number of machines, until SIGINT or
SIGTERM. Start as many as the machines have cores to spare: each computes
--workers parts at once. A worker that dies (killed, out of memory) has its
parts taken over by the others after --worker-timeout; a graceful stop
hands its running parts back after --grace.

The budget flags are serve's: a run over the budget of the worker that
takes it is failed with the reason. The database is a postgres:// URL (or a
SQLite file shared by processes on one machine). See docs/scale.md.`)
	var qf queueFlags
	qf.register(fs, false)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr(fs, "worker takes no arguments, got %q", pos)
	}
	if err := qf.check(fs, m); err != nil {
		return err
	}
	store, err := openStore(ctx, qf.db)
	if err != nil {
		return err
	}
	defer store.Close()
	qf.setMemoryLimit()
	log := slog.New(slog.NewTextHandler(m.Stderr, nil))
	cfg := qf.config("worker", log)
	budget := qf.budget()
	cfg.Admit = func(s *jirga.Scenario, run *jirga.RunRecord) error { return budget.Admit(s, run) }
	q, err := queue.Open(ctx, store, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "jirga: worker %s computing %d runs at once (database %s)\n", q.ID(), cfg.Workers, redact(qf.db))
	<-ctx.Done()
	fmt.Fprintln(m.Stderr, "jirga: stopping; running runs get --grace to finish, then are handed back")
	return q.Close()
}

// queueFlags are the flags of serve and worker that say where runs are
// stored and how they are computed.
type queueFlags struct {
	db, dbPasswordFile                                                                    string
	workers, maxQueue, maxResumes, maxAttempts, maxParts                                  int
	maxTime, maxCPU, grace, retryBackoff, rescueAfter, heartbeat, workerTimeout, partTime time.Duration
	maxMemory, cacheMemory                                                                byteSize
	set                                                                                   map[string]bool
}

func (f *queueFlags) register(fs *flag.FlagSet, serve bool) {
	f.maxMemory, f.cacheMemory = byteSize(httpapi.DefaultMaxRunMemory), byteSize(httpapi.DefaultCacheBytes)
	fs.StringVar(&f.db, "db", "jirga.db", "SQLite file, or a postgres:// URL (default $JIRGA_DB when set, which keeps a password out of the process list)")
	fs.StringVar(&f.dbPasswordFile, "db-password-file", "", "file holding the PostgreSQL password (PGPASSWORD and ~/.pgpass also work)")
	workers := "runs (or parts of runs) computed at once by this process"
	if serve {
		workers += "; 0 computes none, leaving them to other serve replicas and jirga worker processes"
	}
	fs.IntVar(&f.workers, "workers", httpapi.DefaultWorkers, workers)
	fs.Var(&f.maxMemory, "max-run-memory", "estimated memory a run may need, e.g. 512MiB or 2GB; larger runs are refused")
	fs.DurationVar(&f.maxTime, "max-run-time", httpapi.DefaultMaxRunTime, "estimated CPU time a run, or each part of a run cut into parts, may need, and the wall time it may run before it is stopped")
	fs.DurationVar(&f.maxCPU, "max-run-cpu", httpapi.DefaultMaxRunCPU, "estimated CPU time a run cut into parts may need in all")
	fs.IntVar(&f.maxResumes, "max-resumes", httpapi.DefaultMaxResumes, "times a run whose process died while computing it is resumed before it is failed")
	fs.Var(&f.cacheMemory, "cache-memory", "memory of the decoded scenario versions kept for runs")
	if serve {
		fs.IntVar(&f.maxQueue, "max-queue", httpapi.DefaultMaxQueue, "runs queued or running on the database beyond which new runs are refused (503)")
	}
	fs.DurationVar(&f.grace, "grace", queue.DefaultGrace, "at shutdown, how long running runs may finish before they are handed back")
	fs.IntVar(&f.maxAttempts, "max-attempts", queue.DefaultMaxAttempts, "times a run's job is tried after store errors before the run fails")
	fs.DurationVar(&f.retryBackoff, "retry-backoff", queue.DefaultRetryBackoff, "wait before a job is tried again after a store error, doubling each time up to 10m")
	fs.DurationVar(&f.rescueAfter, "rescue-after", 0, "how long a job may run before River's rescuer takes it for dead (default --max-run-time + 1m; must exceed it)")
	fs.DurationVar(&f.heartbeat, "heartbeat", queue.DefaultHeartbeat, "how often this process says it is alive")
	fs.DurationVar(&f.workerTimeout, "worker-timeout", 0, "how long after its last heartbeat a process is taken for dead and its runs taken over (default 6 heartbeats)")
	fs.DurationVar(&f.partTime, "part-time", queue.DefaultPartTime, "estimated CPU time of each part a sweep, deal or levers run is cut into")
	fs.IntVar(&f.maxParts, "max-parts", queue.DefaultMaxParts, "most parts a run is cut into")
	f.set = map[string]bool{}
}

// check applies $JIRGA_DB and --db-password-file and checks the values.
func (f *queueFlags) check(fs *flag.FlagSet, m *Main) error {
	fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
	name := fs.Name()
	if !f.set["db"] && os.Getenv("JIRGA_DB") != "" {
		f.db = os.Getenv("JIRGA_DB")
	} else if f.set["db"] && hasPassword(f.db) {
		fmt.Fprintf(m.Stderr, "jirga %s: warning: the password in --db is visible in the process list; set JIRGA_DB, PGPASSWORD or --db-password-file instead\n", name)
	}
	switch {
	case f.workers < 0 || f.workers < 1 && name == "worker":
		return jirga.Errorf(jirga.EINVALID, "%s: --workers must be ≥ %d, got %d", name, map[bool]int{true: 1, false: 0}[name == "worker"], f.workers)
	case f.maxMemory < 1<<20:
		return jirga.Errorf(jirga.EINVALID, "%s: --max-run-memory must be at least 1MiB, got %s", name, f.maxMemory.String())
	case f.maxTime < time.Second:
		return jirga.Errorf(jirga.EINVALID, "%s: --max-run-time must be at least 1s, got %v", name, f.maxTime)
	case f.maxCPU < f.maxTime:
		return jirga.Errorf(jirga.EINVALID, "%s: --max-run-cpu must be at least --max-run-time (%v), got %v", name, f.maxTime, f.maxCPU)
	case f.maxResumes < 0:
		return jirga.Errorf(jirga.EINVALID, "%s: --max-resumes must be ≥ 0, got %d", name, f.maxResumes)
	case f.set["max-queue"] && f.maxQueue < 1:
		return jirga.Errorf(jirga.EINVALID, "%s: --max-queue must be ≥ 1, got %d", name, f.maxQueue)
	case f.grace <= 0:
		return jirga.Errorf(jirga.EINVALID, "%s: --grace must be > 0, got %v", name, f.grace)
	case f.maxAttempts < 1:
		return jirga.Errorf(jirga.EINVALID, "%s: --max-attempts must be ≥ 1, got %d", name, f.maxAttempts)
	case f.retryBackoff <= 0:
		return jirga.Errorf(jirga.EINVALID, "%s: --retry-backoff must be > 0, got %v", name, f.retryBackoff)
	case f.rescueAfter != 0 && f.rescueAfter <= f.maxTime:
		return jirga.Errorf(jirga.EINVALID, "%s: --rescue-after must be longer than --max-run-time (%v), got %v: River would retry jobs that are still running", name, f.maxTime, f.rescueAfter)
	case f.heartbeat <= 0:
		return jirga.Errorf(jirga.EINVALID, "%s: --heartbeat must be > 0, got %v", name, f.heartbeat)
	case f.workerTimeout != 0 && f.workerTimeout < 2*f.heartbeat:
		return jirga.Errorf(jirga.EINVALID, "%s: --worker-timeout must be at least two heartbeats (%v), got %v", name, 2*f.heartbeat, f.workerTimeout)
	case f.partTime <= 0:
		return jirga.Errorf(jirga.EINVALID, "%s: --part-time must be > 0, got %v", name, f.partTime)
	case f.maxParts < 1 || f.maxParts > 10000:
		return jirga.Errorf(jirga.EINVALID, "%s: --max-parts must be in [1, 10000], got %d", name, f.maxParts)
	}
	if f.dbPasswordFile != "" {
		db, err := withPasswordFile(f.db, f.dbPasswordFile)
		if err != nil {
			return err
		}
		f.db = db
	}
	return nil
}

// config returns the queue's settings for a process of role.
func (f *queueFlags) config(role string, log *slog.Logger) queue.Config {
	resumes := f.maxResumes
	if resumes == 0 {
		resumes = -1 // queue.Config: negative means never resume
	}
	workers := f.workers
	if workers == 0 {
		workers = -1 // queue.Config: negative means compute none
	}
	return queue.Config{Role: role, Workers: workers, MaxQueue: f.maxQueue, MaxRunTime: f.maxTime, MaxResumes: resumes,
		MaxAttempts: f.maxAttempts, RetryBackoff: f.retryBackoff, RescueAfter: f.rescueAfter, Heartbeat: f.heartbeat,
		WorkerTimeout: f.workerTimeout, Grace: f.grace, CacheBytes: int64(f.cacheMemory), PartTime: f.partTime, MaxParts: f.maxParts,
		Logger: log}
}

// budget is the budget the flags set.
func (f *queueFlags) budget() kinds.Budget {
	return kinds.Budget{Memory: int64(f.maxMemory), Time: f.maxTime, CPU: f.maxCPU}
}

// setMemoryLimit sets a soft memory limit above what the budgets allow
// (each worker's run, the scenario cache, an import and the process
// itself), so that the garbage collector works harder before the process
// grows past it, unless GOMEMLIMIT is set.
func (f *queueFlags) setMemoryLimit() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(int64(max(f.workers, 1))*int64(f.maxMemory) + int64(f.cacheMemory) + 1<<30)
	}
}
