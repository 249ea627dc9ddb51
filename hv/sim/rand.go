package sim

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"time"
)

// rng is a splitmix64 stream. Every "random" value sim shows comes from one,
// seeded from (driver seed, guest ID, purpose), so output is reproducible.
type rng struct{ s uint64 }

// newRNG seeds a stream from the driver seed, a guest ID, a purpose tag and
// a number (a boot count, say) with FNV-1a, which is stable across runs
// unlike hash/maphash.
func newRNG(seed int64, id, tag string, n uint64) rng {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	var buf [8]byte
	binary.LittleEndian.PutUint64(buf[:], uint64(seed))
	for _, c := range buf {
		h = (h ^ uint64(c)) * prime
	}
	for i := 0; i < len(id); i++ {
		h = (h ^ uint64(id[i])) * prime
	}
	h = (h ^ 0xff) * prime
	for i := 0; i < len(tag); i++ {
		h = (h ^ uint64(tag[i])) * prime
	}
	return rng{s: mix(h, n)}
}

// mix hashes two words into one well-spread word.
func mix(a, b uint64) uint64 {
	z := a ^ (b+0x9e3779b97f4a7c15)*0xbf58476d1ce4e5b9
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// unit maps a hash word to [0, 1).
func unit(x uint64) float64 { return float64(x>>11) / (1 << 53) }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// intn returns a value in [0, n).
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// between returns a duration in [lo, hi).
func (r *rng) between(lo, hi time.Duration) time.Duration {
	return lo + time.Duration(r.next()%uint64(hi-lo))
}

func (r *rng) fill(b []byte) {
	for i := 0; i < len(b); i += 8 {
		var w [8]byte
		binary.LittleEndian.PutUint64(w[:], r.next())
		copy(b[i:], w[:])
	}
}

// uuid returns a version-4 shaped UUID.
func (r *rng) uuid() string {
	var b [16]byte
	r.fill(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// hostKey is one SSH host key as cloud-init prints it.
type hostKey struct {
	bits        int
	kind        string // ECDSA, ED25519, RSA
	algo        string // the authorized_keys type word
	blob        []byte // the public key in SSH wire format
	fingerprint string // SHA256:...
}

// hostKeys returns the guest's fake host keys in the order cloud-init lists
// them. The blobs are well formed SSH public keys of random bytes, and each
// fingerprint really is the SHA-256 of its blob, so the two agree.
func hostKeys(seed int64, id string) []hostKey {
	r := newRNG(seed, id, "hostkeys", 0)
	ecdsa := make([]byte, 65)
	r.fill(ecdsa)
	ecdsa[0] = 4 // uncompressed point
	ed := make([]byte, 32)
	r.fill(ed)
	n := make([]byte, 385) // 3072-bit modulus as an SSH mpint
	r.fill(n)
	n[0], n[1], n[384] = 0, n[1]|0x80, n[384]|1
	keys := []hostKey{
		{bits: 256, kind: "ECDSA", algo: "ecdsa-sha2-nistp256",
			blob: wire([]byte("ecdsa-sha2-nistp256"), []byte("nistp256"), ecdsa)},
		{bits: 256, kind: "ED25519", algo: "ssh-ed25519",
			blob: wire([]byte("ssh-ed25519"), ed)},
		{bits: 3072, kind: "RSA", algo: "ssh-rsa",
			blob: wire([]byte("ssh-rsa"), []byte{1, 0, 1}, n)},
	}
	for i := range keys {
		keys[i].fingerprint = fingerprint(keys[i].blob)
	}
	return keys
}

// wire encodes fields as SSH length-prefixed strings.
func wire(fields ...[]byte) []byte {
	var b []byte
	for _, f := range fields {
		b = binary.BigEndian.AppendUint32(b, uint32(len(f)))
		b = append(b, f...)
	}
	return b
}

// fingerprint is OpenSSH's SHA256 fingerprint of a wire-format key.
func fingerprint(blob []byte) string {
	sum := sha256.Sum256(blob)
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}
