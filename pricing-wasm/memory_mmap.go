//go:build linux || darwin

package pricingwasm

import "syscall"

const canReserve = true

// reserve maps size bytes of zeroed, private memory without reserving swap
// for it; untouched pages cost nothing.
func reserve(size uint64) ([]byte, error) {
	if size == 0 || size > 1<<32 {
		return nil, nil
	}
	return syscall.Mmap(-1, 0, int(size), syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
}

func unreserve(buf []byte) { _ = syscall.Munmap(buf) }
