package imds

import "time"

// MaxTokens is how many live session tokens one instance keeps. EC2
// documents no count (it throttles requests per instance instead); a
// bound keeps a guest that asks for tokens in a loop from growing the
// daemon without limit. Past it, a new token evicts the oldest, which
// then answers 401 as an expired one does, and clients (the AWS SDKs)
// ask for a new one. A thousand covers many processes each holding a
// six-hour token.
const MaxTokens = 1000

// tokenBook holds one instance's session tokens: a map for lookups and a
// ring of the tokens in the order they were issued, so that a new token
// expires or evicts from the front in constant time, without a scan. A
// token that expires behind a younger one with a longer life stays (and
// answers 401) until it reaches the front; the cap bounds them.
type tokenBook struct {
	expiry map[string]time.Time
	ring   []string // issue order from head; grows up to MaxTokens
	head   int
	n      int
}

// add records tok, valid until exp, after dropping what has expired at
// the front and, when full, the oldest token.
func (b *tokenBook) add(tok string, exp, now time.Time) {
	if b.expiry == nil {
		b.expiry = map[string]time.Time{}
	}
	for b.n > 0 {
		oldest := b.ring[b.head]
		e, live := b.expiry[oldest]
		live = live && now.Before(e)
		if live && b.n < MaxTokens {
			break
		}
		delete(b.expiry, oldest)
		b.ring[b.head] = ""
		b.head = (b.head + 1) % len(b.ring)
		b.n--
	}
	if b.n == len(b.ring) {
		b.grow()
	}
	b.ring[(b.head+b.n)%len(b.ring)] = tok
	b.n++
	b.expiry[tok] = exp
}

// grow doubles the ring (up to MaxTokens), keeping the order.
func (b *tokenBook) grow() {
	size := min(max(2*len(b.ring), 16), MaxTokens)
	ring := make([]string, size)
	for i := range b.n {
		ring[i] = b.ring[(b.head+i)%len(b.ring)]
	}
	b.ring, b.head = ring, 0
}

// valid reports whether tok was issued and has not expired or been evicted.
func (b *tokenBook) valid(tok string, now time.Time) bool {
	exp, ok := b.expiry[tok]
	if ok && !now.Before(exp) {
		// Forget it now; its ring slot goes when it reaches the front.
		delete(b.expiry, tok)
		return false
	}
	return ok
}

// len is the number of tokens held (some may have expired).
func (b *tokenBook) len() int { return b.n }
