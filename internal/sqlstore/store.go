package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jirga/jirga"
)

// Dialect is what differs between the SQL backends.
type Dialect struct {
	// Name is "sqlite" or "postgres".
	Name string
	// Dollar numbers placeholders $1, $2, ... instead of ?.
	Dollar bool
	// LockScenario is appended to the SELECT that reads a scenario before a
	// new version is written (FOR UPDATE in PostgreSQL).
	LockScenario string
	// IsUnique reports whether err is a unique-constraint violation.
	IsUnique func(error) bool
}

// DB is a jirga.Store on a database/sql handle.
type DB struct {
	db *sql.DB
	d  Dialect
	// Now returns the current time; tests may replace it.
	Now func() time.Time
	// Fault, when set, is called with the name of each operation on runs
	// and scenarios before it runs ("create run", "update run", "find
	// run", "find runs", "lock run", "find scenario"); an error it returns
	// is returned instead. Tests of recovery from store errors set it.
	Fault func(op string) error
}

func (db *DB) fault(op string) error {
	if db.Fault == nil {
		return nil
	}
	return db.Fault(op)
}

var _ jirga.Store = (*DB)(nil)

// New wraps db, which the returned DB owns and closes.
func New(db *sql.DB, d Dialect) *DB {
	return &DB{db: db, d: d, Now: time.Now}
}

// Close closes the database.
func (db *DB) Close() error { return db.db.Close() }

// SQL returns the underlying handle, for tests.
func (db *DB) SQL() *sql.DB { return db.db }

