//go:build !linux

package filestore

import "os"

// punch overwrites the range with zeros where the system cannot
// deallocate it: the content is gone, though its space is not returned.
func punch(f *os.File, off, n int64) error {
	zero := make([]byte, 64<<10)
	for n > 0 {
		k := min(n, int64(len(zero)))
		if _, err := f.WriteAt(zero[:k], off); err != nil {
			return err
		}
		off, n = off+k, n-k
	}
	return f.Sync()
}

func datasync(f *os.File) error { return f.Sync() }

// hasData cannot tell holes apart here, so every range counts as data.
func hasData(*os.File, int64, int64) (bool, error) { return true, nil }

func lockPack(*os.File) error { return nil }

// unlocked cannot tell whether another process appends to the pack, so
// sweeps leave every pack alone here; Punch still frees deleted content.
func unlocked(*os.File) (bool, error) { return false, nil }
