package format_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/format"
)

// The fuzz targets check that no input crashes a reader, that every error
// is a user error (a *jirga.ValidationError or an *jirga.Error, never a bug),
// and that whatever Read accepts survives format.Write as YAML and as JSON
// and Read again unchanged. Seeds: the files in testdata/ and the corpus in
// testdata/fuzz/<target>/.

func FuzzReadYAML(f *testing.F) {
	addSeeds(f, "*.yaml")
	f.Fuzz(func(t *testing.T, data []byte) {
		checkRead(t, "fuzz.yaml", data, format.YAML)
	})
}

func FuzzReadJSON(f *testing.F) {
	addSeeds(f, "*.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		checkRead(t, "fuzz.json", data, format.JSON)
	})
}

func FuzzReadCSV(f *testing.F) {
	addSeeds(f, "*.csv")
	f.Fuzz(func(t *testing.T, data []byte) {
		checkRead(t, "fuzz.csv", data, format.CSV)
		// Detection must not crash either, and must agree with itself.
		checkRead(t, "fuzz", data, "")
	})
}

func addSeeds(f *testing.F, glob string) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", glob))
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// checkRead reads data in the given format (detected when "") and checks
// the round trip of whatever it accepts.
func checkRead(t *testing.T, name string, data []byte, in string) {
	t.Helper()
	ss, err := format.Read(name, data, format.Options{Format: in})
	if err != nil {
		checkUserError(t, err)
		return
	}
	if len(ss) == 0 {
		t.Fatalf("Read returned no scenario and no error")
	}
	for _, to := range []string{format.YAML, format.JSON} {
		var buf bytes.Buffer
		if err := format.Write(&buf, ss, to); err != nil {
			t.Fatalf("Write %s of an accepted input: %v", to, err)
		}
		back, err := format.Read("roundtrip."+to, buf.Bytes(), format.Options{Format: to})
		if err != nil {
			t.Fatalf("reading back the %s written from an accepted input: %v\n--- written:\n%s", to, err, buf.Bytes())
		}
		if !reflect.DeepEqual(ss, back) {
			t.Fatalf("%s round trip changed the scenarios\n--- written:\n%s", to, buf.Bytes())
		}
	}
}

// checkUserError fails unless every leaf of err is a user error.
func checkUserError(t *testing.T, err error) {
	t.Helper()
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case *jirga.ValidationError:
			if e.Msg == "" {
				t.Errorf("validation error without a message: %#v", e)
			}
		case *jirga.Error:
			if e.Code != jirga.EINVALID {
				t.Errorf("error with code %s, want %s: %v", e.Code, jirga.EINVALID, e)
			}
		case interface{ Unwrap() []error }:
			for _, x := range e.Unwrap() {
				walk(x)
			}
		default:
			t.Errorf("not a user error (%T): %v", err, err)
		}
	}
	if errors.Is(err, nil) {
		return
	}
	walk(err)
}