// q rewrites ? placeholders for the dialect.
func (db *DB) q(query string) string {
	if !db.d.Dollar {
		return query
	}
	var b strings.Builder
	n := 0
	for _, c := range query {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Migrate applies, in name order, every *.sql file in dir of fsys that has
// not been applied yet, each in its own transaction, and records it in the
// table migrations.
func (db *DB) Migrate(ctx context.Context, fsys embed.FS, dir string) error {
	if _, err := db.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY)`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	names, err := fs.Glob(fsys, dir+"/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := db.migrate(ctx, fsys, name); err != nil {
			return fmt.Errorf("migration error: name=%q err=%w", name, err)
		}
	}
	return nil
}

func (db *DB) migrate(ctx context.Context, fsys embed.FS, name string) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM migrations WHERE name = ?`), name).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	body, err := fsys.ReadFile(name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO migrations (name) VALUES (?)`), name); err != nil {
		return err
	}
	return tx.Commit()
}

// ts converts a time for storage: text in SQLite, timestamptz in PostgreSQL.
func (db *DB) ts(t time.Time) any {
	t = t.UTC()
	if db.d.Name == "sqlite" {
		return t.Format(time.RFC3339Nano)
	}
	return t
}

// sortable converts a time for storage where the database compares it:
// in SQLite text of a fixed width, which sorts as the times do.
func (db *DB) sortable(t time.Time) any {
	t = t.UTC()
	if db.d.Name == "sqlite" {
		return t.Format("2006-01-02T15:04:05.000000000Z")
	}
	return t
}

// timeVal scans a time stored by ts. A value that is not a time is not a
// scan error, so that one damaged row can be reported without failing the
// rows around it: bad is set instead.
type timeVal struct {
	t     time.Time
	valid bool
	bad   bool
}

func (v *timeVal) Scan(src any) error {
	switch x := src.(type) {
	case nil:
		v.valid = false
	case time.Time:
		v.t, v.valid = x.UTC(), true
	case string:
		v.parse(x)
	case []byte:
		v.parse(string(x))
	default:
		v.bad = true
	}
	return nil
}

func (v *timeVal) parse(s string) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		v.bad = true
		return
	}
	v.t, v.valid = t.UTC(), true
}

// CreateScenario saves s as version 1 of a new scenario.
func (db *DB) CreateScenario(ctx context.Context, s *jirga.Scenario) (*jirga.ScenarioVersion, error) {
	body, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	now := db.Now().UTC()
	var n int
	if err := tx.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM scenarios WHERE id = ?`), s.ID).Scan(&n); err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, jirga.Errorf(jirga.ECONFLICT, "scenario %q exists; save a new version of it instead", s.ID)
	}
	if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO scenarios (id, latest, created_at) VALUES (?, 1, ?)`), s.ID, db.ts(now)); err != nil {
		if db.d.IsUnique != nil && db.d.IsUnique(err) {
			return nil, jirga.Errorf(jirga.ECONFLICT, "scenario %q exists; save a new version of it instead", s.ID)
		}
		return nil, err
	}
	if err := db.insertVersion(ctx, tx, s, 1, body, now); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return &jirga.ScenarioVersion{ID: s.ID, Version: 1, Title: s.Title, Scenario: s, CreatedAt: now}, nil
}

func (db *DB) insertVersion(ctx context.Context, tx *sql.Tx, s *jirga.Scenario, version int, body []byte, now time.Time) error {
	_, err := tx.ExecContext(ctx, db.q(`INSERT INTO scenario_versions (scenario_id, version, title, body, created_at) VALUES (?, ?, ?, ?, ?)`),
		s.ID, version, s.Title, string(body), db.ts(now))
	return err
}

// UpdateScenario saves s as the next version of scenario s.ID.
func (db *DB) UpdateScenario(ctx context.Context, s *jirga.Scenario) (*jirga.ScenarioVersion, error) {
	body, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var latest int
	err = tx.QueryRowContext(ctx, db.q(`SELECT latest FROM scenarios WHERE id = ?`+db.d.LockScenario), s.ID).Scan(&latest)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, jirga.Errorf(jirga.ENOTFOUND, "scenario %q not found", s.ID)
	} else if err != nil {
		return nil, err
	}
	now := db.Now().UTC()
	v := latest + 1
	if _, err := tx.ExecContext(ctx, db.q(`UPDATE scenarios SET latest = ? WHERE id = ?`), v, s.ID); err != nil {
		return nil, err
	}
	if err := db.insertVersion(ctx, tx, s, v, body, now); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return &jirga.ScenarioVersion{ID: s.ID, Version: v, Title: s.Title, Scenario: s, CreatedAt: now}, nil
}

// FindScenario returns a version of a scenario, the latest for version 0.
func (db *DB) FindScenario(ctx context.Context, id string, version int) (*jirga.ScenarioVersion, error) {
	if err := db.fault("find scenario"); err != nil {
		return nil, err
	}
	var row *sql.Row
	if version == 0 {
		row = db.db.QueryRowContext(ctx, db.q(`SELECT v.version, v.title, v.body, v.created_at FROM scenario_versions v
			JOIN scenarios s ON s.id = v.scenario_id AND s.latest = v.version WHERE s.id = ?`), id)
	} else {
		row = db.db.QueryRowContext(ctx, db.q(`SELECT version, title, body, created_at FROM scenario_versions
			WHERE scenario_id = ? AND version = ?`), id, version)
	}
	sv := &jirga.ScenarioVersion{ID: id}
	var body string
	var created timeVal
	err := row.Scan(&sv.Version, &sv.Title, &body, &created)
	if errors.Is(err, sql.ErrNoRows) {
		if version == 0 {
			return nil, jirga.Errorf(jirga.ENOTFOUND, "scenario %q not found", id)
		}
		return nil, jirga.Errorf(jirga.ENOTFOUND, "scenario %q version %d not found", id, version)
	} else if err != nil {
		return nil, err
	}
	sv.CreatedAt = created.t
	sv.Scenario = new(jirga.Scenario)
	if err := json.Unmarshal([]byte(body), sv.Scenario); err != nil {
		return nil, fmt.Errorf("scenario %q version %d: %w", id, sv.Version, err)
	}
	return sv, nil
}

// FindScenarios returns the latest version of every scenario.
func (db *DB) FindScenarios(ctx context.Context) ([]*jirga.ScenarioVersion, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT s.id, v.version, v.title, v.created_at FROM scenarios s
		JOIN scenario_versions v ON v.scenario_id = s.id AND v.version = s.latest ORDER BY s.id`)
	if err != nil {
		return nil, err
	}
	return scanVersions(rows)
}

