// Package httpapi serves jirga over HTTP: a JSON API for scenarios (every
// save a new version), runs (forecast and, when linked in, sweep, levers and
// deal) and imports, plus the embedded web UI of package ui.
//
// Runs execute on a bounded pool of workers. An accepted run is stored as
// queued before the request is answered, so it is never lost: a run still
// queued or running when the server shuts down (after a grace period for
// running ones) is left queued in the store and resumed when a server opens
// on the same store again.
//
// The API is documented in docs/api.md and docs/openapi.yaml.
package httpapi
