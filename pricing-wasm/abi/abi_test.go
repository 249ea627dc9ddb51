package abi

import (
	"bytes"
	"encoding/hex"
	"math"
	"strings"
	"testing"
	"unsafe"
)

// The SDK reads records by casting linear memory to these structs, so their
// Go layout must be the ABI's byte layout (wasm and the usual hosts are
// little-endian, and these fields are naturally aligned).
func TestStructLayoutIsTheRecordLayout(t *testing.T) {
	var s SpotInput
	var r ReservedInput
	var q ReservedQuote
	checks := []struct {
		name      string
		got, want uintptr
	}{
		{"SpotInput size", unsafe.Sizeof(s), SpotInSize},
		{"SpotInput.OnDemand", unsafe.Offsetof(s.OnDemand), 0},
		{"SpotInput.Utilisation", unsafe.Offsetof(s.Utilisation), 8},
		{"SpotInput.Seed", unsafe.Offsetof(s.Seed), 16},
		{"SpotInput.UnixMinute", unsafe.Offsetof(s.UnixMinute), 24},
		{"SpotInput.Zone", unsafe.Offsetof(s.Zone), 32},
		{"SpotInput.Type", unsafe.Offsetof(s.Type), 36},
		{"SpotInput.Previous", unsafe.Offsetof(s.Previous), 40},
		{"ReservedInput size", unsafe.Sizeof(r), ReservedInSize},
		{"ReservedInput.Term", unsafe.Offsetof(r.Term), 8},
		{"ReservedInput.Payment", unsafe.Offsetof(r.Payment), 12},
		{"ReservedInput.Class", unsafe.Offsetof(r.Class), 16},
		{"ReservedQuote size", unsafe.Sizeof(q), ReservedOutSize},
		{"ReservedQuote.Recurring", unsafe.Offsetof(q.Recurring), 8},
		{"ReservedQuote.Effective", unsafe.Offsetof(q.Effective), 16},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: %d, want %d", c.name, c.got, c.want)
		}
	}
}

// The worked examples of ABI.md, byte for byte.
func TestWorkedExamples(t *testing.T) {
	spot := make([]byte, SpotInSize)
	PutSpot(spot, 0, SpotInput{OnDemand: 0.096, Utilisation: 0.25, Seed: 42, UnixMinute: 29_000_000, Zone: 1, Type: 7, Previous: 0.0192})
	want := "" +
		"fa7e6abc7493b83f" + // 0.096
		"000000000000d03f" + // 0.25
		"2a00000000000000" + // seed 42
		"4081ba0100000000" + // minute 29,000,000
		"01000000" + "07000000" + // zone 1, type 7
		"613255302aa9933f" // 0.0192
	if got := hex.EncodeToString(spot); got != want {
		t.Errorf("spot record\n got %s\nwant %s", got, want)
	}
	if back := GetSpot(spot, 0); back.UnixMinute != 29_000_000 || back.Previous != 0.0192 || back.Type != 7 {
		t.Errorf("round trip: %+v", back)
	}

	res := make([]byte, ReservedInSize)
	PutReserved(res, 0, ReservedInput{OnDemand: 0.096, Term: 3, Payment: AllUpfront, Class: Standard})
	if got, want := hex.EncodeToString(res), "fa7e6abc7493b83f"+"03000000"+"03000000"+"01000000"+"00000000"; got != want {
		t.Errorf("reserved record\n got %s\nwant %s", got, want)
	}
	out := make([]byte, ReservedOutSize)
	q := ReservedQuote{Upfront: 0.096 * 0.28 * 26280, Effective: 0.096 * 0.28}
	PutQuote(out, 0, q)
	if GetQuote(out, 0) != q {
		t.Errorf("quote round trip")
	}
}

func TestKindSet(t *testing.T) {
	s := SetOf(Spot, Reserved)
	if uint32(s) != 0xc || !s.Has(Spot) || s.Has(OnDemand) || s.Has(Kind(0)) || s.Has(Kind(40)) {
		t.Errorf("set %#x", uint32(s))
	}
	if ks := s.Kinds(); len(ks) != 2 || ks[0] != Spot || ks[1] != Reserved {
		t.Errorf("kinds %v", ks)
	}
	if u := KindSet(0x83).Unknown(); u != 0x81 {
		t.Errorf("unknown bits %#x", u)
	}
	for _, k := range AllKinds {
		if k.InSize()%8 != 0 || k.OutSize()%8 != 0 {
			t.Errorf("%s records are not multiples of 8 bytes", k)
		}
	}
	if Kind(9).String() != "kind(9)" || Kind(9).InSize() != 0 {
		t.Error("unknown kind")
	}
}

// OK (for guests) and Validate (for the host) must agree.
func TestOKAgreesWithValidate(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	spots := []SpotInput{
		{OnDemand: 1, Utilisation: 0.5}, {OnDemand: 0}, {OnDemand: nan}, {OnDemand: inf},
		{OnDemand: 1, Utilisation: -0.1}, {OnDemand: 1, Utilisation: 1}, {OnDemand: 1, Utilisation: nan},
		{OnDemand: 1, Zone: -1}, {OnDemand: 1, Type: -1}, {OnDemand: 1, Previous: -1}, {OnDemand: 1, Previous: inf},
	}
	for _, s := range spots {
		if s.OK() != (s.Validate() == nil) {
			t.Errorf("%+v: OK %v, Validate %v", s, s.OK(), s.Validate())
		}
	}
	res := []ReservedInput{
		{OnDemand: 1, Term: 1, Payment: NoUpfront, Class: Standard}, {OnDemand: 1, Term: 2, Payment: 1, Class: 1},
		{OnDemand: 1, Term: 3, Payment: 4, Class: 1}, {OnDemand: 1, Term: 3, Payment: 0, Class: 1},
		{OnDemand: 1, Term: 3, Payment: 3, Class: 3}, {OnDemand: -1, Term: 3, Payment: 3, Class: 2},
	}
	for _, r := range res {
		if r.OK() != (r.Validate() == nil) {
			t.Errorf("%+v: OK %v, Validate %v", r, r.OK(), r.Validate())
		}
	}
	for _, p := range []float64{0, 1, -1, nan, inf} {
		if OnDemandOK(p) != (ValidateOnDemand(p) == nil) {
			t.Errorf("%v: OK %v, Validate %v", p, OnDemandOK(p), ValidateOnDemand(p))
		}
	}
	msg, ok := (ReservedInput{OnDemand: 1, Term: 2, Payment: 1, Class: 1}).AppendProblem([]byte("item 3: "))
	if ok || !bytes.Equal(msg, []byte("item 3: term 2 years: want 1 or 3")) {
		t.Errorf("%q", msg)
	}
}

func TestQuoteValidate(t *testing.T) {
	good := ReservedQuote{Upfront: 8760, Recurring: 0.5, Effective: 1.5}
	if err := good.Validate(1); err != nil {
		t.Error(err)
	}
	if err := good.Validate(3); err == nil || !strings.Contains(err.Error(), "effective hourly 1.5") {
		t.Errorf("3 years: %v", err)
	}
	if err := (ReservedQuote{Upfront: -1}).Validate(1); err == nil {
		t.Error("negative upfront accepted")
	}
}
