package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
)

// TestInterrupts: the first signal cancels the command's context, the
// second exits at once.
func TestInterrupts(t *testing.T) {
	sig := make(chan os.Signal, 2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr bytes.Buffer
	exited := make(chan int, 1)
	done := make(chan struct{})
	go func() {
		interrupts(sig, cancel, &stderr, func(code int) { exited <- code })
		close(done)
	}()
	sig <- os.Interrupt
	<-ctx.Done() // the first interrupt cancels
	select {
	case code := <-exited:
		t.Fatalf("exited with %d after one interrupt", code)
	default:
	}
	sig <- syscall.SIGTERM
	<-done
	if code := <-exited; code != exitInterrupted {
		t.Errorf("exit %d after the second interrupt, want %d", code, exitInterrupted)
	}
	if !strings.Contains(stderr.String(), "interrupt again to quit at once") {
		t.Errorf("stderr %q does not say how to quit at once", stderr.String())
	}
}
