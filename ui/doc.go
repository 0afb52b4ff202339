// Package ui embeds jirga's web UI: plain HTML, CSS and JavaScript with no
// build step and no network access, served by package httpapi. The
// JavaScript draws every chart as SVG itself.
package ui
