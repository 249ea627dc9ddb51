// Package abi is the binary contract between the ec2x pricing host and its
// WebAssembly modules: kinds, record layouts, error codes and the codecs for
// them. It has no dependencies so that the host (native) and the SDK (wasip1)
// encode records with the same code; ABI.md documents the same layout for
// authors in other languages.
package abi

import (
	"encoding/binary"
	"math"
	"strconv"
)

// Version is the ABI version this package speaks; ec2x_abi_version returns it.
const Version = 1

// Export names every module must (or, for LastError, may) provide.
const (
	ExportABIVersion = "ec2x_abi_version"
	ExportKinds      = "ec2x_kinds"
	ExportAlloc      = "ec2x_alloc"
	ExportPrice      = "ec2x_price"
	ExportLastError  = "ec2x_last_error"
	ExportMemory     = "memory"
	// ExportInitialize is run at instantiation when present (Go c-shared guests).
	ExportInitialize = "_initialize"
)

// Kind says what a batch prices; it is the first argument of ec2x_price.
type Kind int32

// Kinds start at 1 so that a zeroed argument is never a valid kind.
const (
	OnDemand Kind = 1
	Spot     Kind = 2
	Reserved Kind = 3
)

// AllKinds lists the kinds this ABI version defines, in order.
var AllKinds = []Kind{OnDemand, Spot, Reserved}

