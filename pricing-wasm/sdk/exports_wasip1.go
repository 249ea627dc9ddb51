//go:build wasip1

package sdk

import (
	"runtime"
	"unsafe"

	"github.com/ec2x/ec2x/pricing-wasm/abi"
)

// Every export defers runtime.Gosched: a c-shared Go guest only runs its
// other goroutines (the garbage collector's workers among them) when an
// export yields, and without it memory grows until the cap is hit.

// buf is the one I/O buffer handed to the host. It is []uint64 so that the
// records' f64 fields are 8-byte aligned; it stays reachable through this
// variable, so the collector never frees it while the host uses it.
var buf []uint64

//go:wasmexport ec2x_abi_version
func abiVersion() int32 {
	defer runtime.Gosched()
	return abi.Version
}

//go:wasmexport ec2x_kinds
func kindsMask() int32 {
	defer runtime.Gosched()
	return int32(kinds())
}

// alloc returns a buffer of at least size bytes, valid until the next call;
// 0 when size is negative.
//
//go:wasmexport ec2x_alloc
func alloc(size int32) unsafe.Pointer {
	defer runtime.Gosched()
	if size < 0 {
		return nil
	}
	words := (int(size) + 7) / 8
	if words == 0 {
		words = 1
	}
	if cap(buf) < words {
		buf = make([]uint64, words)
	}
	buf = buf[:words]
	return unsafe.Pointer(&buf[0])
}

//go:wasmexport ec2x_price
func priceExport(kind int32, in unsafe.Pointer, n int32, out unsafe.Pointer) int32 {
	defer runtime.Gosched()
	k := abi.Kind(kind)
	if code := supported(k); code != 0 {
		return code
	}
	if n == 0 {
		return 0
	}
	if n < 0 || in == nil || out == nil {
		return fail(abi.CodeInvalidInput, k.String(), ": a negative count or a null pointer")
	}
	switch k {
	case abi.OnDemand:
		return priceOnDemand(unsafe.Slice((*float64)(in), n), unsafe.Slice((*float64)(out), n))
	case abi.Spot:
		return priceSpot(unsafe.Slice((*SpotInput)(in), n), unsafe.Slice((*float64)(out), n))
	default:
		return priceReserved(unsafe.Slice((*ReservedInput)(in), n), unsafe.Slice((*ReservedQuote)(out), n))
	}
}

// lastError returns the last failure's message as ptr<<32 | len, 0 if none.
//
//go:wasmexport ec2x_last_error
func lastError() int64 {
	defer runtime.Gosched()
	if len(lastErr) == 0 {
		return 0
	}
	return int64(uintptr(unsafe.Pointer(&lastErr[0])))<<32 | int64(len(lastErr))
}
