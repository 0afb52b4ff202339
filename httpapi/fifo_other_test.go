//go:build !unix

package httpapi

import "testing"

func makeFIFO(t *testing.T) string { return "" }
