package pricingwasm

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/ec2x/ec2x/pricing-wasm/abi"
)

// Types and constants of the ABI, re-exported so that callers of the host
// need not import abi.
type (
	// Kind says what a batch prices.
	Kind = abi.Kind
	// KindSet is a set of kinds, as ec2x_kinds declares them.
	KindSet = abi.KindSet
	// SpotInput is one spot item.
	SpotInput = abi.SpotInput
	// ReservedInput is one reserved offering.
	ReservedInput = abi.ReservedInput
	// ReservedQuote is the price of one offering.
	ReservedQuote = abi.ReservedQuote
	// PaymentOption is no, partial or all upfront.
	PaymentOption = abi.PaymentOption
	// OfferingClass is standard or convertible.
	OfferingClass = abi.OfferingClass
)

// Kinds, payment options and offering classes of the ABI.
const (
	OnDemand       = abi.OnDemand
	Spot           = abi.Spot
	Reserved       = abi.Reserved
	NoUpfront      = abi.NoUpfront
	PartialUpfront = abi.PartialUpfront
	AllUpfront     = abi.AllUpfront
	Standard       = abi.Standard
	Convertible    = abi.Convertible
)

// OnDemand prices on-demand items: out[i] is the price for catalogue price prices[i].
func (m *Module) OnDemand(ctx context.Context, prices []float64, out []float64) error {
	if err := m.check(abi.OnDemand, len(prices), len(out), func(i int) error { return abi.ValidateOnDemand(prices[i]) }); err != nil {
		return err
	}
	return m.do(ctx, abi.OnDemand, len(prices),
		func(lo, hi int, buf []byte) {
			for i := lo; i < hi; i++ {
				abi.PutPrice(buf, i-lo, prices[i])
			}
		},
		readPrices(out))
}

// Spot prices spot items: out[i] is the price of pool in[i] at its minute.
func (m *Module) Spot(ctx context.Context, in []SpotInput, out []float64) error {
	if err := m.check(abi.Spot, len(in), len(out), func(i int) error { return in[i].Validate() }); err != nil {
		return err
	}
	return m.do(ctx, abi.Spot, len(in),
		func(lo, hi int, buf []byte) {
			for i := lo; i < hi; i++ {
				abi.PutSpot(buf, i-lo, in[i])
			}
		},
		readPrices(out))
}

// Reserved prices reserved offerings: out[i] is the quote for in[i].
func (m *Module) Reserved(ctx context.Context, in []ReservedInput, out []ReservedQuote) error {
	if err := m.check(abi.Reserved, len(in), len(out), func(i int) error { return in[i].Validate() }); err != nil {
		return err
	}
	return m.do(ctx, abi.Reserved, len(in),
		func(lo, hi int, buf []byte) {
			for i := lo; i < hi; i++ {
				abi.PutReserved(buf, i-lo, in[i])
			}
		},
		func(lo, hi int, buf []byte) error {
			for i := lo; i < hi; i++ {
				q := abi.GetQuote(buf, i-lo)
				if err := q.Validate(in[i].Term); err != nil {
					return fmt.Errorf("item %d: %v", i, err)
				}
				out[i] = q
			}
			return nil
		})
}

// Call sends raw records: n items of kind encoded in in, with len(out) bytes
// of room for the results, which are copied back into out. Unlike the typed
// methods it validates nothing but the guest's count and pointers, so it can
// send an undeclared or unknown kind (the conformance suite does).
func (m *Module) Call(ctx context.Context, kind Kind, n int, in, out []byte) error {
	if err := m.Ready(ctx); err != nil {
		return err
	}
	if n < 0 || n > m.h.cfg.MaxBatch {
		return &CallError{Module: m.name, Export: abi.ExportPrice, Kind: kind, Err: ErrInvalidInput,
			Detail: fmt.Sprintf("a raw batch holds 0 to %d items, not %d", m.h.cfg.MaxBatch, n)}
	}
	return m.runBatch(ctx, batch{kind: kind, n: n, inLen: len(in), outLen: len(out),
		fill: func(buf []byte) { copy(buf, in) },
		read: func(buf []byte) error { copy(out, buf); return nil },
	})
}

