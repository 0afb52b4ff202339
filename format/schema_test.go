package format_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/format"
)

// The JSON Schema in docs/scenario.schema.json must describe what the
// reader accepts. TestSchemaFields ties it to the json tags of the root
// types (every field in both, required exactly when not omitempty), and
// TestSchemaExamples validates the examples against it with a checker for
// the subset of JSON Schema 2020-12 the file uses.

const schemaPath = "../docs/scenario.schema.json"

func loadSchema(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("%s: %v", schemaPath, err)
	}
	return s
}

// schemaTypes maps each root type to its definition in the schema.
var schemaTypes = map[string]reflect.Type{
	"scenario":     reflect.TypeFor[jirga.Scenario](),
	"source":       reflect.TypeFor[jirga.Source](),
	"issue":        reflect.TypeFor[jirga.Issue](),
	"scale":        reflect.TypeFor[jirga.Scale](),
	"anchor":       reflect.TypeFor[jirga.Anchor](),
	"actor":        reflect.TypeFor[jirga.Actor](),
	"stance":       reflect.TypeFor[jirga.Stance](),
	"estimate":     reflect.TypeFor[jirga.Estimate](),
	"intervention": reflect.TypeFor[jirga.Intervention](),
	"change":       reflect.TypeFor[jirga.Change](),
	"snapshot":     reflect.TypeFor[jirga.Snapshot](),
	"revision":     reflect.TypeFor[jirga.Revision](),
}

func TestSchemaFields(t *testing.T) {
	defs := loadSchema(t)["$defs"].(map[string]any)
	for name, typ := range schemaTypes {
		def, ok := defs[name].(map[string]any)
		if !ok {
			t.Errorf("schema has no definition %q for %v", name, typ)
			continue
		}
		if name == "estimate" { // a number or an object: check the object
			def = def["oneOf"].([]any)[1].(map[string]any)
		}
		var fields, required []string
		for i := range typ.NumField() {
			tag := typ.Field(i).Tag.Get("json")
			n, opts, _ := strings.Cut(tag, ",")
			if n == "" || n == "-" {
				continue
			}
			fields = append(fields, n)
			if !strings.Contains(opts, "omitempty") {
				required = append(required, n)
			}
		}
		var props []string
		for k := range def["properties"].(map[string]any) {
			props = append(props, k)
		}
		var req []string
		for _, r := range asSlice(def["required"]) {
			req = append(req, r.(string))
		}
		sort.Strings(fields)
		sort.Strings(props)
		sort.Strings(required)
		sort.Strings(req)
		if !slices.Equal(fields, props) {
			t.Errorf("%s: Go fields %v, schema properties %v", name, fields, props)
		}
		if !slices.Equal(required, req) {
			t.Errorf("%s: Go required (not omitempty) %v, schema required %v", name, required, req)
		}
		if def["additionalProperties"] != false {
			t.Errorf("%s: schema must set additionalProperties: false, as the reader rejects unknown fields", name)
		}
	}
}

func TestSchemaExamples(t *testing.T) {
	schema := loadSchema(t)
	var docs []string
	for _, e := range examples.All() {
		docs = append(docs, "example:"+e.Name)
	}
	files, _ := filepath.Glob("testdata/*.yaml")
	docs = append(docs, files...)
	if len(docs) < 3 {
		t.Fatalf("only %d documents to check", len(docs))
	}
	for _, doc := range docs {
		var ss []*jirga.Scenario
		var err error
		if name, ok := strings.CutPrefix(doc, "example:"); ok {
			ss, err = examples.Load(name, format.Options{})
		} else {
			ss, err = format.ReadFile(doc, format.Options{})
		}
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := format.Write(&buf, ss, format.JSON); err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		if errs := check(schema, schema, v, "$"); len(errs) > 0 {
			t.Errorf("%s does not match the schema:\n\t%s", doc, strings.Join(errs, "\n\t"))
		}
	}
}

