//go:build !unix

package bench

import "time"

// processCPU is unknown here; the CPU figure then reads zero.
func processCPU() time.Duration { return 0 }
