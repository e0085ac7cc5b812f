//go:build !linux

package filestore

import (
	"errors"
	"os"
)

var errNoDirect = errors.New("filestore: no direct writes here")

// setDirect reports that appends go through the page cache here.
func setDirect(*os.File) bool { return false }

func writeDirect(*os.File, [][]byte, int, int64) error { return errNoDirect }
