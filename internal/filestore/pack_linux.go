package filestore

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// punch deallocates the range and syncs, so freed content stays freed
// after a crash.
func punch(f *os.File, off, n int64) error {
	if err := unix.Fallocate(int(f.Fd()), unix.FALLOC_FL_PUNCH_HOLE|unix.FALLOC_FL_KEEP_SIZE, off, n); err != nil { // #nosec G115 -- an open file's descriptor
		return err
	}
	return datasync(f)
}

// datasync flushes the file's data and the metadata needed to read it
// (its size), not its times.
func datasync(f *os.File) error {
	return unix.Fdatasync(int(f.Fd())) // #nosec G115 -- an open file's descriptor
}

// hasData reports whether [off, end) holds anything but holes, so a sweep
// does not punch the same hole again every time.
func hasData(f *os.File, off, end int64) (bool, error) {
	next, err := unix.Seek(int(f.Fd()), off, unix.SEEK_DATA) // #nosec G115 -- an open file's descriptor
	if errors.Is(err, unix.ENXIO) {
		return false, nil // only holes from off to the end of the file
	}
	if err != nil {
		return true, err
	}
	return next < end, nil
}

// lockPack marks a pack as appended to by this process for as long as
// the file stays open; sweepers in any process leave it alone.
func lockPack(f *os.File) error {
	return unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) // #nosec G115 -- an open file's descriptor
}

// unlocked reports whether no process appends to the pack (and takes the
// lock, held until f is closed).
func unlocked(f *os.File) (bool, error) {
	err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) // #nosec G115 -- an open file's descriptor
	if errors.Is(err, unix.EWOULDBLOCK) {
		return false, nil
	}
	return err == nil, err
}
