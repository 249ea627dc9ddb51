package describe

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
)

// Ordering 100,000 items is the bulk of a large Describe call, and the
// cost is memory more than comparisons: so the keys of one Page call are
// written end to end in one buffer (no allocation per item), entries are 8
// bytes, and the sort itself runs over packed integers (see order).

// keys are the keys of one Page call.
type keys struct {
	k  Key // the buffer every key is written into, end to end
	es []entry
}

// entry is one key: where it ends in the buffer (it starts where the one
// before ends) and the index of its item.
type entry struct {
	end, item uint32
}

// add records the key written since the last one, for items[item].
func (ks *keys) add(item int) {
	if len(ks.k.b) > math.MaxUint32 || item > math.MaxUint32 {
		panic("describe: more than 4 GiB of keys")
	}
	ks.es = append(ks.es, entry{uint32(len(ks.k.b)), uint32(item)})
}

// last is where the last recorded key ends: the next one starts there.
func (ks *keys) last() int {
	if len(ks.es) == 0 {
		return 0
	}
	return int(ks.es[len(ks.es)-1].end)
}

func (ks *keys) key(j int) []byte {
	start := uint32(0)
	if j > 0 {
		start = ks.es[j-1].end
	}
	return ks.k.b[start:ks.es[j].end]
}

// order returns the indexes of the keys (into es) in key order.
//
// Each key gets a hint, a number that orders as the key does as far as it
// goes; the hint's top bits and the key's index are packed into one
// uint64, a radix sort orders those, and only runs of equal hints are then
// sorted by comparing keys.
func (ks *keys) order() []uint64 {
	n := len(ks.es)
	packed := make([]uint64, n)
	if n < 2 {
		for i := range packed {
			packed[i] = uint64(i)
		}
		return packed
	}
	ixBits := bits.Len(uint(n - 1))
	ixMask := uint64(1)<<ixBits - 1
	cols := ks.hintColumns()
	for i := range packed {
		packed[i] = hint(ks.key(i), cols)&^ixMask | uint64(i)
	}
	radixSort(packed)
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && packed[hi]&^ixMask == packed[lo]&^ixMask {
			hi++
		}
		run := packed[lo:hi]
		for i := range run {
			run[i] &= ixMask
		}
		if len(run) > 1 {
			// Equal hints: let the keys decide.
			slices.SortFunc(run, func(a, b uint64) int { return bytes.Compare(ks.key(int(a)), ks.key(int(b))) })
		}
		lo = hi
	}
	return packed
}

// hintColumns returns the first 8 byte positions where the keys differ.
// Keys share long runs (the high bytes of a launch time, an ID's prefix),
// so their first bytes would rarely tell two apart. Skipping only the
// positions where every key holds the same byte keeps hints in key order:
// where two hints differ, their keys differ in the same way.
func (ks *keys) hintColumns() []int {
	k0 := ks.key(0)
	words := make([]uint64, len(k0)/8) // OR of k^k0, 8 bytes at a time
	diff := make([]byte, len(k0))      // the same, byte by byte, past the words
	short, long := len(k0), len(k0)
	for j := 1; j < len(ks.es); j++ {
		k := ks.key(j)
		short, long = min(short, len(k)), max(long, len(k))
		m := min(len(k), len(k0))
		w := 0
		for ; 8*w+8 <= m; w++ {
			words[w] |= binary.LittleEndian.Uint64(k[8*w:]) ^ binary.LittleEndian.Uint64(k0[8*w:])
		}
		for p := 8 * w; p < m; p++ {
			diff[p] |= k[p] ^ k0[p]
		}
	}
	for w, x := range words {
		for b := range 8 {
			diff[8*w+b] |= byte(x >> (8 * b))
		}
	}
	cols := make([]int, 0, 8)
	// From short on, some key has no byte: those positions differ too.
	for p := 0; p < long && len(cols) < cap(cols); p++ {
		if p >= short || diff[p] != 0 {
			cols = append(cols, p)
		}
	}
	return cols
}

// hint is k's bytes at cols, big-endian, zero where k is too short (zero
// sorts first, as a shorter key does).
func hint(k []byte, cols []int) uint64 {
	var h uint64
	for _, p := range cols {
		h <<= 8
		if p < len(k) {
			h |= uint64(k[p])
		}
	}
	return h << (8 * (8 - len(cols)))
}

// radixSort sorts v: least significant byte first, skipping the bytes that
// every value shares. At 100,000 values it is several times faster than a
// comparison sort.
func radixSort(v []uint64) {
	if len(v) < 512 {
		slices.Sort(v)
		return
	}
	var counts [8][256]int
	for _, x := range v {
		for b := range 8 {
			counts[b][byte(x>>(8*b))]++
		}
	}
	src, dst := v, make([]uint64, len(v))
	for b := range 8 {
		c := &counts[b]
		if c[byte(v[0]>>(8*b))] == len(v) {
			continue
		}
		pos := 0
		for d, n := range c {
			c[d] = pos
			pos += n
		}
		for _, x := range src {
			d := byte(x >> (8 * b))
			dst[c[d]] = x
			c[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &v[0] {
		copy(v, src)
	}
}
