package filestore_test

import "syscall"

const directFlag = syscall.O_DIRECT
