package pricingwasm

import (
	"context"

	"github.com/tetratelabs/wazero/experimental"
)

// Linear memory. wazero grows a memory by appending to a Go slice, which
// copies it: a guest that grows 16 MiB at a time to the 64 MiB cap spends
// over 100 ms copying (a second under the race detector), past the call's
// deadline. Where the platform allows, each instance instead reserves its
// whole cap of address space up front (mmap, no swap reserved, pages
// committed only when touched), and growing is a reslice.
//
// wazero would free the memory when it closes the module, which can happen
// on another goroutine (Runtime.Close) while the guest still runs; so Free
// does nothing and the instance unmaps its memory in its own close, on the
// goroutine that owns it, after its last call has returned.

// memories is the allocator of one instantiation: it records what it maps
// so the instance can release it.
type memories struct {
	maps []*reserved
}

// reserved is one linear memory backed by a reservation of its maximum size.
type reserved struct{ buf []byte }

func (r *reserved) Reallocate(size uint64) []byte {
	if size > uint64(len(r.buf)) {
		return nil
	}
	return r.buf[:size]
}

// Free is a no-op: see the comment at the top of this file.
func (r *reserved) Free() {}

func (a *memories) Allocate(capacity, max uint64) experimental.LinearMemory {
	buf, err := reserve(max)
	if err != nil || buf == nil {
		return &copied{buf: make([]byte, 0, capacity)}
	}
	r := &reserved{buf: buf}
	a.maps = append(a.maps, r)
	return r
}

// release unmaps what was reserved; the instance must be closed and idle.
func (a *memories) release() {
	for _, r := range a.maps {
		unreserve(r.buf)
	}
	a.maps = nil
}

// withMemories puts a fresh allocator on ctx when the platform can reserve
// memory, and returns it (nil otherwise).
func withMemories(ctx context.Context) (context.Context, *memories) {
	if !canReserve {
		return ctx, nil
	}
	a := &memories{}
	return experimental.WithMemoryAllocator(ctx, a), a
}

// copied is the fallback when a reservation fails: a Go slice grown by copying.
type copied struct{ buf []byte }

func (c *copied) Reallocate(size uint64) []byte {
	if size <= uint64(cap(c.buf)) {
		c.buf = c.buf[:size]
		return c.buf
	}
	grown := make([]byte, size, max(size, 2*uint64(cap(c.buf))))
	copy(grown, c.buf)
	c.buf = grown
	return grown
}

func (c *copied) Free() {}
