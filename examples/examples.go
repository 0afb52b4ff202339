// Package examples embeds the example scenarios shipped with jirga: the
// flagship Pakistan–TTP case and the published cases of our peers, each with
// its provenance and licence in README.md beside it.
package examples

import (
	"embed"
	"path"
	"slices"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/format"
)

// Flagship is the name of the flagship scenario.
const Flagship = "pakistan-ttp-2022"

//go:embed *.yaml *.csv *.tsv
var files embed.FS

// Example is one built-in scenario file.
type Example struct {
	Name  string // e.g. "emission"
	File  string // the embedded file name
	Title string
}

var all = []Example{
	{Name: Flagship, File: "pakistan-ttp-2022.yaml", Title: "Pakistan–TTP talks mediated by the Afghan Taliban, as of 3 June, 6 July and 15 October 2022"},
	{Name: "emission", File: "emission_standards.csv", Title: "EC car-emission standards (Bueno de Mesquita 1994, Table 1)"},
	{Name: "cop21", File: "cop21-paris.tsv", Title: "UNFCCC CoP21 Paris 2015, Decide exchange-model input (Stokman & Thomson 2015)"},
	{Name: "soe-policy", File: "SOE-Policy.csv", Title: "China upstream oil & gas SOE policy reform (Efird, Lester & Wise 2016; KTAB sample, MIT)"},
}

// All lists the built-in examples.
func All() []Example { return slices.Clone(all) }

// Bytes returns the raw file of the named example.
func Bytes(name string) (file string, data []byte, err error) {
	for _, e := range all {
		if e.Name == name {
			data, err := files.ReadFile(e.File)
			return e.File, data, err
		}
	}
	return "", nil, jirga.Errorf(jirga.EINVALID, "unknown example %q; run jirga examples for the list", name)
}

// Load reads and validates the named example.
func Load(name string, opt format.Options) ([]*jirga.Scenario, error) {
	file, data, err := Bytes(name)
	if err != nil {
		return nil, err
	}
	return format.Read(path.Join("examples", file), data, opt)
}
