// Package conformance checks that a loaded pricing module keeps the ABI's
// promises: its version and kinds, batches that agree with single calls,
// determinism, bounds on prices, and refusals of bad kinds and bad input.
// `ec2x plugin install` runs it before accepting a module and `ec2x plugin
// test` runs it on demand; Run adapts it to a Go test.
package conformance

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	pw "github.com/ec2x/ec2x/pricing-wasm"
	"github.com/ec2x/ec2x/pricing-wasm/abi"
)

// BatchSize is the batch the suite prices in one call and compares with
// as many single calls.
const BatchSize = 1000

// MaxReservedDiscount is the largest discount off on-demand a reserved
// quote may show: AWS's best, standard 3-year all upfront.
const MaxReservedDiscount = 0.72

// Result is one check's outcome; Err is nil when it passed.
type Result struct {
	Name string
	Err  error
}

// Report is the outcome of the suite for one module.
type Report struct {
	Module  string
	Kinds   abi.KindSet
	Results []Result
}

// OK reports whether every check passed.
func (r Report) OK() bool { return r.Err() == nil }

// Failed lists the checks that failed.
func (r Report) Failed() []Result {
	var failed []Result
	for _, res := range r.Results {
		if res.Err != nil {
			failed = append(failed, res)
		}
	}
	return failed
}

// Err is nil if every check passed. Otherwise its message names the first
// failed check and counts the others, and errors.Is and errors.As see the
// errors of all of them.
func (r Report) Err() error {
	failed := r.Failed()
	if len(failed) == 0 {
		return nil
	}
	errs := make([]error, len(failed))
	for i, res := range failed {
		errs[i] = fmt.Errorf("%s: %w", res.Name, res.Err)
	}
	msg := errs[0].Error()
	if len(failed) > 1 {
		msg += fmt.Sprintf(" (and %d more failed checks)", len(failed)-1)
	}
	return &failures{msg: msg, errs: errs}
}

// failures is Report.Err's error: a short message over all the failures.
type failures struct {
	msg  string
	errs []error
}

func (f *failures) Error() string   { return f.msg }
func (f *failures) Unwrap() []error { return f.errs }

// String lists the checks one per line, as `ec2x plugin test` prints them.
func (r Report) String() string {
	var b strings.Builder
	for _, res := range r.Results {
		if res.Err == nil {
			fmt.Fprintf(&b, "ok    %s\n", res.Name)
		} else {
			fmt.Fprintf(&b, "FAIL  %s: %v\n", res.Name, res.Err)
		}
	}
	return b.String()
}

// Check runs the suite against m. A module that fails to load reports that
// one failure; a check that fails does not stop the others, except that a
// kind whose dry run (its batch) fails skips that kind's remaining checks.
func Check(ctx context.Context, m *pw.Module) Report {
	r := Report{Module: m.Name()}
	add := func(name string, err error) bool {
		r.Results = append(r.Results, Result{Name: name, Err: err})
		return err == nil
	}
	if !add("load", m.Ready(ctx)) {
		return r
	}
	info := m.Info()
	r.Kinds = info.Kinds
	add("abi-version", expect(info.ABIVersion == abi.Version, "ABI version %d, want %d", info.ABIVersion, abi.Version))
	add("kinds", expect(info.Kinds != 0 && info.Kinds.Unknown() == 0, "kinds mask %#x", uint32(info.Kinds)))
	// The kinds' own checks come first: a module that cannot price is best
	// explained by its dry run, not by how it treats a bad kind.
	for _, k := range abi.AllKinds {
		if !info.Kinds.Has(k) {
			continue
		}
		c := kindChecks[k]
		batch, err := c.batch(ctx, m)
		if !add(k.String()+"/batch", err) {
			continue
		}
		add(k.String()+"/singles", c.singles(ctx, m, batch))
		add(k.String()+"/determinism", determinism(ctx, c, m, batch))
		add(k.String()+"/bounds", c.bounds(batch))
		add(k.String()+"/invalid-input", invalidInput(ctx, m, k, c.invalid))
		add(k.String()+"/empty", m.Call(ctx, k, 0, nil, nil))
	}
	add("bad-kind", badKinds(ctx, m, info.Kinds))
	return r
}

