package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/jirga/jirga"
)

// MergePart is the number of the part of a run of several parts that
// merges them.
const MergePart = -1

// Part is one part of a run's work (a row of run_parts), computed by one
// River job at a time: the iterations Lo … Hi−1 of the run's loop, the
// whole run when it has one part, or the merge of the parts (MergePart).
type Part struct {
	Run int64
	// Index is the part's number: 0 … parts−1, or MergePart.
	Index  int
	Lo, Hi int
	// Status is one of the run statuses but running means an attempt is
	// computing it.
	Status jirga.RunStatus
	// Done counts the iterations done, for progress.
	Done  int
	Error string
	// Result is what the part computed, set by FindParts with results.
	Result json.RawMessage
	// JobID is the River job that computes the part; Attempt is that
	// job's attempt computing it now, on Worker.
	JobID    int64
	Attempt  int
	Worker   string
	Restarts int
}

const partColumns = `run_id, part, lo, hi, status, done, error, COALESCE(job_id, 0), attempt, worker, restarts`

func scanPart(scan func(...any) error, result *sql.NullString) (*Part, error) {
	p := &Part{}
	var status string
	dest := []any{&p.Run, &p.Index, &p.Lo, &p.Hi, &status, &p.Done, &p.Error, &p.JobID, &p.Attempt, &p.Worker, &p.Restarts}
	if result != nil {
		dest = append(dest, result)
	}
	if err := scan(dest...); err != nil {
		return nil, err
	}
	p.Status = jirga.RunStatus(status)
	if result != nil && result.Valid {
		p.Result = json.RawMessage(result.String)
	}
	return p, nil
}

