// Package examples holds pricing modules written without Go; the test
// assembles each and runs the conformance suite against it.
package examples

import (
	"context"
	"math"
	"testing"

	pw "github.com/ec2x/ec2x/pricing-wasm"
	"github.com/ec2x/ec2x/pricing-wasm/conformance"
	"github.com/ec2x/ec2x/pricing-wasm/wasmtest"
)

func TestFlatConforms(t *testing.T) {
	wasm := wasmtest.Assemble(t, "flat.wat")
	ctx := context.Background()
	h, err := pw.New(ctx, pw.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(ctx)
	m, err := h.Load(ctx, "flat", wasm)
	if err != nil {
		t.Fatal(err)
	}
	r := conformance.Run(t, m)
	if want := pw.KindSet(pw.OnDemand.Bit() | pw.Reserved.Bit()); r.Kinds != want {
		t.Errorf("kinds %v, want %v", r.Kinds.Kinds(), want.Kinds())
	}
	t.Logf("\n%s", r)

	// The flat discount: 30 % for a year, 50 % for three, all upfront.
	q := make([]pw.ReservedQuote, 2)
	in := []pw.ReservedInput{
		{OnDemand: 0.1, Term: 1, Payment: pw.AllUpfront, Class: pw.Standard},
		{OnDemand: 0.1, Term: 3, Payment: pw.NoUpfront, Class: pw.Convertible},
	}
	if err := m.Reserved(ctx, in, q); err != nil {
		t.Fatal(err)
	}
	if math.Abs(q[0].Upfront-613.2) > 1e-9 || q[0].Recurring != 0 {
		t.Errorf("1-year all upfront: %+v, want 613.2 upfront and nothing hourly", q[0])
	}
	if q[1].Upfront != 0 || math.Abs(q[1].Recurring-0.05) > 1e-12 {
		t.Errorf("3-year no upfront: %+v, want 0.05 hourly", q[1])
	}
}