// Run runs Check as part of a Go test, one failure per failed check.
func Run(t testing.TB, m *pw.Module) Report {
	t.Helper()
	r := Check(context.Background(), m)
	for _, res := range r.Results {
		if res.Err != nil {
			t.Errorf("module %s: %s: %v", r.Module, res.Name, res.Err)
		}
	}
	return r
}

func expect(ok bool, format string, args ...any) error {
	if ok {
		return nil
	}
	return fmt.Errorf(format, args...)
}

// badKinds sends kinds the module must refuse with ErrUnsupportedKind: 0, one
// past the last kind, and every valid kind it does not declare.
func badKinds(ctx context.Context, m *pw.Module, declared abi.KindSet) error {
	kinds := []abi.Kind{0, abi.Reserved + 1, 99}
	for _, k := range abi.AllKinds {
		if !declared.Has(k) {
			kinds = append(kinds, k)
		}
	}
	for _, k := range kinds {
		in := make([]byte, max(k.InSize(), 8))
		out := make([]byte, max(k.OutSize(), 8))
		switch k {
		case abi.OnDemand:
			abi.PutPrice(in, 0, 0.1)
		case abi.Spot:
			abi.PutSpot(in, 0, abi.SpotInput{OnDemand: 0.1, Utilisation: 0.5})
		case abi.Reserved:
			abi.PutReserved(in, 0, abi.ReservedInput{OnDemand: 0.1, Term: 1, Payment: abi.NoUpfront, Class: abi.Standard})
		}
		err := m.Call(ctx, k, 1, in, out)
		if !errors.Is(err, pw.ErrUnsupportedKind) {
			return fmt.Errorf("kind %d: got %v, want an unsupported-kind error (code %d)", int32(k), err, abi.CodeUnsupportedKind)
		}
	}
	return nil
}

// invalidInput sends one record outside its domain, which the module must
// refuse with ErrInvalidInput rather than price.
func invalidInput(ctx context.Context, m *pw.Module, k abi.Kind, record []byte) error {
	out := make([]byte, k.OutSize())
	err := m.Call(ctx, k, 1, record, out)
	if !errors.Is(err, pw.ErrInvalidInput) {
		return fmt.Errorf("got %v, want an invalid-input error (code %d)", err, abi.CodeInvalidInput)
	}
	return nil
}

// determinism prices the batch again from several goroutines at once, so
// that different instances serve it, and wants the same bits every time.
func determinism(ctx context.Context, c kindCheck, m *pw.Module, want priced) error {
	const n = 4
	errs := make([]error, n)
	var wg sync.WaitGroup
	for g := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := c.again(ctx, m, want)
			if err == nil {
				err = sameBits(want.out, got)
			}
			errs[g] = err
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func sameBits(want, got []float64) error {
	for i := range want {
		if math.Float64bits(want[i]) != math.Float64bits(got[i]) {
			return fmt.Errorf("item %d: %v, then %v", i, want[i], got[i])
		}
	}
	return nil
}

// priced is a batch with its results; reserved quotes are flattened three
// floats per item so that all kinds compare alike.
type priced struct {
	ondemand []float64
	spot     []abi.SpotInput
	reserved []abi.ReservedInput
	out      []float64
}

// kindCheck holds the kind-specific parts of the suite.
type kindCheck struct {
	batch   func(context.Context, *pw.Module) (priced, error)
	again   func(context.Context, *pw.Module, priced) ([]float64, error)
	singles func(context.Context, *pw.Module, priced) error
	bounds  func(priced) error
	invalid []byte
}

var kindChecks = map[abi.Kind]kindCheck{
	abi.OnDemand: {batch: ondemandBatch, again: ondemandAgain, singles: ondemandSingles, bounds: ondemandBounds, invalid: ondemandInvalid()},
	abi.Spot:     {batch: spotBatch, again: spotAgain, singles: spotSingles, bounds: spotBounds, invalid: spotInvalid()},
	abi.Reserved: {batch: reservedBatch, again: reservedAgain, singles: reservedSingles, bounds: reservedBounds, invalid: reservedInvalid()},
}

// rng is the suite's fixed source: the same inputs on every run.
func rng() *rand.Rand { return rand.New(rand.NewPCG(2017, 11)) }

// onDemandPrices are catalogue prices from t4g.nano to large GPU types.
var onDemandPrices = []float64{0.0042, 0.0104, 0.0416, 0.096, 0.192, 0.34, 1.008, 3.06, 32.7726}
