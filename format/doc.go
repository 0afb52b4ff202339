// Package format reads and writes scenarios: jirga's own YAML and JSON, and
// the formats of its peers (KTAB CSV and XML, Decide's tagged format, DEU TSV
// and the one-issue CSV of the expected-utility literature).
//
// [Read] detects the format from the content unless told, decodes, and
// validates; every problem it finds is a *jirga.ValidationError naming the
// file and, where the format has lines, the line.
//
// jirga's own JSON and YAML are read in one pass (decode.go): JSON by a
// scanner that reports byte offsets (jsonscan.go), YAML from the YAML
// parser's node tree, each checked against the schema of the root types
// and stored straight into the scenario. Offsets become lines, and paths
// named by the validator are looked up in the document, only when there is
// a problem to report, so a valid file pays for neither.
package format
