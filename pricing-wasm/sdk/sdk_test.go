package sdk

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/pricing-wasm/abi"
)

// Every export must yield first thing (defer runtime.Gosched): a c-shared Go
// guest runs its collector's goroutines only when an export yields.
func TestEveryExportYields(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "exports_wasip1.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	exports := 0
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Doc == nil || !strings.Contains(fn.Doc.Text()+commentText(fn.Doc), "go:wasmexport") {
			continue
		}
		exports++
		first := ""
		if len(fn.Body.List) > 0 {
			if d, ok := fn.Body.List[0].(*ast.DeferStmt); ok {
				if sel, ok := d.Call.Fun.(*ast.SelectorExpr); ok {
					first = sel.X.(*ast.Ident).Name + "." + sel.Sel.Name
				}
			}
		}
		if first != "runtime.Gosched" {
			t.Errorf("export %s does not start with defer runtime.Gosched()", fn.Name.Name)
		}
	}
	if exports != 5 {
		t.Errorf("found %d exports, want 5 (abi version, kinds, alloc, price, last error)", exports)
	}
}

func commentText(g *ast.CommentGroup) string {
	var b strings.Builder
	for _, c := range g.List {
		b.WriteString(c.Text)
	}
	return b.String()
}

func reset() {
	ondemandFn, spotFn, reservedFn, lastErr = nil, nil, nil, nil
}

func TestKindsFollowRegistrations(t *testing.T) {
	defer reset()
	reset()
	if kinds() != 0 {
		t.Fatal("kinds before any registration")
	}
	Spot(func(SpotInput) float64 { return 1 })
	Reserved(func(ReservedInput) ReservedQuote { return ReservedQuote{} })
	if want := abi.SetOf(abi.Spot, abi.Reserved); kinds() != want {
		t.Errorf("kinds %#x, want %#x", kinds(), want)
	}
	if supported(abi.OnDemand) != abi.CodeUnsupportedKind || !strings.Contains(string(lastErr), "kind 1 is not priced") {
		t.Errorf("ondemand: %q", lastErr)
	}
	if supported(abi.Spot) != 0 {
		t.Error("spot refused")
	}
}

func TestPriceRefusesBadItemsWithReasons(t *testing.T) {
	defer reset()
	Spot(func(in SpotInput) float64 { return in.OnDemand / 2 })
	in := []SpotInput{{OnDemand: 1, Utilisation: 0.5}, {OnDemand: 1, Utilisation: 1.5}}
	out := make([]float64, 2)
	if got := priceSpot(in, out); got != abi.CodeInvalidInput {
		t.Fatalf("got %d", got)
	}
	if want := "spot item 1: utilisation 1.5: want a number in [0, 1]"; string(lastErr) != want {
		t.Errorf("message %q, want %q", lastErr, want)
	}
	if got := priceSpot(in[:1], out); got != 1 || out[0] != 0.5 {
		t.Errorf("valid item: %d, %v", got, out)
	}
	OnDemand(func(p float64) float64 { return p })
	if got := priceOnDemand([]float64{-1}, out); got != abi.CodeInvalidInput || !strings.HasPrefix(string(lastErr), "ondemand item 0: on-demand price -1") {
		t.Errorf("ondemand: %d %q", got, lastErr)
	}
	Reserved(func(ReservedInput) ReservedQuote { return ReservedQuote{} })
	bad := []ReservedInput{{OnDemand: 1, Term: 1, Payment: AllUpfront, Class: 7}}
	if got := priceReserved(bad, make([]ReservedQuote, 1)); got != abi.CodeInvalidInput || !strings.Contains(string(lastErr), "offering class 7") {
		t.Errorf("reserved: %d %q", got, lastErr)
	}
}

// An author's panic becomes CodeInternal with its text, not a dead guest.
func TestPanicsBecomeInternalErrors(t *testing.T) {
	defer reset()
	Spot(func(SpotInput) float64 { panic("no market for this pool") })
	got := priceSpot([]SpotInput{{OnDemand: 1}}, make([]float64, 1))
	if got != abi.CodeInternal || string(lastErr) != "spot: panic: no market for this pool" {
		t.Errorf("%d %q", got, lastErr)
	}
}

// Refusals reuse lastErr's capacity: nothing is allocated once it is grown.
func TestRefusalsDoNotAllocate(t *testing.T) {
	defer reset()
	Reserved(func(ReservedInput) ReservedQuote { return ReservedQuote{} })
	bad := []ReservedInput{{OnDemand: 0.25, Term: 2, Payment: AllUpfront, Class: Standard}}
	out := make([]ReservedQuote, 1)
	priceReserved(bad, out)
	if n := testing.AllocsPerRun(100, func() { priceReserved(bad, out) }); n != 0 {
		t.Errorf("%v allocations per refusal", n)
	}
}
