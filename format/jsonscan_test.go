package format

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzJSONScanner checks the scanner against encoding/json: it accepts
// exactly the documents json.Valid accepts, and the strings it returns
// are those encoding/json decodes. Seeds: the JSON corpus and a few edge
// cases.
func FuzzJSONScanner(f *testing.F) {
	for _, s := range []string{
		`{}`, `[]`, `[1,-0,0.5,1e3,-1.5E-3,"a\"b\\c\/\b\f\n\r\t\u00e9\ud83d\ude00"]`,
		`{"a":[true,false,null,{}]}`, `01`, `1.`, `.5`, `-`, `1e`, `"\x"`, `"\u12"`,
		"\"\x01\"", `{"a" 1}`, `{"a":1,}`, `[1,]`, `[1 2]`, `{,}`, `nul`, `tru`, ` [ ] `,
		`{"a":1}}`, `[[[]]`, `"\ud800"`, `{"\u0061":1}`,
	} {
		f.Add([]byte(s))
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := validJSON(data), json.Valid(data); got != want {
			t.Fatalf("validJSON = %v, json.Valid = %v for %q", got, want, data)
		}
		if !json.Valid(data) || !utf8.Valid(data) {
			return // Read refuses a file that is not UTF-8 before decoding it
		}
		// Every scalar the scanner returns decodes as encoding/json
		// decodes it.
		var want []string
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		for {
			tok, err := dec.Token()
			if err != nil {
				break
			}
			switch v := tok.(type) {
			case string:
				want = append(want, v)
			case json.Number:
				want = append(want, string(v))
			case bool:
				want = append(want, map[bool]string{true: "true", false: "false"}[v])
			case nil:
				want = append(want, "null")
			}
		}
		var got []string
		sc := newJSONScanner(data, 0, nil)
		for tok := sc.next(); tok.kind != tBad; tok = sc.next() {
			if tok.kind == tScalar || tok.kind == tNull {
				got = append(got, tok.text())
			}
		}
		if !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Fatalf("scalars %q, encoding/json %q", got, want)
		}
	})
}

// TestLineIndex checks offsets against counting newlines.
func TestLineIndex(t *testing.T) {
	data := []byte("a\nbc\n\nd\n")
	x := &lineIndex{data: data}
	for off := 0; off <= len(data); off++ {
		if got, want := x.line(off), lineAt(data, off); got != want {
			t.Errorf("line(%d) = %d, want %d", off, got, want)
		}
	}
}

// TestDecodedNormalized checks the promise of decoded.normalized: the jirga
// decoders leave no empty list or mapping, so Read may skip normalize.
func TestDecodedNormalized(t *testing.T) {
	var inputs [][]byte
	for _, glob := range []string{"testdata/*.json", "testdata/*.yaml", "testdata/fuzz/FuzzReadJSON/*", "testdata/fuzz/FuzzReadYAML/*"} {
		files, _ := filepath.Glob(glob)
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(file, "fuzz") {
				b = corpusBytes(t, b)
			}
			inputs = append(inputs, b)
		}
	}
	inputs = append(inputs, []byte(`{"id":"s","attributes":{},"sources":[],"issues":[{"id":"i","anchors":[],"attributes":{"a":null}}],"actors":[{"id":"a","capability":{"value":1,"sources":[]},"stances":{"i":{"position":1,"salience":1}}}]}`))
	for _, data := range inputs {
		for _, dec := range []func([]byte, Options) ([]decoded, error){decodeJSON, decodeYAML} {
			docs, _ := dec(data, Options{})
			for _, d := range docs {
				if !d.normalized {
					t.Fatal("a jirga decoder did not mark its scenario normalized")
				}
				c := d.s.Clone()
				normalize(c)
				if !reflect.DeepEqual(c, d.s) {
					t.Errorf("normalize changed the scenario decoded from %.200q", data)
				}
			}
		}
	}
}

// corpusBytes returns the []byte value of a "go test fuzz v1" corpus file.
func corpusBytes(t *testing.T, file []byte) []byte {
	t.Helper()
	lines := strings.SplitN(string(file), "\n", 2)
	if len(lines) < 2 {
		t.Fatalf("not a corpus file: %q", file)
	}
	v := strings.TrimSpace(lines[1])
	v = strings.TrimSuffix(strings.TrimPrefix(v, "[]byte("), ")")
	s, err := strconv.Unquote(v)
	if err != nil {
		t.Fatalf("corpus value %q: %v", v, err)
	}
	return []byte(s)
}

// BenchmarkJSONScanner measures the scanner alone over the 10,000-actor
// file of BenchmarkRead (compare encoding/json's Decoder.Token, which
// allocates for every token).
func BenchmarkJSONScanner(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString(`{"id":"large","issues":[{"id":"x","scale":{"min":0,"max":100}}],"actors":[`)
	for i := range 10_000 {
		if i > 0 {
			buf.WriteByte(',')
		}
		fmt.Fprintf(&buf, `{"id":"actor-%05d","capability":%d.5,"stances":{"x":{"position":%d.25,"salience":%d}}}`, i, i%97, i%101, i%89)
	}
	buf.WriteString("]}")
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if !validJSON(data) {
			b.Fatal("invalid")
		}
	}
}
