-- Restarts counts the times a server stopped while the run was running, so
-- that a run that brings the server down is failed instead of resumed forever.
ALTER TABLE runs ADD COLUMN restarts INTEGER NOT NULL DEFAULT 0;
