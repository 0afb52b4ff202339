//go:build !unix

package usage

import "time"

func peakMiB() float64 { return 0 }

func cpu() time.Duration { return 0 }
