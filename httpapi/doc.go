// Package httpapi serves jirga over HTTP: a JSON API for scenarios (every
// save a new version), runs (forecast, sweep, deal, levers, timeline: the
// table of package kinds) and imports, the live workers and the server's
// health, plus the embedded web UI of package ui.
//
// Runs go through package queue: a run is stored as queued together with
// its River jobs in one transaction before the request is answered, so it is
// never lost, and it is computed by this server's workers or by any other
// jirga serve or jirga worker process on the same database. A run still
// running when the server shuts down (after a grace period) is handed back,
// queued for the others or the next start.
//
// The API is documented in docs/api.md and docs/openapi.yaml, scaling out
// in docs/scale.md.
package httpapi
