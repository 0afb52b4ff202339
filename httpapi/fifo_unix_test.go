//go:build unix

package httpapi

import (
	"path/filepath"
	"syscall"
	"testing"
)

// makeFIFO returns the path of a new named pipe: reading it blocks until a
// writer comes, which never does.
func makeFIFO(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
