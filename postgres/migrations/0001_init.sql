-- Scenarios keep every saved version; latest is the highest version.
CREATE TABLE scenarios (
	id         TEXT PRIMARY KEY,
	latest     INTEGER NOT NULL,
	created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE scenario_versions (
	scenario_id TEXT NOT NULL REFERENCES scenarios (id),
	version     INTEGER NOT NULL,
	title       TEXT NOT NULL,
	body        TEXT NOT NULL, -- the scenario as jirga JSON
	created_at  TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (scenario_id, version)
);

-- Runs keep their input (kind, models, options, seed), the engine version
-- and the hash of the input, and the result as JSON text (not jsonb, which
-- would reorder keys), byte for byte.
CREATE TABLE runs (
	id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	scenario_id    TEXT NOT NULL,
	version        INTEGER NOT NULL,
	kind           TEXT NOT NULL,
	models         TEXT NOT NULL,
	options        TEXT NOT NULL,
	seed           BIGINT NOT NULL,
	engine_version TEXT NOT NULL,
	input_hash     TEXT NOT NULL,
	status         TEXT NOT NULL,
	result         TEXT,
	error          TEXT NOT NULL DEFAULT '',
	created_at     TIMESTAMPTZ NOT NULL,
	finished_at    TIMESTAMPTZ,
	FOREIGN KEY (scenario_id, version) REFERENCES scenario_versions (scenario_id, version)
);

CREATE INDEX runs_scenario ON runs (scenario_id, id);
CREATE INDEX runs_status ON runs (status, id);
