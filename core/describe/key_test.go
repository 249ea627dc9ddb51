package describe

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// part adds one part to a key, for building keys in tables.
type part func(k *Key)

func str(s string) part       { return func(k *Key) { k.Str(s) } }
func num(n int64) part        { return func(k *Key) { k.Num(n) } }
func tm(t time.Time) part     { return func(k *Key) { k.Time(t) } }
func (p part) String() string { return fmt.Sprintf("%q", sortKey(p)) }

// sortKey builds a key from parts, as a Spec's Key function does.
func sortKey(parts ...part) string {
	var k Key
	for _, p := range parts {
		p(&k)
	}
	return string(k.b)
}

// increasing checks that each key sorts strictly after the one before.
func increasing(t *testing.T, what string, keys []string) {
	t.Helper()
	for i := 1; i < len(keys); i++ {
		if keys[i-1] >= keys[i] {
			t.Errorf("%s: %q (#%d) does not sort before %q", what, keys[i-1], i-1, keys[i])
		}
	}
}

func TestNum(t *testing.T) {
	ns := []int64{math.MinInt64, math.MinInt64 + 1, -1 << 40, -256, -255, -16, -15, -2, -1, 0, 1, 2, 9, 10, 15, 16, 255, 256, 1 << 40, math.MaxInt64 - 1, math.MaxInt64}
	var keys []string
	for _, n := range ns {
		k := sortKey(num(n))
		if len(k) != 8 {
			t.Errorf("Num(%d) is %d bytes, want 8", n, len(k))
		}
		keys = append(keys, k)
	}
	increasing(t, "Num", keys)
}

func TestTime(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	ts := []time.Time{
		{}, // the zero time
		time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Unix(0, 0),
		time.Unix(0, 1),
		epoch,
		epoch.Add(time.Nanosecond),
		epoch.Add(999 * time.Millisecond),
		epoch.Add(time.Second),
		time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), // past UnixNano's range
	}
	var keys []string
	for _, x := range ts {
		keys = append(keys, sortKey(tm(x)))
	}
	increasing(t, "Time", keys)
	if sortKey(tm(epoch)) != sortKey(tm(epoch.In(tokyo))) {
		t.Error("the same instant in another zone sorts elsewhere")
	}
	if now := time.Now(); sortKey(tm(now)) != sortKey(tm(now.Round(0))) {
		t.Error("the monotonic clock reading changes the key")
	}
}

func TestKey(t *testing.T) {
	strs := func(ss ...string) []part {
		ps := make([]part, len(ss))
		for i, s := range ss {
			ps[i] = str(s)
		}
		return ps
	}
	cases := []struct {
		name   string
		lo, hi []part
	}{
		{"first part decides", strs("a", "z"), strs("b", "a")},
		{"a shorter first part sorts first", strs("a", "z"), strs("ab", "a")},
		{"an empty part sorts first", strs("", "z"), strs("a", "")},
		{"then the second part", strs("a", "x"), strs("a", "y")},
		{"fewer parts first", strs("a"), strs("a", "")},
		{"equal launch, then the index", []part{tm(epoch), num(2), str("i-9")}, []part{tm(epoch), num(10), str("i-1")}},
		{"equal launch and index, then the ID", []part{tm(epoch), num(0), str("i-2")}, []part{tm(epoch), num(0), str("i-3")}},
		{"a negative number first", []part{num(-1), str("z")}, []part{num(0), str("a")}},
		{"a NUL in a part", strs("a", "zz"), strs("a\x00", "a")},
		{"0x01 above NUL", strs("a\x00", "z"), strs("a\x01", "a")},
		{"0x02 above 0x01", strs("a\x01\xff", "z"), strs("a\x02", "a")},
		{"a tab above the escapes", strs("a\x01", "z"), strs("a\t", "a")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if lo, hi := sortKey(tc.lo...), sortKey(tc.hi...); lo >= hi {
				t.Errorf("key %q does not sort before %q", lo, hi)
			}
		})
	}
	if got := sortKey(str("a"), num(1), str("b\x00")); got != "a\x00\x80\x00\x00\x00\x00\x00\x00\x01b\x01\x01\x00" {
		t.Errorf("key of a, 1, b NUL = %q", got)
	}
	// Keys compare as their parts do, part by part, bytes 0x00 and 0x01
	// included.
	rng := rand.New(rand.NewPCG(5, 6))
	alphabet := []byte{0x00, 0x01, 0x02, 'a'}
	randParts := func() []string {
		parts := make([]string, 1+rng.IntN(3))
		for i := range parts {
			b := make([]byte, rng.IntN(4))
			for j := range b {
				b[j] = alphabet[rng.IntN(len(alphabet))]
			}
			parts[i] = string(b)
		}
		return parts
	}
	for range 20000 {
		a, b := randParts(), randParts()
		if got, want := strings.Compare(sortKey(strs(a...)...), sortKey(strs(b...)...)), slices.Compare(a, b); got != want {
			t.Fatalf("%q vs %q: keys compare %d, parts %d", a, b, got, want)
		}
	}
}

// TestKeyAllocs holds Page to writing keys without allocating per item:
// 10,000 items take the same few buffers as 1,000.
func TestKeyAllocs(t *testing.T) {
	spec := newSpec()
	allocs := func(n int) float64 {
		fleet := benchFleet(n)
		p, err := spec.Compile(Query{})
		if err != nil {
			t.Fatal(err)
		}
		return testing.AllocsPerRun(20, func() { p.Page(fleet) })
	}
	if small, large := allocs(1000), allocs(10000); large != small {
		t.Errorf("Page allocates %v times for 1000 items, %v for 10000", small, large)
	}
}

// TestOrder checks that Run answers in Key order whatever the input order.
func TestOrder(t *testing.T) {
	spec := newSpec()
	rng := rand.New(rand.NewPCG(7, 8))
	var fleet []*item
	for i := range 300 {
		fleet = append(fleet, &item{ID: fmt.Sprintf("i-%x-%d", rng.IntN(1000), i),
			Launch: epoch.Add(time.Duration(rng.IntN(10)-5) * time.Hour), Index: rng.IntN(3)})
	}
	before := slices.Clone(fleet)
	got, _, err := Run(spec, Query{}, fleet)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(fleet, before) {
		t.Error("Run changed its input")
	}
	if len(got) != len(fleet) {
		t.Fatalf("%d items, want %d", len(got), len(fleet))
	}
	var keys []string
	for _, x := range got {
		keys = append(keys, spec.KeyOf(x))
	}
	increasing(t, "Run", keys)
	for i := 1; i < len(got); i++ {
		a, b := got[i-1], got[i]
		if a.Launch.After(b.Launch) || a.Launch.Equal(b.Launch) && (a.Index > b.Index || a.Index == b.Index && a.ID > b.ID) {
			t.Fatalf("%v (launch %v, index %d) before %v (launch %v, index %d)", a.ID, a.Launch, a.Index, b.ID, b.Launch, b.Index)
		}
	}
}