// check refuses, before any guest call, a kind the module does not declare,
// an output slice too short and inputs outside their domain.
func (m *Module) check(kind abi.Kind, n, outLen int, valid func(i int) error) error {
	fail := func(err error, format string, args ...any) error {
		return &CallError{Module: m.name, Export: abi.ExportPrice, Kind: kind, Err: err, Detail: fmt.Sprintf(format, args...)}
	}
	if outLen < n {
		return fail(ErrInvalidInput, "%d outputs for %d inputs", outLen, n)
	}
	for i := 0; i < n; i++ {
		if err := valid(i); err != nil {
			return fail(ErrInvalidInput, "item %d: %v", i, err)
		}
	}
	return nil
}

// do waits for the module, checks it declares kind, and sends the n items in
// batches of at most MaxBatch.
func (m *Module) do(ctx context.Context, kind abi.Kind, n int, fill func(lo, hi int, buf []byte), read func(lo, hi int, buf []byte) error) error {
	if err := m.Ready(ctx); err != nil {
		return err
	}
	if !m.info.Kinds.Has(kind) {
		return &CallError{Module: m.name, Export: abi.ExportPrice, Kind: kind, Err: ErrUnsupportedKind,
			Detail: fmt.Sprintf("the module declares %v", m.info.Kinds.Kinds())}
	}
	for lo := 0; lo < n; lo += m.h.cfg.MaxBatch {
		hi := min(lo+m.h.cfg.MaxBatch, n)
		err := m.runBatch(ctx, batch{kind: kind, n: hi - lo,
			inLen: (hi - lo) * kind.InSize(), outLen: (hi - lo) * kind.OutSize(),
			fill: func(buf []byte) { fill(lo, hi, buf) },
			read: func(buf []byte) error { return read(lo, hi, buf) },
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// runBatch runs one batch on a borrowed instance. After a failure the
// instance is closed and replaced, except when the guest itself refused the
// batch with an ABI code for a bad request (unsupported kind, invalid input):
// that is a normal return from a healthy guest, and replacing a Go guest
// costs a few milliseconds of instantiation.
func (m *Module) runBatch(ctx context.Context, b batch) error {
	// A caller that has already given up would only get an instance killed.
	if err := ctx.Err(); err != nil {
		return &CallError{Module: m.name, Export: abi.ExportPrice, Kind: b.kind, Err: err, Detail: "the caller gave up before the call"}
	}
	inst, err := m.acquire(ctx)
	if err != nil {
		return err
	}
	m.calls.Add(1)
	if err := m.safeRun(ctx, inst, b); err != nil {
		m.failures.Add(1)
		var ce *CallError
		if errors.As(err, &ce) && ce.Cause == nil && (ce.Err == ErrUnsupportedKind || ce.Err == ErrInvalidInput) {
			m.release(inst)
		} else {
			m.discard(inst)
		}
		return err
	}
	m.release(inst)
	return nil
}

// safeRun runs the batch, turning a panic in the host's own code around the
// call (encoding, decoding) into a failed call rather than a dead daemon.
func (m *Module) safeRun(ctx context.Context, inst *instance, b batch) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &CallError{Module: m.name, Export: abi.ExportPrice, Kind: b.kind, Err: ErrPanic, Detail: fmt.Sprint(r)}
		}
	}()
	return inst.run(ctx, b)
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// readPrices reads a batch of prices (on-demand and spot answer alike)
// into out, refusing any that is not a finite amount >= 0.
func readPrices(out []float64) func(lo, hi int, buf []byte) error {
	return func(lo, hi int, buf []byte) error {
		for i := lo; i < hi; i++ {
			p := abi.GetPrice(buf, i-lo)
			if !finite(p) || p < 0 {
				return fmt.Errorf("item %d: price %v is not a finite amount >= 0", i, p)
			}
			out[i] = p
		}
		return nil
	}
}
