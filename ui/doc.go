// Package ui embeds jirga's web UI: plain HTML, CSS and JavaScript with no
// build step and no network access, served by package httpapi. app.js
// routes, runs analyses and draws every chart as SVG itself; editor.js is
// the scenario editor (docs/api.md, "Web UI").
package ui