// FindScenarioVersions returns every version of a scenario, oldest first.
func (db *DB) FindScenarioVersions(ctx context.Context, id string) ([]*jirga.ScenarioVersion, error) {
	rows, err := db.db.QueryContext(ctx, db.q(`SELECT scenario_id, version, title, created_at FROM scenario_versions
		WHERE scenario_id = ? ORDER BY version`), id)
	if err != nil {
		return nil, err
	}
	out, err := scanVersions(rows)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, jirga.Errorf(jirga.ENOTFOUND, "scenario %q not found", id)
	}
	return out, nil
}

func scanVersions(rows *sql.Rows) ([]*jirga.ScenarioVersion, error) {
	defer rows.Close()
	out := []*jirga.ScenarioVersion{}
	for rows.Next() {
		sv := &jirga.ScenarioVersion{}
		var created timeVal
		if err := rows.Scan(&sv.ID, &sv.Version, &sv.Title, &created); err != nil {
			return nil, err
		}
		sv.CreatedAt = created.t
		out = append(out, sv)
	}
	return out, rows.Err()
}

// CreateRun stores r and sets its ID and CreatedAt.
func (db *DB) CreateRun(ctx context.Context, r *jirga.RunRecord) error {
	return db.Tx(ctx, func(q Querier) error { return db.CreateRunTx(ctx, q, r) })
}

