package describe

import (
	"encoding/binary"
	"time"
)

// Key is a sort key being built: a Spec's Key function adds an item's
// parts to it, in order, with Str, Num and Time, and keys then compare part
// by part. For DescribeInstances' order, say:
//
//	Key: func(k *describe.Key, r *Instance) {
//		k.Time(r.LaunchTime)
//		k.Num(int64(r.AmiLaunchIndex))
//		k.Str(r.InstanceId)
//	},
//
// The engine hands every item of a Page call the same Key, writing into one
// buffer: a key costs no allocation, which at 100,000 items is most of the
// cost of ordering them.
//
// Keys are binary and opaque (clients only see them inside tokens):
//   - Num is 8 bytes, big-endian with the sign bit flipped, so that int64's
//     order is the bytes' order;
//   - Time is 12 bytes, seconds as Num then nanoseconds;
//   - Str is the bytes, with 0x00 and 0x01 escaped as 01 01 and 01 02, then
//     a 0x00 terminator, below every byte of any part, so that "a" sorts
//     before "ab" whatever follows.
//
// Fixed-width parts need no terminator. The keys of one Spec should have
// the same kinds of parts in the same order, as they do when one function
// writes them.
type Key struct {
	b []byte
}

// Str adds a part that sorts as s does, byte by byte.
func (k *Key) Str(s string) {
	start := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= 0x01 {
			// 0x00 -> 01 01, 0x01 -> 01 02: above the terminator, below
			// 0x02, and in their own order.
			k.b = append(k.b, s[start:i]...)
			k.b = append(k.b, 0x01, c+1)
			start = i + 1
		}
	}
	k.b = append(k.b, s[start:]...)
	k.b = append(k.b, 0x00)
}

// Num adds a part that sorts as n does, negatives first.
func (k *Key) Num(n int64) {
	k.b = binary.BigEndian.AppendUint64(k.b, uint64(n)^(1<<63))
}

// Time adds a part that sorts as t does, whatever t's location or
// monotonic reading: equal instants give equal parts.
func (k *Key) Time(t time.Time) {
	k.b = binary.BigEndian.AppendUint64(k.b, uint64(t.Unix())^(1<<63))
	k.b = binary.BigEndian.AppendUint32(k.b, uint32(t.Nanosecond()))
}

// KeyOf returns x's key, as Page orders by it and tokens hold it: for a
// store that pages on its own (see Plan.Token), and for tests.
func (s *Spec[T]) KeyOf(x T) string {
	var k Key
	s.Key(&k, x)
	return string(k.b)
}
