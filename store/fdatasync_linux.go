package store

import (
	"errors"
	"os"
	"syscall"
)

// fdatasync makes f's data durable without its times (Go's File.Sync is a full fsync); an interrupted
// call (network filesystems) is made again, as File.Sync does.
func fdatasync(f *os.File) error {
	for {
		err := syscall.Fdatasync(int(f.Fd()))
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}
