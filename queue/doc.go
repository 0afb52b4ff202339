// Package queue computes stored runs on River (github.com/riverqueue/river),
// a job queue that keeps its jobs in the store's own database, PostgreSQL
// or SQLite: any number of processes on that database, jirga serve replicas
// and jirga worker processes, take work from it.
//
// # Runs, parts and jobs
//
// A run is computed in parts (table run_parts), each a River job: one part
// for most runs; for a run whose loop is cut up (the draws of a sweep or a
// deal, the nudges of a levers analysis: package kinds), one part per range
// of the loop and a last part that merges them, inserted when the others
// are done. [Queue.Submit] stores the run, its parts and their jobs in one
// transaction: no run without its jobs, no job without its run.
//
// # Exactly once
//
// A part is computed by the job its row names, in the attempt its row
// names; every write of an outcome is conditional on both, so a worker that
// lost its part (taken over after its heartbeat stopped, or its job rescued
// by River) can never overwrite it, and a run's result is stored once.
// Every attempt is recorded with its outcome in table executions.
//
// # Failures
//
//   - A worker killed while computing: its heartbeat stops, and after
//     Config.WorkerTimeout any process takes its parts over (a new job each,
//     the old one cancelled); River's own rescuer (after
//     Config.RescueAfter, longer than the wall-time limit of a part) is the
//     backstop. A part taken over more than Config.MaxResumes times fails
//     its run with the reason, so a run that kills its workers does not
//     loop.
//   - A store error: the job returns it and River retries it after a
//     back-off (Config.RetryBackoff doubling, up to Config.MaxAttempts);
//     an outcome computed is stored again until it is.
//   - A part still running after Config.MaxRunTime fails its run.
//   - A graceful stop lets running parts finish for Config.Grace, then
//     hands them back: they are queued again and River makes their jobs
//     available without counting an attempt.
//   - Cancel, from any process, marks the run canceled and cancels its
//     jobs; a running one sees its context cancelled.
//
// Every Config.RecoverEvery each process also takes up runs stored without
// parts (by Store.CreateRun alone, or by an older server) and parts whose
// job River gave up (failing their run with River's last error).
package queue
