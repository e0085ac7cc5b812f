package identity

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// hashNice is the workers' nice value, the weakest there is: a worker gets
// a core that the portal leaves idle, and only a sliver of one it needs.
const hashNice = 19

// startLowPriority starts cmd from a thread whose nice value is lowered
// first, so the worker and every thread it ever makes inherit it from the
// start. On Linux the nice value belongs to the thread; the thread is never
// unlocked, so it ends with this goroutine and the lowered priority cannot
// leak to the portal's own goroutines. Lowering needs no privilege.
func startLowPriority(cmd interface{ Start() error }) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := unix.Setpriority(unix.PRIO_PROCESS, unix.Gettid(), hashNice); err != nil {
			errc <- err
			return
		}
		errc <- cmd.Start()
	}()
	return <-errc
}

// processNice returns the calling thread's nice value.
func processNice() (int, error) {
	p, err := unix.Getpriority(unix.PRIO_PROCESS, unix.Gettid())
	// The raw system call answers 20 - nice.
	return 20 - p, err
}
