package describe

import (
	"encoding/base64"
	"encoding/binary"

	"github.com/ec2x/ec2x/core/ec2"
)

// Pages are keyset pages: a token names the last key of its page, and the
// next page starts at the first key above it. Items added or removed
// between pages therefore never shift a page, and a token whose item has
// gone still continues where it should.
//
// A token is base64url (unpadded) of
//
//	version byte | 8-byte hash of the query | the last key
//
// The hash covers the scope, the filters in order and the IDs, but not
// MaxResults, which clients may change between pages. It is a consistency
// check, not a secret: a token is opaque to clients and refused by any
// query but the one it was made for.

// tokenVersion changes when the token layout or the key layouts change, so
// that older tokens are refused rather than misread.
const tokenVersion = 1

const tokenHeader = 1 + 8

// Page orders the matched items by Key (or keeps them in the order they
// come, for a query that names IDs and does not page), drops those up to the token's key,
// cuts MaxResults, and returns the page and the next token ("" when no
// more items remain). The page is a new slice, never nil; items is left as
// it is.
func (p *Plan[T]) Page(items []T) (page []T, next string) {
	return p.page(items, false)
}

// page is Page, selecting items with Match first when match is set.
func (p *Plan[T]) page(items []T, match bool) ([]T, string) {
	if p.asGiven {
		out := make([]T, 0, len(items))
		for _, x := range items {
			if !match || p.Match(x) {
				out = append(out, x)
			}
		}
		return out, ""
	}
	var ks keys
	if !match {
		ks.k.b = make([]byte, 0, 48*len(items))
		ks.es = make([]entry, 0, len(items))
	}
	for i, x := range items {
		if match && !p.Match(x) {
			continue
		}
		p.spec.Key(&ks.k, x)
		// Dropping what the token has passed while the keys are written
		// costs one comparison per item and spares sorting them: the
		// binary search of a sorted listing, done in the same pass.
		if start := ks.last(); p.resume && string(ks.k.b[start:]) <= p.after {
			ks.k.b = ks.k.b[:start]
			continue
		}
		ks.add(i)
	}
	order := ks.order()
	next := ""
	if p.max > 0 && len(order) > p.max {
		order = order[:p.max]
		next = p.Token(string(ks.key(int(order[p.max-1]))))
	}
	out := make([]T, len(order))
	for j, o := range order {
		out[j] = items[ks.es[o].item]
	}
	return out, next
}

// After returns the key the page starts after, and whether a token gave
// one. A store that can iterate in Key order seeks past it instead of
// reading everything, and ends its page with Token.
func (p *Plan[T]) After() (key string, ok bool) { return p.after, p.resume }

// Token is the NextToken for a page of this query that ends with the item
// whose Key is lastKey. Page makes tokens itself; Token is for a store that
// pages on its own.
func (p *Plan[T]) Token(lastKey string) string {
	b := make([]byte, tokenHeader, tokenHeader+len(lastKey))
	b[0] = tokenVersion
	binary.BigEndian.PutUint64(b[1:], p.query)
	b = append(b, lastKey...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeToken returns the key a token names, if it was made for the query
// whose hash is query.
func decodeToken(tok string, query uint64) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) <= tokenHeader || b[0] != tokenVersion {
		return "", badToken(tok)
	}
	if binary.BigEndian.Uint64(b[1:tokenHeader]) != query {
		return "", ec2.Errorf(ec2.CodeInvalidPaginationToken, "The pagination token %q is invalid: it was made for another query.", tok)
	}
	return string(b[tokenHeader:]), nil
}

func badToken(tok string) error {
	return ec2.Errorf(ec2.CodeInvalidPaginationToken, "The pagination token %q is invalid.", tok)
}

// hashQuery hashes what a token is bound to. Every string is preceded by
// its length and every list by its count, so that no two queries encode
// alike ("a","bc" and "ab","c" differ).
func hashQuery(q Query) uint64 {
	h := newFNV()
	h.str(q.Scope)
	h.num(len(q.Filters))
	for _, f := range q.Filters {
		h.str(f.Name)
		h.num(len(f.Values))
		for _, v := range f.Values {
			h.str(v)
		}
	}
	h.num(len(q.IDs))
	for _, id := range q.IDs {
		h.str(id)
	}
	return uint64(h)
}

// fnv is 64-bit FNV-1a, inline so that hashing a query does not allocate.
type fnv uint64

func newFNV() fnv { return 14695981039346656037 }

func (h *fnv) byte(c byte) { *h = (*h ^ fnv(c)) * 1099511628211 }

func (h *fnv) num(n int) {
	for i := range 8 {
		h.byte(byte(uint64(n) >> (8 * i)))
	}
}

func (h *fnv) str(s string) {
	h.num(len(s))
	for i := 0; i < len(s); i++ {
		h.byte(s[i])
	}
}
