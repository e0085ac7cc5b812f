package store

import (
	"errors"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// copyContent copies in to out, leaving in's holes as holes: a pack of
// attachments keeps its length when content is deleted from it, and its
// backup should not fill those ranges with zeros on the backup disk.
func copyContent(out, in *os.File) error {
	info, err := in.Stat()
	if err != nil {
		return err
	}
	size := info.Size()
	fd := int(in.Fd()) // #nosec G115 -- an open file's descriptor
	for off := int64(0); off < size; {
		data, err := unix.Seek(fd, off, unix.SEEK_DATA)
		if errors.Is(err, unix.ENXIO) {
			break // only holes to the end
		}
		if err != nil {
			return err
		}
		hole, err := unix.Seek(fd, data, unix.SEEK_HOLE)
		if err != nil {
			return err
		}
		if _, err := io.Copy(io.NewOffsetWriter(out, data), io.NewSectionReader(in, data, hole-data)); err != nil {
			return err
		}
		off = hole
	}
	return out.Truncate(size)
}
