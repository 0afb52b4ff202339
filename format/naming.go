package format

import (
	"math"
	"path/filepath"
	"strconv"
	"strings"
)

// scenarioID is the id of a scenario read from a format that carries no id
// of its own (Decide, the one-issue CSV): made from the file's name without
// its extension (cop21-paris.tsv → cop21-paris; see idFrom), else from the
// title the file gives, else def. A name in angle brackets (<stdin>,
// <upload>) is no file name. Two files of the same format therefore get
// different ids, and the id says where the scenario came from.
func scenarioID(name, title, def string) string {
	base := filepath.Base(name)
	if strings.HasPrefix(base, "<") || base == "-" || base == "." || base == string(filepath.Separator) {
		base = ""
	}
	base = strings.TrimSuffix(base, filepath.Ext(base))
	for _, cand := range []string{base, title} {
		if id := idFrom(cand); id != "" {
			return id
		}
	}
	return def
}

// tidyDigits is the number of significant digits tidy keeps.
const tidyDigits = 12

// tidy rounds a number an importer computed from the file's numbers (a
// Decide salience 0.55 × 100, a mean of powers) to the shortest decimal
// that round-trips at 12 significant digits: 0.55 × 100 is
// 55.00000000000001 in binary floating point, and tidy makes it 55. The
// error of such a product or mean is a few units in the 16th significant
// digit, far below the 12th, so tidy removes the binary noise and nothing a
// file can mean: no importer's input is given to 12 digits. Numbers read as
// written are never tidied.
func tidy(x float64) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	y, err := strconv.ParseFloat(strconv.FormatFloat(x, 'g', tidyDigits, 64), 64)
	if err != nil {
		return x
	}
	return y
}
