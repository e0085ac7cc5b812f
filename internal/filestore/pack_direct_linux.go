package filestore

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// Appends to a pack bypass the page cache (O_DIRECT) where the file
// system allows it. An attachment is written once and read rarely, so
// caching it only displaces what is read often; and filling the cache
// has its own cost: measured on a two-core virtual machine, a buffered
// 200 KB append with fdatasync took 0.5 ms of CPU at first and 1.1 ms
// once the cache held a few GB, a direct one 0.15 ms throughout
// (docs/benchmarks.md). Ranges are block-aligned anyway (packAlign), so
// a direct write pads the last block with zeros that no range reads.

// errNoDirect means the file system refused a direct write.
var errNoDirect = errors.New("filestore: direct write refused")

// setDirect makes appends to the new pack f bypass the page cache and
// reports whether the file system took it (tmpfs, for one, does not on
// older kernels). The flag is set after creating, so a refusal leaves a
// file to append to as well.
func setDirect(f *os.File) bool {
	flags, err := unix.FcntlInt(f.Fd(), unix.F_GETFL, 0)
	if err == nil {
		_, err = unix.FcntlInt(f.Fd(), unix.F_SETFL, flags|unix.O_DIRECT)
	}
	return err == nil
}

// directBufSize is the size of the reused aligned buffers; every content
// a pack takes (below one attachment chunk of 256 KiB, framed and
// sealed) fits, larger ones get a buffer of their own.
const directBufSize = 288 << 10

// directBufs keeps aligned buffers for reuse. They are mapped memory,
// page-aligned as direct I/O needs, and not the Go heap's, so they are
// unmapped when the list is full rather than left to the collector. The
// list is long enough for as many appends at once as a busy portal
// makes (18 MiB at most): a new mapping's pages are fresh, and faulting
// them in cost more than the copy itself.
var directBufs = make(chan []byte, 64)

func getDirectBuf(n int) ([]byte, error) {
	if n <= directBufSize {
		select {
		case b := <-directBufs:
			return b[:n], nil
		default:
		}
	}
	b, err := unix.Mmap(-1, 0, max(n, directBufSize), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		return nil, err
	}
	return b[:n], nil
}

func putDirectBuf(b []byte) {
	if cap(b) == directBufSize {
		select {
		case directBufs <- b[:directBufSize]:
			return
		default:
		}
	}
	unix.Munmap(b[:cap(b)])
}

// writeDirect copies the parts into an aligned buffer, pads it to whole
// blocks and writes it at off, bypassing the page cache.
func writeDirect(f *os.File, parts [][]byte, n int, off int64) error {
	buf, err := getDirectBuf(int(alignUp(int64(n))))
	if err != nil {
		return err
	}
	defer putDirectBuf(buf)
	k := 0
	for _, b := range parts {
		k += copy(buf[k:], b)
	}
	clear(buf[k:])
	_, err = f.WriteAt(buf, off)
	if errors.Is(err, unix.EINVAL) {
		return errNoDirect
	}
	return err
}
