//go:build !linux

package identity

import "errors"

// startLowPriority is only available where a new process can inherit a
// thread's lowered priority (Linux). Elsewhere no worker is started and
// hashes run inline, bounded by the Hasher's slots alone.
func startLowPriority(interface{ Start() error }) error {
	return errors.New("identity: hash workers need Linux")
}

// processNice is not measured on this system.
func processNice() (int, error) { return 0, nil }