// InsertPart stores p.
func (db *DB) InsertPart(ctx context.Context, q Querier, p *Part) error {
	_, err := q.Exec(ctx, db.q(`INSERT INTO run_parts (run_id, part, lo, hi, status, done, error, job_id, attempt, worker, restarts)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), p.Run, p.Index, p.Lo, p.Hi, string(p.Status), p.Done, p.Error, nullID(p.JobID), p.Attempt, p.Worker, p.Restarts)
	return err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// FindPart returns part n of run, without its result; ENOTFOUND if there
// is none.
func (db *DB) FindPart(ctx context.Context, q Querier, run int64, n int) (*Part, error) {
	p, err := scanPart(q.QueryRow(ctx, db.q(`SELECT `+partColumns+` FROM run_parts WHERE run_id = ? AND part = ?`), run, n).Scan, nil)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, jirga.Errorf(jirga.ENOTFOUND, "run %d has no part %d", run, n)
	}
	return p, err
}

// FindParts returns the parts of run in order (the merge first), with
// their results when results is set.
func (db *DB) FindParts(ctx context.Context, q Querier, run int64, results bool) ([]*Part, error) {
	cols := partColumns
	if results {
		cols += ", result"
	}
	rows, err := q.Query(ctx, db.q(`SELECT `+cols+` FROM run_parts WHERE run_id = ? ORDER BY part`), run)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Part
	for rows.Next() {
		var res *sql.NullString
		if results {
			res = new(sql.NullString)
		}
		p, err := scanPart(rows.Scan, res)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// UpdatePart stores p's status, progress, error, result (when not nil; an
// empty one clears it), job, attempt, worker and restarts. When guard is
// set it changes the part only if it is still running in guard's job and
// attempt, so that a worker that lost the part (taken over, or its run
// canceled) cannot overwrite it; it reports whether it changed the part.
func (db *DB) UpdatePart(ctx context.Context, q Querier, p *Part, guard *Part) (bool, error) {
	query := `UPDATE run_parts SET status = ?, done = ?, error = ?, job_id = ?, attempt = ?, worker = ?, restarts = ?`
	args := []any{string(p.Status), p.Done, p.Error, nullID(p.JobID), p.Attempt, p.Worker, p.Restarts}
	if p.Result != nil {
		query += `, result = ?`
		args = append(args, nullJSON(p.Result))
		if len(p.Result) == 0 {
			args[len(args)-1] = nil
		}
	}
	query += ` WHERE run_id = ? AND part = ?`
	args = append(args, p.Run, p.Index)
	if guard != nil {
		query += ` AND job_id = ? AND attempt = ? AND status = 'running'`
		args = append(args, guard.JobID, guard.Attempt)
	}
	n, err := q.Exec(ctx, db.q(query), args...)
	return n > 0, err
}

// SetProgress records that the part's attempt has done done iterations,
// unless another attempt has taken the part over.
func (db *DB) SetProgress(ctx context.Context, p *Part, done int) error {
	_, err := db.db.ExecContext(ctx, db.q(`UPDATE run_parts SET done = ? WHERE run_id = ? AND part = ? AND job_id = ? AND attempt = ? AND status = 'running'`),
		done, p.Run, p.Index, p.JobID, p.Attempt)
	return err
}

// LockRun locks run for the rest of the transaction q (in PostgreSQL its
// row; SQLite serialises writers anyway), so that the transitions of its
// parts, which all begin here, happen one at a time, and returns it
// without its result. ENOTFOUND if there is no such run.
func (db *DB) LockRun(ctx context.Context, q Querier, id int64) (*jirga.RunRecord, error) {
	if err := db.fault("lock run"); err != nil {
		return nil, err
	}
	n, err := q.Exec(ctx, db.q(`UPDATE runs SET parts = parts WHERE id = ?`), id)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, jirga.Errorf(jirga.ENOTFOUND, "run %d not found", id)
	}
	r, err := scanRun(q.QueryRow(ctx, db.q(`SELECT `+runColumns+` FROM runs WHERE id = ?`), id).Scan, false)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, jirga.Errorf(jirga.ENOTFOUND, "run %d not found", id)
	}
	return r, err
}

// SetRunStatus sets the status of run id to st, with its result, error and
// finish time when st is final, if the run is in one of the statuses from;
// it reports whether it did.
func (db *DB) SetRunStatus(ctx context.Context, q Querier, r *jirga.RunRecord, from ...jirga.RunStatus) (bool, error) {
	if err := db.fault("update run"); err != nil {
		return false, err
	}
	query := `UPDATE runs SET status = ?, result = ?, error = ?, finished_at = ?, restarts = ? WHERE id = ?`
	args := []any{string(r.Status), nullJSON(r.Result), r.Error, db.nullTime(r.FinishedAt), r.Restarts, r.ID}
	if len(from) > 0 {
		query += ` AND status IN (?` + repeat(", ?", len(from)-1) + `)`
		for _, st := range from {
			args = append(args, string(st))
		}
	}
	n, err := q.Exec(ctx, db.q(query), args...)
	return n > 0, err
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}

// AdmitRun counts the runs not finished, in a transaction that holds the
// queue's lock until it ends, so that admissions to a bounded queue happen
// one at a time across every process on the database.
func (db *DB) AdmitRun(ctx context.Context, q Querier) (unfinished int, err error) {
	if _, err := q.Exec(ctx, `UPDATE run_queue SET admitted = admitted + 1 WHERE id = 1`); err != nil {
		return 0, err
	}
	err = q.QueryRow(ctx, `SELECT COUNT(*) FROM runs WHERE status IN ('queued', 'running')`).Scan(&unfinished)
	return unfinished, err
}

// Execution is one attempt at computing a part (a row of executions).
type Execution struct {
	ID         int64
	Run        int64
	Part       int
	Worker     string
	JobID      int64
	Attempt    int
	StartedAt  time.Time
	FinishedAt *time.Time
	// Outcome is done, failed, canceled, handed back or superseded; empty
	// while the attempt runs, and forever when its worker died.
	Outcome string
}

// StartExecution records that an attempt started; it sets e.ID.
func (db *DB) StartExecution(ctx context.Context, q Querier, e *Execution) error {
	if e.StartedAt.IsZero() {
		e.StartedAt = db.Now().UTC()
	}
	return q.QueryRow(ctx, db.q(`INSERT INTO executions (run_id, part, worker, job_id, attempt, started_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`),
		e.Run, e.Part, e.Worker, e.JobID, e.Attempt, db.ts(e.StartedAt)).Scan(&e.ID)
}

// FinishExecution records the outcome of an attempt.
func (db *DB) FinishExecution(ctx context.Context, q Querier, id int64, outcome string) error {
	_, err := q.Exec(ctx, db.q(`UPDATE executions SET outcome = ?, finished_at = ? WHERE id = ?`), outcome, db.ts(db.Now()), id)
	return err
}

// Executions returns the attempts at computing run's parts, oldest first.
func (db *DB) Executions(ctx context.Context, run int64) ([]*Execution, error) {
	rows, err := db.db.QueryContext(ctx, db.q(`SELECT id, run_id, part, worker, job_id, attempt, started_at, finished_at, outcome
		FROM executions WHERE run_id = ? ORDER BY id`), run)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Execution
	for rows.Next() {
		e := &Execution{}
		var started, finished timeVal
		if err := rows.Scan(&e.ID, &e.Run, &e.Part, &e.Worker, &e.JobID, &e.Attempt, &started, &finished, &e.Outcome); err != nil {
			return nil, err
		}
		e.StartedAt = started.t
		if finished.valid {
			t := finished.t
			e.FinishedAt = &t
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Worker is a process that computes runs (a row of workers).
type Worker struct {
	// ID is the worker's River client id.
	ID string `json:"id"`
	// Role is "serve" or "worker".
	Role        string    `json:"role"`
	Host        string    `json:"host"`
	PID         int       `json:"pid"`
	Version     string    `json:"version"`
	Concurrency int       `json:"concurrency"`
	StartedAt   time.Time `json:"started_at"`
	SeenAt      time.Time `json:"seen_at"`
}

// Heartbeat records that w is alive now (db.Now), adding it if new.
func (db *DB) Heartbeat(ctx context.Context, w *Worker) error {
	w.SeenAt = db.Now().UTC()
	if w.StartedAt.IsZero() {
		w.StartedAt = w.SeenAt
	}
	n, err := db.SQL().ExecContext(ctx, db.q(`UPDATE workers SET seen_at = ?, concurrency = ? WHERE id = ?`), db.sortable(w.SeenAt), w.Concurrency, w.ID)
	if err != nil {
		return err
	}
	if k, _ := n.RowsAffected(); k > 0 {
		return nil
	}
	_, err = db.SQL().ExecContext(ctx, db.q(`INSERT INTO workers (id, role, host, pid, version, concurrency, started_at, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
		w.ID, w.Role, w.Host, w.PID, w.Version, w.Concurrency, db.sortable(w.StartedAt), db.sortable(w.SeenAt))
	return err
}

// Workers returns the workers seen since since, oldest first.
func (db *DB) Workers(ctx context.Context, since time.Time) ([]*Worker, error) {
	rows, err := db.db.QueryContext(ctx, db.q(`SELECT id, role, host, pid, version, concurrency, started_at, seen_at
		FROM workers WHERE seen_at >= ? ORDER BY started_at, id`), db.sortable(since))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Worker{}
	for rows.Next() {
		w := &Worker{}
		var started, seen timeVal
		if err := rows.Scan(&w.ID, &w.Role, &w.Host, &w.PID, &w.Version, &w.Concurrency, &started, &seen); err != nil {
			return nil, err
		}
		w.StartedAt, w.SeenAt = started.t, seen.t
		out = append(out, w)
	}
	return out, rows.Err()
}

// DeleteWorker removes worker id (at its shutdown), and every worker not
// seen since before.
func (db *DB) DeleteWorker(ctx context.Context, id string, before time.Time) error {
	_, err := db.db.ExecContext(ctx, db.q(`DELETE FROM workers WHERE id = ? OR seen_at < ?`), id, db.sortable(before))
	return err
}

// Stranded is a part of an unfinished run that no live job computes.
type Stranded struct {
	*Part
	// JobState is the state of its River job ("" when there is none).
	JobState string
	// WorkerDead is set when the part is running on a worker not seen
	// since the horizon given to StrandedParts.
	WorkerDead bool
}

// StrandedParts returns the parts of runs queued or running that are not
// finished and that no live job computes: without a job, with a job River
// has finished (completed, cancelled or discarded), or running on a worker
// not seen since alive.
func (db *DB) StrandedParts(ctx context.Context, alive time.Time, limit int) ([]*Stranded, error) {
	if err := db.fault("find runs"); err != nil {
		return nil, err
	}
	rows, err := db.db.QueryContext(ctx, db.q(`SELECT p.run_id, p.part, p.lo, p.hi, p.status, p.done, p.error, COALESCE(p.job_id, 0), p.attempt, p.worker, p.restarts,
			COALESCE(CAST(j.state AS TEXT), ''), CASE WHEN p.status = 'running' AND (w.id IS NULL OR w.seen_at < ?) THEN 1 ELSE 0 END
		FROM run_parts p
		JOIN runs r ON r.id = p.run_id
		LEFT JOIN river_job j ON j.id = p.job_id
		LEFT JOIN workers w ON w.id = p.worker
		WHERE r.status IN ('queued', 'running') AND p.status IN ('queued', 'running')
			AND (p.job_id IS NULL OR j.id IS NULL OR CAST(j.state AS TEXT) IN ('completed', 'cancelled', 'discarded')
				OR (p.status = 'running' AND (w.id IS NULL OR w.seen_at < ?)))
		ORDER BY p.run_id, p.part LIMIT ?`), db.sortable(alive), db.sortable(alive), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Stranded
	for rows.Next() {
		s := &Stranded{Part: &Part{}}
		var status string
		var dead int
		if err := rows.Scan(&s.Run, &s.Index, &s.Lo, &s.Hi, &status, &s.Done, &s.Error, &s.JobID, &s.Attempt, &s.Worker, &s.Restarts,
			&s.JobState, &dead); err != nil {
			return nil, err
		}
		s.Status, s.WorkerDead = jirga.RunStatus(status), dead == 1
		out = append(out, s)
	}
	return out, rows.Err()
}

// RunsWithoutParts returns the ids of runs queued or running that have no
// parts (stored by Store.CreateRun alone), oldest first.
func (db *DB) RunsWithoutParts(ctx context.Context, limit int) ([]int64, error) {
	if err := db.fault("find runs"); err != nil {
		return nil, err
	}
	rows, err := db.db.QueryContext(ctx, db.q(`SELECT id FROM runs r WHERE status IN ('queued', 'running')
		AND NOT EXISTS (SELECT 1 FROM run_parts p WHERE p.run_id = r.id) ORDER BY id LIMIT ?`), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// RunStatus returns the status of run id; ENOTFOUND if there is none.
func (db *DB) RunStatus(ctx context.Context, id int64) (jirga.RunStatus, error) {
	if err := db.fault("find run"); err != nil {
		return "", err
	}
	var st string
	err := db.db.QueryRowContext(ctx, db.q(`SELECT status FROM runs WHERE id = ?`), id).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		return "", jirga.Errorf(jirga.ENOTFOUND, "run %d not found", id)
	}
	return jirga.RunStatus(st), err
}

// ClearResults drops the results of run's parts, once merged.
func (db *DB) ClearResults(ctx context.Context, q Querier, run int64) error {
	_, err := q.Exec(ctx, db.q(`UPDATE run_parts SET result = NULL WHERE run_id = ?`), run)
	return err
}

// RunningParts returns, per worker, the parts it is computing now.
func (db *DB) RunningParts(ctx context.Context) (map[string][]*Part, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT `+partColumns+` FROM run_parts WHERE status = 'running' ORDER BY run_id, part`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]*Part{}
	for rows.Next() {
		p, err := scanPart(rows.Scan, nil)
		if err != nil {
			return nil, err
		}
		out[p.Worker] = append(out[p.Worker], p)
	}
	return out, rows.Err()
}

// SetParts stores the number of parts of run id.
func (db *DB) SetParts(ctx context.Context, q Querier, id int64, parts int) error {
	_, err := q.Exec(ctx, db.q(`UPDATE runs SET parts = ? WHERE id = ?`), parts, id)
	return err
}

// CountUnfinished returns the numbers of runs queued and running.
func (db *DB) CountUnfinished(ctx context.Context) (queued, running int, err error) {
	rows, err := db.db.QueryContext(ctx, `SELECT status, COUNT(*) FROM runs WHERE status IN ('queued', 'running') GROUP BY status`)
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return 0, 0, err
		}
		if st == string(jirga.RunQueued) {
			queued = n
		} else {
			running = n
		}
	}
	return queued, running, rows.Err()
}