// TestSchemaChecker shows that the checker fails documents the reader
// rejects for structural reasons, so TestSchemaExamples can fail.
func TestSchemaChecker(t *testing.T) {
	schema := loadSchema(t)
	bad := []string{
		`{"issues": [{"id": "i"}], "actors": [{"id": "a", "capability": 1, "stances": {"i": {"position": 1, "salience": 1}}}]}`,
		`{"id": "s", "issues": [{"id": "i"}], "actors": [{"id": "a", "capability": 1, "stances": {"i": {"position": 1, "salience": 1}}}], "extra": 1}`,
		`{"id": "s", "issues": [{"id": "i"}], "actors": [{"id": "a", "capability": "1", "stances": {"i": {"position": 1, "salience": 1}}}]}`,
		`{"id": "s", "issues": [{"id": "i"}], "actors": [{"id": "a", "capability": {"low": 1}, "stances": {"i": {"position": 1, "salience": 1}}}]}`,
		`{"id": "s", "issues": [{"id": "i"}], "actors": [{"id": "a", "role": "king", "capability": 1, "stances": {"i": {"position": 1, "salience": 1}}}]}`,
		`{"id": "-s", "issues": [{"id": "i"}], "actors": [{"id": "a", "capability": 1, "stances": {"i": {"position": 1}}}]}`,
		`{"id": "s", "issues": [], "actors": [{"id": "a", "capability": 1, "stances": {}}]}`,
		`{"id": "s", "issues": [{"id": "i"}], "actors": [{"id": "a", "capability": 1, "stances": {"i": {"position": 1, "salience": 1}}}],
		  "interventions": [{"id": "x", "changes": [{"actor": "a", "field": "capability", "set": 1, "delta": 1}]}]}`,
	}
	for i, src := range bad {
		var v any
		if err := json.Unmarshal([]byte(src), &v); err != nil {
			t.Fatal(err)
		}
		if errs := check(schema, schema, v, "$"); len(errs) == 0 {
			t.Errorf("case %d: the checker accepted %s", i, src)
		}
		if _, err := format.Read("bad.json", []byte(src), format.Options{}); err == nil {
			t.Errorf("case %d: the reader accepted %s", i, src)
		}
	}
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// check validates v against schema s (root is the whole schema, for $ref)
// and returns the problems. It knows the keywords the schema uses and fails
// on any other, so that a new keyword is not silently ignored.
func check(root, s map[string]any, v any, at string) []string {
	var errs []string
	fail := func(format string, args ...any) {
		errs = append(errs, at+": "+fmt.Sprintf(format, args...))
	}
	for k, kw := range s {
		switch k {
		case "$schema", "$id", "$defs", "title", "description":
		case "$ref":
			name, ok := strings.CutPrefix(kw.(string), "#/$defs/")
			def, found := root["$defs"].(map[string]any)[name].(map[string]any)
			if !ok || !found {
				fail("unresolved $ref %v", kw)
				continue
			}
			errs = append(errs, check(root, def, v, at)...)
		case "oneOf":
			n := 0
			for _, sub := range asSlice(kw) {
				if len(check(root, sub.(map[string]any), v, at)) == 0 {
					n++
				}
			}
			if n != 1 {
				fail("matches %d of the oneOf alternatives, want 1", n)
			}
		case "type":
			if !hasType(v, kw.(string)) {
				fail("want %s, got %T", kw, v)
			}
		case "enum":
			if !slices.Contains(asSlice(kw), v) {
				fail("%v is not one of %v", v, kw)
			}
		case "required":
			m, ok := v.(map[string]any)
			for _, r := range asSlice(kw) {
				if _, has := m[r.(string)]; ok && !has {
					fail("missing %s", r)
				}
			}
		case "properties":
			m, _ := v.(map[string]any)
			props := kw.(map[string]any)
			for name, val := range m {
				if sub, ok := props[name]; ok {
					errs = append(errs, check(root, sub.(map[string]any), val, at+"."+name)...)
				}
			}
		case "additionalProperties":
			m, _ := v.(map[string]any)
			props, _ := s["properties"].(map[string]any)
			for name, val := range m {
				if _, ok := props[name]; ok {
					continue
				}
				switch ap := kw.(type) {
				case bool:
					if !ap {
						fail("unknown property %q", name)
					}
				case map[string]any:
					errs = append(errs, check(root, ap, val, at+"."+name)...)
				}
			}
		case "items":
			for i, item := range asSlice(v) {
				errs = append(errs, check(root, kw.(map[string]any), item, fmt.Sprintf("%s[%d]", at, i))...)
			}
		case "minItems":
			if a, ok := v.([]any); ok && float64(len(a)) < kw.(float64) {
				fail("%d items, want at least %v", len(a), kw)
			}
		case "minProperties":
			if m, ok := v.(map[string]any); ok && float64(len(m)) < kw.(float64) {
				fail("%d properties, want at least %v", len(m), kw)
			}
		case "minLength":
			if str, ok := v.(string); ok && float64(len([]rune(str))) < kw.(float64) {
				fail("%q is shorter than %v", str, kw)
			}
		case "pattern":
			if str, ok := v.(string); ok && !regexp.MustCompile(kw.(string)).MatchString(str) {
				fail("%q does not match %s", str, kw)
			}
		case "exclusiveMinimum":
			if x, ok := v.(float64); ok && !(x > kw.(float64)) {
				fail("%v is not > %v", x, kw)
			}
		default:
			fail("the test's checker does not know the keyword %q; teach it", k)
		}
	}
	return errs
}

func hasType(v any, typ string) bool {
	switch typ {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		x, ok := v.(float64)
		return ok && !math.IsNaN(x)
	case "boolean":
		_, ok := v.(bool)
		return ok
	}
	return false
}
