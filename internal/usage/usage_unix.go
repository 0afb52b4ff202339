//go:build unix

package usage

import (
	"runtime"
	"syscall"
	"time"
)

func rusage() (syscall.Rusage, bool) {
	var ru syscall.Rusage
	err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru, err == nil
}

func peakMiB() float64 {
	ru, ok := rusage()
	if !ok {
		return 0
	}
	kib := float64(ru.Maxrss)
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		kib /= 1024 // bytes there
	}
	return kib / 1024
}

func cpu() time.Duration {
	ru, ok := rusage()
	if !ok {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