// String names the kind as config files and messages spell it.
func (k Kind) String() string {
	switch k {
	case OnDemand:
		return "ondemand"
	case Spot:
		return "spot"
	case Reserved:
		return "reserved"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Valid reports whether k is a kind of this ABI version.
func (k Kind) Valid() bool { return k >= OnDemand && k <= Reserved }

// Bit is k's bit in the ec2x_kinds mask.
func (k Kind) Bit() uint32 { return 1 << uint(k) }

// InSize is the size in bytes of one input record of kind k.
func (k Kind) InSize() int {
	switch k {
	case OnDemand:
		return OnDemandInSize
	case Spot:
		return SpotInSize
	case Reserved:
		return ReservedInSize
	}
	return 0
}

// OutSize is the size in bytes of one output record of kind k.
func (k Kind) OutSize() int {
	switch k {
	case OnDemand:
		return OnDemandOutSize
	case Spot:
		return SpotOutSize
	case Reserved:
		return ReservedOutSize
	}
	return 0
}

// KindSet is the ec2x_kinds bitmask: bit 1<<kind is set for each kind served.
type KindSet uint32

// Has reports whether the set contains k.
func (s KindSet) Has(k Kind) bool { return k.Valid() && uint32(s)&k.Bit() != 0 }

// Kinds lists the valid kinds in the set, in order.
func (s KindSet) Kinds() []Kind {
	var ks []Kind
	for _, k := range AllKinds {
		if s.Has(k) {
			ks = append(ks, k)
		}
	}
	return ks
}

// Unknown returns the bits that name no kind of this ABI version.
func (s KindSet) Unknown() uint32 {
	var known uint32
	for _, k := range AllKinds {
		known |= k.Bit()
	}
	return uint32(s) &^ known
}

// SetOf builds a KindSet from kinds.
func SetOf(kinds ...Kind) KindSet {
	var s KindSet
	for _, k := range kinds {
		s |= KindSet(k.Bit())
	}
	return s
}

// Codes ec2x_price returns instead of an item count. Any other negative value
// is reported as an unknown guest error.
const (
	CodeUnsupportedKind int32 = -1 // the module does not price this kind
	CodeInvalidInput    int32 = -2 // an input record is out of its domain
	CodeInternal        int32 = -3 // the module failed (e.g. a recovered panic)
)

// CodeName describes a negative ec2x_price result.
func CodeName(code int32) string {
	switch code {
	case CodeUnsupportedKind:
		return "unsupported kind"
	case CodeInvalidInput:
		return "invalid input"
	case CodeInternal:
		return "internal error"
	}
	return "unknown error code " + strconv.Itoa(int(code))
}

// PaymentOption is how a reservation is paid; ordered by how much is paid
// upfront, which is also the order of the discount.
type PaymentOption int32

// Payment options; zero is invalid so an unset field is caught.
const (
	NoUpfront      PaymentOption = 1
	PartialUpfront PaymentOption = 2
	AllUpfront     PaymentOption = 3
)

// String spells the option as EC2 does.
func (p PaymentOption) String() string {
	switch p {
	case NoUpfront:
		return "No Upfront"
	case PartialUpfront:
		return "Partial Upfront"
	case AllUpfront:
		return "All Upfront"
	}
	return "payment(" + strconv.Itoa(int(p)) + ")"
}

// OfferingClass is standard or convertible.
type OfferingClass int32

// Offering classes; zero is invalid so an unset field is caught.
const (
	Standard    OfferingClass = 1
	Convertible OfferingClass = 2
)

// String spells the class as EC2 does.
func (c OfferingClass) String() string {
	switch c {
	case Standard:
		return "standard"
	case Convertible:
		return "convertible"
	}
	return "class(" + strconv.Itoa(int(c)) + ")"
}

// HoursPerYear is the hours in a reservation year (365 days, as AWS bills).
const HoursPerYear = 8760

// Record sizes in bytes. Every record is a multiple of 8 so that f64 fields
// stay 8-byte aligned across a batch.
const (
	OnDemandInSize  = 8
	OnDemandOutSize = 8
	SpotInSize      = 48
	SpotOutSize     = 8
	ReservedInSize  = 24
	ReservedOutSize = 24
)

// SpotInput is one spot item: the pool's state at one market tick.
type SpotInput struct {
	OnDemand    float64 // USD per hour, > 0
	Utilisation float64 // of the zone's pool for this type, in [0, 1]
	Seed        uint64  // market seed: same seed, same prices
	UnixMinute  int64   // the tick's time, minutes since the Unix epoch
	Zone        int32   // zone index in the region, >= 0
	Type        int32   // instance type index in the catalogue, >= 0
	Previous    float64 // the pool's price at the previous tick; 0 for none
}

// ReservedInput is one reserved offering to price.
type ReservedInput struct {
	OnDemand float64 // USD per hour, > 0
	Term     int32   // years: 1 or 3
	Payment  PaymentOption
	Class    OfferingClass
}

// ReservedQuote is the price of one offering.
type ReservedQuote struct {
	Upfront   float64 // USD paid at purchase
	Recurring float64 // USD per hour for the whole term, used or not
	Effective float64 // Upfront spread over the term's hours plus Recurring
}

var le = binary.LittleEndian

func f64(b []byte) float64       { return math.Float64frombits(le.Uint64(b)) }
func putF64(b []byte, f float64) { le.PutUint64(b, math.Float64bits(f)) }

// PutSpot writes in as record i of buf.
func PutSpot(buf []byte, i int, in SpotInput) {
	b := buf[i*SpotInSize : (i+1)*SpotInSize]
	putF64(b[0:], in.OnDemand)
	putF64(b[8:], in.Utilisation)
	le.PutUint64(b[16:], in.Seed)
	le.PutUint64(b[24:], uint64(in.UnixMinute))
	le.PutUint32(b[32:], uint32(in.Zone))
	le.PutUint32(b[36:], uint32(in.Type))
	putF64(b[40:], in.Previous)
}

// GetSpot reads record i of buf.
func GetSpot(buf []byte, i int) SpotInput {
	b := buf[i*SpotInSize : (i+1)*SpotInSize]
	return SpotInput{
		OnDemand:    f64(b[0:]),
		Utilisation: f64(b[8:]),
		Seed:        le.Uint64(b[16:]),
		UnixMinute:  int64(le.Uint64(b[24:])),
		Zone:        int32(le.Uint32(b[32:])),
		Type:        int32(le.Uint32(b[36:])),
		Previous:    f64(b[40:]),
	}
}

// PutReserved writes in as record i of buf; the 4 padding bytes are zeroed.
func PutReserved(buf []byte, i int, in ReservedInput) {
	b := buf[i*ReservedInSize : (i+1)*ReservedInSize]
	putF64(b[0:], in.OnDemand)
	le.PutUint32(b[8:], uint32(in.Term))
	le.PutUint32(b[12:], uint32(in.Payment))
	le.PutUint32(b[16:], uint32(in.Class))
	le.PutUint32(b[20:], 0)
}

// GetReserved reads record i of buf.
func GetReserved(buf []byte, i int) ReservedInput {
	b := buf[i*ReservedInSize : (i+1)*ReservedInSize]
	return ReservedInput{
		OnDemand: f64(b[0:]),
		Term:     int32(le.Uint32(b[8:])),
		Payment:  PaymentOption(le.Uint32(b[12:])),
		Class:    OfferingClass(le.Uint32(b[16:])),
	}
}

// PutQuote writes q as output record i of buf.
func PutQuote(buf []byte, i int, q ReservedQuote) {
	b := buf[i*ReservedOutSize : (i+1)*ReservedOutSize]
	putF64(b[0:], q.Upfront)
	putF64(b[8:], q.Recurring)
	putF64(b[16:], q.Effective)
}

// GetQuote reads output record i of buf.
func GetQuote(buf []byte, i int) ReservedQuote {
	b := buf[i*ReservedOutSize : (i+1)*ReservedOutSize]
	return ReservedQuote{Upfront: f64(b[0:]), Recurring: f64(b[8:]), Effective: f64(b[16:])}
}

// PutPrice writes a price (the on-demand input and the on-demand and spot
// outputs are all one f64) as record i of buf.
func PutPrice(buf []byte, i int, p float64) { putF64(buf[i*8:], p) }

// GetPrice reads the f64 record i of buf.
func GetPrice(buf []byte, i int) float64 { return f64(buf[i*8:]) }
