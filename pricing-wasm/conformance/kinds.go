package conformance

import (
	"context"
	"fmt"
	"math"

	pw "github.com/ec2x/ec2x/pricing-wasm"
	"github.com/ec2x/ec2x/pricing-wasm/abi"
)

// SpotSample returns n spot items covering empty to full pools, several
// zones, types, seeds and minutes, with and without a previous price.
func SpotSample(n int) []abi.SpotInput {
	r := rng()
	in := make([]abi.SpotInput, n)
	for i := range in {
		od := onDemandPrices[r.IntN(len(onDemandPrices))]
		var prev float64
		if i%2 == 1 {
			prev = od * (0.1 + 0.9*r.Float64())
		}
		in[i] = abi.SpotInput{
			OnDemand: od, Utilisation: float64(i%101) / 100, Seed: r.Uint64(),
			UnixMinute: 29_000_000 + int64(r.IntN(200_000)), Zone: int32(r.IntN(6)), Type: int32(r.IntN(60)),
			Previous: prev,
		}
	}
	return in
}

// ReservedSample returns n offerings cycling through every term, payment
// and class.
func ReservedSample(n int) []abi.ReservedInput {
	r := rng()
	in := make([]abi.ReservedInput, n)
	for i := range in {
		in[i] = abi.ReservedInput{
			OnDemand: onDemandPrices[r.IntN(len(onDemandPrices))],
			Term:     []int32{1, 3}[i%2],
			Payment:  abi.PaymentOption(1 + (i/2)%3),
			Class:    abi.OfferingClass(1 + (i/6)%2),
		}
	}
	return in
}

// OnDemandSample returns n catalogue prices, zero included.
func OnDemandSample(n int) []float64 {
	in := make([]float64, n)
	for i := range in {
		in[i] = onDemandPrices[i%len(onDemandPrices)] * float64(1+i%7)
	}
	in[0] = 0
	return in
}

func ondemandBatch(ctx context.Context, m *pw.Module) (priced, error) {
	p := priced{ondemand: OnDemandSample(BatchSize), out: make([]float64, BatchSize)}
	return p, m.OnDemand(ctx, p.ondemand, p.out)
}

func ondemandAgain(ctx context.Context, m *pw.Module, p priced) ([]float64, error) {
	out := make([]float64, len(p.out))
	return out, m.OnDemand(ctx, p.ondemand, out)
}

func ondemandSingles(ctx context.Context, m *pw.Module, p priced) error {
	out := make([]float64, len(p.out))
	for i := range p.ondemand {
		if err := m.OnDemand(ctx, p.ondemand[i:i+1], out[i:i+1]); err != nil {
			return err
		}
	}
	return sameBits(p.out, out)
}

func ondemandBounds(p priced) error {
	for i, v := range p.out {
		if !(v >= 0) || math.IsInf(v, 0) {
			return fmt.Errorf("item %d: price %v for catalogue %v, want a finite amount >= 0", i, v, p.ondemand[i])
		}
	}
	return nil
}

func ondemandInvalid() []byte {
	b := make([]byte, abi.OnDemandInSize)
	abi.PutPrice(b, 0, -1)
	return b
}

func spotBatch(ctx context.Context, m *pw.Module) (priced, error) {
	p := priced{spot: SpotSample(BatchSize), out: make([]float64, BatchSize)}
	return p, m.Spot(ctx, p.spot, p.out)
}

func spotAgain(ctx context.Context, m *pw.Module, p priced) ([]float64, error) {
	out := make([]float64, len(p.out))
	return out, m.Spot(ctx, p.spot, out)
}

func spotSingles(ctx context.Context, m *pw.Module, p priced) error {
	out := make([]float64, len(p.out))
	for i := range p.spot {
		if err := m.Spot(ctx, p.spot[i:i+1], out[i:i+1]); err != nil {
			return err
		}
	}
	return sameBits(p.out, out)
}

func spotBounds(p priced) error {
	for i, v := range p.out {
		od := p.spot[i].OnDemand
		if !(v > 0) || v > od {
			return fmt.Errorf("item %d: price %v with on-demand %v, want 0 < price <= on-demand", i, v, od)
		}
	}
	return nil
}

func spotInvalid() []byte {
	b := make([]byte, abi.SpotInSize)
	abi.PutSpot(b, 0, abi.SpotInput{OnDemand: 0.1, Utilisation: 1.5})
	return b
}

func reservedBatch(ctx context.Context, m *pw.Module) (priced, error) {
	p := priced{reserved: ReservedSample(BatchSize)}
	quotes := make([]abi.ReservedQuote, BatchSize)
	err := m.Reserved(ctx, p.reserved, quotes)
	p.out = flatten(quotes)
	return p, err
}

func reservedAgain(ctx context.Context, m *pw.Module, p priced) ([]float64, error) {
	quotes := make([]abi.ReservedQuote, len(p.reserved))
	err := m.Reserved(ctx, p.reserved, quotes)
	return flatten(quotes), err
}

func reservedSingles(ctx context.Context, m *pw.Module, p priced) error {
	quotes := make([]abi.ReservedQuote, len(p.reserved))
	for i := range p.reserved {
		if err := m.Reserved(ctx, p.reserved[i:i+1], quotes[i:i+1]); err != nil {
			return err
		}
	}
	return sameBits(p.out, flatten(quotes))
}

// reservedBounds wants discounts in [0, MaxReservedDiscount], no hourly
// charge on all upfront and no fee on no upfront, as EC2 bills them.
func reservedBounds(p priced) error {
	for i, in := range p.reserved {
		q := abi.ReservedQuote{Upfront: p.out[3*i], Recurring: p.out[3*i+1], Effective: p.out[3*i+2]}
		if err := q.Validate(in.Term); err != nil {
			return fmt.Errorf("item %d: %v", i, err)
		}
		d := 1 - q.Effective/in.OnDemand
		if d < -1e-9 || d > MaxReservedDiscount+1e-9 {
			return fmt.Errorf("item %d (%d years, %s, %s): discount %.4f, want 0 to %.2f", i, in.Term, in.Payment, in.Class, d, MaxReservedDiscount)
		}
		if in.Payment == abi.AllUpfront && q.Recurring != 0 {
			return fmt.Errorf("item %d: all upfront with an hourly charge of %v", i, q.Recurring)
		}
		if in.Payment == abi.NoUpfront && q.Upfront != 0 {
			return fmt.Errorf("item %d: no upfront with a fee of %v", i, q.Upfront)
		}
	}
	return nil
}

func reservedInvalid() []byte {
	b := make([]byte, abi.ReservedInSize)
	abi.PutReserved(b, 0, abi.ReservedInput{OnDemand: 0.1, Term: 2, Payment: abi.AllUpfront, Class: abi.Standard})
	return b
}

func flatten(qs []abi.ReservedQuote) []float64 {
	out := make([]float64, 0, 3*len(qs))
	for _, q := range qs {
		out = append(out, q.Upfront, q.Recurring, q.Effective)
	}
	return out
}