// CreateRunTx is CreateRun in the transaction q.
func (db *DB) CreateRunTx(ctx context.Context, q Querier, r *jirga.RunRecord) error {
	if err := db.fault("create run"); err != nil {
		return err
	}
	models, err := json.Marshal(r.Models)
	if err != nil {
		return err
	}
	opts, err := json.Marshal(r.Options)
	if err != nil {
		return err
	}
	var n int
	if err := q.QueryRow(ctx, db.q(`SELECT COUNT(*) FROM scenario_versions WHERE scenario_id = ? AND version = ?`),
		r.ScenarioID, r.Version).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return jirga.Errorf(jirga.ENOTFOUND, "scenario %q version %d not found", r.ScenarioID, r.Version)
	}
	now := db.Now().UTC()
	var id int64
	err = q.QueryRow(ctx, db.q(`INSERT INTO runs (scenario_id, version, kind, models, options, seed, engine_version,
		input_hash, status, result, error, created_at, finished_at, restarts, parts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		r.ScenarioID, r.Version, string(r.Kind), string(models), string(opts), int64(r.Seed), r.EngineVersion,
		r.InputHash, string(r.Status), nullJSON(r.Result), r.Error, db.ts(now), db.nullTime(r.FinishedAt), r.Restarts, max(r.Parts, 1)).Scan(&id)
	if err != nil {
		return err
	}
	r.ID, r.CreatedAt, r.Parts = id, now, max(r.Parts, 1)
	return nil
}

func nullJSON(b json.RawMessage) any {
	if b == nil {
		return nil
	}
	return string(b)
}

func (db *DB) nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return db.ts(*t)
}

// UpdateRun stores r's status, result, error and finish time.
func (db *DB) UpdateRun(ctx context.Context, r *jirga.RunRecord) error {
	if err := db.fault("update run"); err != nil {
		return err
	}
	res, err := db.db.ExecContext(ctx, db.q(`UPDATE runs SET status = ?, result = ?, error = ?, finished_at = ?, restarts = ? WHERE id = ?`),
		string(r.Status), nullJSON(r.Result), r.Error, db.nullTime(r.FinishedAt), r.Restarts, r.ID)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return jirga.Errorf(jirga.ENOTFOUND, "run %d not found", r.ID)
	}
	return nil
}

const runColumns = `id, scenario_id, version, kind, models, options, seed, engine_version, input_hash, status, error, created_at, finished_at, restarts, parts,
	(SELECT COALESCE(SUM(done), 0) FROM run_parts WHERE run_id = runs.id AND part >= 0),
	(SELECT COALESCE(SUM(hi - lo), 0) FROM run_parts WHERE run_id = runs.id AND part >= 0)`

// FindRun returns the run with the given id.
func (db *DB) FindRun(ctx context.Context, id int64) (*jirga.RunRecord, error) {
	if err := db.fault("find run"); err != nil {
		return nil, err
	}
	row := db.db.QueryRowContext(ctx, db.q(`SELECT `+runColumns+`, result FROM runs WHERE id = ?`), id)
	r, err := scanRun(row.Scan, true)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, jirga.Errorf(jirga.ENOTFOUND, "run %d not found", id)
	}
	return r, err
}

// FindRuns returns the runs matching f, newest first, without results.
func (db *DB) FindRuns(ctx context.Context, f jirga.RunFilter) ([]*jirga.RunRecord, error) {
	if err := db.fault("find runs"); err != nil {
		return nil, err
	}
	var where []string
	var args []any
	if f.ScenarioID != "" {
		where, args = append(where, "scenario_id = ?"), append(args, f.ScenarioID)
	}
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, string(f.Kind))
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, string(f.Status))
	}
	query := `SELECT ` + runColumns + ` FROM runs`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	query += " ORDER BY id DESC LIMIT ? OFFSET ?"
	args = append(args, limit, max(f.Offset, 0))
	rows, err := db.db.QueryContext(ctx, db.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*jirga.RunRecord{}
	for rows.Next() {
		r, err := scanRun(rows.Scan, false)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func scanRun(scan func(...any) error, withResult bool) (*jirga.RunRecord, error) {
	r := &jirga.RunRecord{}
	var kind, models, opts, status string
	var seed int64
	var created, finished timeVal
	var result sql.NullString
	var done, total int64
	dest := []any{&r.ID, &r.ScenarioID, &r.Version, &kind, &models, &opts, &seed, &r.EngineVersion, &r.InputHash,
		&status, &r.Error, &created, &finished, &r.Restarts, &r.Parts, &done, &total}
	if withResult {
		dest = append(dest, &result)
	}
	if err := scan(dest...); err != nil {
		return nil, err
	}
	r.Kind, r.Status, r.Seed = jirga.RunKind(kind), jirga.RunStatus(status), uint64(seed)
	if total > 0 {
		r.Progress = &jirga.Progress{Done: done, Total: total}
	}
	// A field that does not decode marks the run damaged rather than
	// failing it, so that a list of runs still shows the others.
	var damaged []string
	if json.Unmarshal([]byte(models), &r.Models) != nil {
		r.Models = nil
		damaged = append(damaged, "models")
	}
	if json.Unmarshal([]byte(opts), &r.Options) != nil {
		r.Options = jirga.RunOptions{}
		damaged = append(damaged, "options")
	}
	if created.bad {
		damaged = append(damaged, "created_at")
	}
	r.CreatedAt = created.t
	if finished.bad {
		damaged = append(damaged, "finished_at")
	}
	if finished.valid {
		t := finished.t
		r.FinishedAt = &t
	}
	if result.Valid {
		if json.Valid([]byte(result.String)) {
			r.Result = json.RawMessage(result.String)
		} else {
			damaged = append(damaged, "result")
		}
	}
	if len(damaged) > 0 {
		r.Damaged = strings.Join(damaged, ", ") + ": not readable as stored"
	}
	return r, nil
}
