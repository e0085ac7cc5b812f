//go:build !linux

package filestore_test

const directFlag = 0
