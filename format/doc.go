// Package format reads and writes scenarios: jirga's own YAML and JSON, and
// the formats of its peers (KTAB CSV and XML, Decide's tagged format, DEU TSV
// and the one-issue CSV of the expected-utility literature).
//
// [Read] detects the format from the content unless told, decodes, and
// validates; every problem it finds is a *jirga.ValidationError naming the
// file and, where the format has lines, the line.
package format
