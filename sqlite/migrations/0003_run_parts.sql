-- Runs are computed in parts, each a River job (issue 16): one part for most
-- runs, several for the loops of sweeps, deals and levers analyses that are
-- cut up, which a last part (−1) merges.
ALTER TABLE runs ADD COLUMN parts INTEGER NOT NULL DEFAULT 1;

CREATE TABLE run_parts (
	run_id   INTEGER NOT NULL REFERENCES runs (id),
	part     INTEGER NOT NULL,           -- 0 … parts−1, or −1: the merge
	lo       INTEGER NOT NULL,           -- the iterations lo … hi−1 of the run's loop
	hi       INTEGER NOT NULL,
	status   TEXT NOT NULL,              -- queued, running, done, failed or canceled
	done     INTEGER NOT NULL DEFAULT 0, -- iterations done, for progress
	result   TEXT,                       -- what the part computed (JSON), until merged
	error    TEXT NOT NULL DEFAULT '',
	job_id   INTEGER,                    -- the River job that computes it
	attempt  INTEGER NOT NULL DEFAULT 0, -- that job's attempt computing it now
	worker   TEXT NOT NULL DEFAULT '',   -- the worker (River client) computing it now
	restarts INTEGER NOT NULL DEFAULT 0, -- times a worker died computing it
	PRIMARY KEY (run_id, part)
);

-- Every attempt at computing a part and its outcome: done, failed,
-- canceled, handed back (at a worker's shutdown), superseded (another
-- worker took the part over), or none when the worker died.
CREATE TABLE executions (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	run_id      INTEGER NOT NULL,
	part        INTEGER NOT NULL,
	worker      TEXT NOT NULL,
	job_id      INTEGER NOT NULL,
	attempt     INTEGER NOT NULL,
	started_at  TEXT NOT NULL,
	finished_at TEXT,
	outcome     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX executions_run ON executions (run_id, part);

-- The processes that compute runs (jirga serve and jirga worker), as of
-- their last heartbeat.
CREATE TABLE workers (
	id          TEXT PRIMARY KEY,
	role        TEXT NOT NULL,
	host        TEXT NOT NULL,
	pid         INTEGER NOT NULL,
	version     TEXT NOT NULL,
	concurrency INTEGER NOT NULL,
	started_at  TEXT NOT NULL,
	seen_at     TEXT NOT NULL
);

-- One row whose update serialises admissions to the bounded queue.
CREATE TABLE run_queue (id INTEGER PRIMARY KEY, admitted INTEGER NOT NULL);
INSERT INTO run_queue (id, admitted) VALUES (1, 0);

-- Runs left queued or running by a server from before parts become one
-- part each, which the workers take up.
INSERT INTO run_parts (run_id, part, lo, hi, status, restarts)
	SELECT id, 0, 0, 1, status, restarts FROM runs WHERE status IN ('queued', 'running');
