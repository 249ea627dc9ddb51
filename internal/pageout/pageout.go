// Package pageout gives memory that a process no longer reads back to the
// kernel without changing it.
package pageout

import (
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Bytes asks the kernel to reclaim the whole pages inside b
// (MADV_PAGEOUT). Meant for data embedded in the binary that was read
// once at start (the instance type catalogue, the built-in pricing
// modules): its pages are the executable file's, so they stay resident
// and count in the process's RSS until memory runs short, though nothing
// reads them again. Contents never change: a later read faults the pages
// in from the file, and pages the process wrote to (none, for embedded
// data) are skipped. Errors are ignored, as with any advice.
func Bytes(b []byte) {
	if len(b) == 0 {
		return
	}
	page := uintptr(os.Getpagesize())
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo := (start + page - 1) &^ (page - 1) // the first whole page
	hi := (start + uintptr(len(b))) &^ (page - 1)
	if hi <= lo {
		return
	}
	_, _, _ = unix.Syscall(unix.SYS_MADVISE, lo, hi-lo, unix.MADV_PAGEOUT)
}
