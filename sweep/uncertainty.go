package sweep

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/jirga/jirga"
)

// uncertaintyKeys are the fields of an [Uncertainty] by the names the CLI
// (--uncertainty position=0.1,…), the HTTP API ("uncertainty":
// {"position": 0.1, …}) and the JSON of results use, each with its allowed
// range [0, max] and what its unit is. It is the one definition of them.
var uncertaintyKeys = []uncertaintyKey{
	{"position", func(u *Uncertainty) *float64 { return &u.Position }, 1, "a fraction of the issue's scale"},
	{"salience", func(u *Uncertainty) *float64 { return &u.Salience }, jirga.SalienceMax, "salience points"},
	{"capability", func(u *Uncertainty) *float64 { return &u.Capability }, math.Inf(1), "a fraction of the capability"},
	{"status_quo", func(u *Uncertainty) *float64 { return &u.StatusQuo }, 1, "a fraction of the issue's scale"},
}

type uncertaintyKey struct {
	name  string
	field func(*Uncertainty) *float64
	max   float64 // +Inf: no upper bound
	unit  string
}

// UncertaintyKeys returns the names of the fields of an Uncertainty:
// position, salience, capability and status_quo.
func UncertaintyKeys() []string {
	out := make([]string, len(uncertaintyKeys))
	for i, k := range uncertaintyKeys {
		out[i] = k.name
	}
	return out
}

// Set sets the field named key (see [UncertaintyKeys]) to x, which must be
// a finite number in the field's range: [0, 1] for position and status_quo
// (fractions of the scale), [0, 100] for salience (points), ≥ 0 for
// capability (a fraction of the value).
func (u *Uncertainty) Set(key string, x float64) error {
	i := slices.IndexFunc(uncertaintyKeys, func(k uncertaintyKey) bool { return k.name == key })
	if i < 0 {
		return jirga.Errorf(jirga.EINVALID, "sweep: unknown uncertainty %q; the uncertainties are %s", key, strings.Join(UncertaintyKeys(), ", "))
	}
	k := uncertaintyKeys[i]
	if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 || x > k.max {
		rng := fmt.Sprintf("in [0, %g]", k.max)
		if math.IsInf(k.max, 1) {
			rng = "a finite number ≥ 0"
		}
		return jirga.Errorf(jirga.EINVALID, "sweep: uncertainty %s=%g: it is %s, %s", key, x, k.unit, rng)
	}
	*k.field(u) = x
	return nil
}

// Validate checks every field of u as [Uncertainty.Set] does.
func (u Uncertainty) Validate() error {
	var c Uncertainty
	for _, k := range uncertaintyKeys {
		if err := c.Set(k.name, *k.field(&u)); err != nil {
			return err
		}
	}
	return nil
}

// Parse sets the fields named in a list such as
// "position=0.1,salience=15,capability=0.2" (the fields not named keep
// their values), with the ranges of [Uncertainty.Set].
func (u *Uncertainty) Parse(list string) error {
	if strings.TrimSpace(list) == "" {
		return nil
	}
	for _, kv := range strings.Split(list, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if !ok || err != nil {
			return jirga.Errorf(jirga.EINVALID, "sweep: uncertainty %q: want KEY=NUMBER with KEY %s", kv, strings.Join(UncertaintyKeys(), ", "))
		}
		if err := u.Set(strings.TrimSpace(k), x); err != nil {
			return err
		}
	}
	return nil
}

// Apply sets the fields named in m (keys as in [UncertaintyKeys]; the
// fields not named keep their values), reporting the first bad key or
// value in key order.
func (u *Uncertainty) Apply(m map[string]float64) error {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if err := u.Set(k, m[k]); err != nil {
			return err
		}
	}
	return nil
}

// Map returns the fields of u keyed by their names (see [UncertaintyKeys]).
func (u Uncertainty) Map() map[string]float64 {
	m := make(map[string]float64, len(uncertaintyKeys))
	for _, k := range uncertaintyKeys {
		m[k.name] = *k.field(&u)
	}
	return m
}
