package pricingwasm_test

import (
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"

	pw "github.com/ec2x/ec2x/pricing-wasm"
	"github.com/ec2x/ec2x/pricing-wasm/wasmtest"
)

// The worked examples of ABI.md, sent as raw bytes to the built-in modules:
// the document and the modules must agree byte for byte.
func TestABIWorkedExamples(t *testing.T) {
	doc, err := os.ReadFile("ABI.md")
	if err != nil {
		t.Fatal(err)
	}
	h := wasmtest.New(t, pw.Config{})
	cases := []struct {
		module  string
		kind    pw.Kind
		in, out []string // one hex string per item, fields separated by spaces as in ABI.md
	}{
		{"spot", pw.Spot,
			[]string{
				"fa7e6abc7493b83f 000000000000d03f 2a00000000000000 4081ba0100000000 01000000 07000000 0000000000000000",
				"fa7e6abc7493b83f 000000000000d03f 2a00000000000000 4581ba0100000000 01000000 07000000 28d92a254a1f893f",
			},
			[]string{"28d92a254a1f893f", "7969c2ca082d893f"}},
		{"reserved", pw.Reserved,
			[]string{
				"fa7e6abc7493b83f 03000000 03000000 01000000 00000000",
				"fa7e6abc7493b83f 01000000 02000000 02000000 00000000",
			},
			[]string{
				"c2a8a44e40138640 0000000000000000 bd79aa436e869b3f",
				"c3d32b6519227240 dae1afc91af5a03f dae1afc91af5b03f",
			}},
	}
	for _, c := range cases {
		m := wasmtest.Builtin(t, h, c.module)
		var in, want []byte
		for _, s := range c.in {
			if !strings.Contains(string(doc), s) {
				t.Errorf("ABI.md lacks %q", s)
			}
			in = append(in, unhex(t, s)...)
		}
		for _, s := range c.out {
			if !strings.Contains(string(doc), s) {
				t.Errorf("ABI.md lacks %q", s)
			}
			want = append(want, unhex(t, s)...)
		}
		got := make([]byte, len(want))
		if err := m.Call(ctx, c.kind, len(c.in), in, got); err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(got) != hex.EncodeToString(want) {
			t.Errorf("%s\n got %x\nwant %x", c.module, got, want)
		}
	}
	m, _ := h.Module("reserved")
	err = m.Call(ctx, pw.Spot, 1, make([]byte, 48), make([]byte, 8))
	msg := "kind 2 is not priced by this module (kinds mask 0x8)"
	if !errors.Is(err, pw.ErrUnsupportedKind) || !strings.HasSuffix(err.Error(), msg) || !strings.Contains(string(doc), msg) {
		t.Errorf("got %v, want it to end with ABI.md's %q", err, msg)
	}
}

func unhex(t *testing.T, s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
