package store

import (
	"os"
	"syscall"
)

// fdatasync makes f's data durable without its times (Go's File.Sync is a full fsync).
func fdatasync(f *os.File) error { return syscall.Fdatasync(int(f.Fd())) }
