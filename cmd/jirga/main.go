// Command jirga forecasts negotiations. Run "jirga help" for the commands.
//
// Every command output quoted in README.md and docs/ (and docs/cli.md, the
// whole of jirga help --all) is generated from this program and checked by
// the tests TestDocsOutputs and TestDocsCLI; go generate rewrites them,
// after the shipped fit and calibration they may quote:
//
//	go generate ./stack ./calib ./cmd/jirga
package main

//go:generate go test -run ^TestDocs -update .

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go interrupts(sig, cancel, os.Stderr, os.Exit)
	code := NewMain().Run(ctx, os.Args[1:])
	cancel()
	os.Exit(code)
}

// exitInterrupted is the exit status after a second interrupt: 128 + SIGINT,
// as a shell reports a command killed by Ctrl-C.
const exitInterrupted = 130

// interrupts handles SIGINT and SIGTERM: the first cancels the command's
// context, so that it stops within a fraction of a second and reports what
// it has (a partial sweep, a graceful shutdown of serve); the second exits
// at once.
func interrupts(sig <-chan os.Signal, cancel context.CancelFunc, stderr io.Writer, exit func(int)) {
	<-sig
	fmt.Fprintln(stderr, "\njirga: stopping; interrupt again to quit at once")
	cancel()
	<-sig
	fmt.Fprintln(stderr, "jirga: quit")
	exit(exitInterrupted)
}
