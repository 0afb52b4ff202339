package format_test

import (
	"errors"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/format"
)

// TestReadFileCause: a file that cannot be read is bad input whose cause
// callers can test for.
func TestReadFileCause(t *testing.T) {
	_, err := format.ReadFile(filepath.Join(t.TempDir(), "nope.yaml"), format.Options{})
	if jirga.ErrorCode(err) != jirga.EINVALID || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v (code %s), want EINVALID wrapping fs.ErrNotExist", err, jirga.ErrorCode(err))
	}
}
