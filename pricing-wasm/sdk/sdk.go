// Package sdk lets a Go module author write an ec2x pricing module as plain
// Go functions. Register them from init and build with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o my.wasm .
//
// The package implements the ABI's exports (ec2x_abi_version, ec2x_kinds,
// ec2x_alloc, ec2x_price, ec2x_last_error): it decodes each batch, validates
// every record, calls the registered function per item, encodes the results
// and turns a panic into an error code with a message instead of a crash.
//
//	func init() { sdk.Spot(func(in sdk.SpotInput) float64 { return in.OnDemand / 2 }) }
//	func main() {}
package sdk

import (
	"strconv"

	"github.com/ec2x/ec2x/pricing-wasm/abi"
)

// SpotInput is one spot item; see abi.SpotInput.
type SpotInput = abi.SpotInput

// ReservedInput is one reserved offering; see abi.ReservedInput.
type ReservedInput = abi.ReservedInput

// ReservedQuote is the price of one offering; see abi.ReservedQuote.
type ReservedQuote = abi.ReservedQuote

// Payment options and offering classes, re-exported for authors.
const (
	NoUpfront      = abi.NoUpfront
	PartialUpfront = abi.PartialUpfront
	AllUpfront     = abi.AllUpfront
	Standard       = abi.Standard
	Convertible    = abi.Convertible
)

var (
	ondemandFn func(float64) float64
	spotFn     func(SpotInput) float64
	reservedFn func(ReservedInput) ReservedQuote
	// lastErr is the message for the most recent failed batch, read by the
	// host through ec2x_last_error; it lives until the next failure.
	lastErr []byte
)

// OnDemand registers f to price on-demand items from their catalogue price.
func OnDemand(f func(price float64) float64) { ondemandFn = f }

// Spot registers f to price spot items; the module then declares the spot kind.
func Spot(f func(SpotInput) float64) { spotFn = f }

// Reserved registers f to price reserved offerings. Inputs reach f validated
// (term 1 or 3, known payment and class, positive on-demand price).
func Reserved(f func(ReservedInput) ReservedQuote) { reservedFn = f }

// kinds is the ec2x_kinds mask of the registered functions.
func kinds() abi.KindSet {
	var s abi.KindSet
	if ondemandFn != nil {
		s |= abi.SetOf(abi.OnDemand)
	}
	if spotFn != nil {
		s |= abi.SetOf(abi.Spot)
	}
	if reservedFn != nil {
		s |= abi.SetOf(abi.Reserved)
	}
	return s
}

// The error paths append into lastErr, whose capacity is kept, so that the
// guest allocates nothing after init even when it refuses input: a Go guest
// that allocates collects garbage in the middle of some call, and under
// wazero's close-on-context-done a collection can take tens of milliseconds,
// close to the host's deadline.

// fail records why a batch failed and returns code for ec2x_price.
func fail(code int32, parts ...string) int32 {
	lastErr = lastErr[:0]
	for _, p := range parts {
		lastErr = append(lastErr, p...)
	}
	return code
}

// failItem records "<kind> item <i>: " and returns lastErr for the reason.
func failItem(kind abi.Kind, i int) []byte {
	lastErr = append(lastErr[:0], kind.String()...)
	lastErr = append(lastErr, " item "...)
	lastErr = strconv.AppendInt(lastErr, int64(i), 10)
	return append(lastErr, ": "...)
}

// panicText describes a recovered panic value without fmt.
func panicText(r any) string {
	switch v := r.(type) {
	case error:
		return v.Error()
	case string:
		return v
	}
	return "a value that is neither an error nor a string"
}

// supported returns 0 when the module prices kind, or the error code.
func supported(kind abi.Kind) int32 {
	if kinds().Has(kind) {
		return 0
	}
	lastErr = append(lastErr[:0], "kind "...)
	lastErr = strconv.AppendInt(lastErr, int64(kind), 10)
	lastErr = append(lastErr, " is not priced by this module (kinds mask 0x"...)
	lastErr = strconv.AppendUint(lastErr, uint64(kinds()), 16)
	lastErr = append(lastErr, ')')
	return abi.CodeUnsupportedKind
}

// recovered turns a panic in an author's function into CodeInternal with the
// panic's text, so the host gets an error it can explain instead of a crash.
func recovered(kind abi.Kind, ret *int32) {
	if r := recover(); r != nil {
		*ret = fail(abi.CodeInternal, kind.String(), ": panic: ", panicText(r))
	}
}

// The price functions are the bodies of ec2x_price for each kind, once the
// guest's buffer is typed slices: the records' layout in linear memory is
// the structs' own (abi's tests check the offsets), so nothing is decoded.
// Each item is checked with an inlined OK; the message is built only for a
// refused item.

func priceOnDemand(in, out []float64) (ret int32) {
	defer recovered(abi.OnDemand, &ret)
	out = out[:len(in)] // one bounds check here, none per item
	for i, p := range in {
		if !abi.OnDemandOK(p) {
			lastErr, _ = abi.AppendOnDemandProblem(failItem(abi.OnDemand, i), p)
			return abi.CodeInvalidInput
		}
		out[i] = ondemandFn(p)
	}
	return int32(len(in))
}

func priceSpot(in []SpotInput, out []float64) (ret int32) {
	defer recovered(abi.Spot, &ret)
	out = out[:len(in)]
	for i := range in {
		if !in[i].OK() {
			lastErr, _ = in[i].AppendProblem(failItem(abi.Spot, i))
			return abi.CodeInvalidInput
		}
		out[i] = spotFn(in[i])
	}
	return int32(len(in))
}

func priceReserved(in []ReservedInput, out []ReservedQuote) (ret int32) {
	defer recovered(abi.Reserved, &ret)
	out = out[:len(in)]
	for i := range in {
		if !in[i].OK() {
			lastErr, _ = in[i].AppendProblem(failItem(abi.Reserved, i))
			return abi.CodeInvalidInput
		}
		out[i] = reservedFn(in[i])
	}
	return int32(len(in))
}
