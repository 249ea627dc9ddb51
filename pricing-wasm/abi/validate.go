package abi

import (
	"errors"
	"math"
	"strconv"
)

// Validation comes in three forms. OK inlines into a guest's loop (a call or
// branch costs a close-on-context-done check there); AppendProblem writes the
// reason into a caller's buffer, so a guest can explain a refusal without
// allocating (a Go guest that never allocates after init never stops to
// collect garbage mid-call); Validate returns an error for the host. The
// package uses strconv, not fmt: fmt makes every Go guest a third larger.

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// appendBad appends what, the value and the rule: "utilisation 1.5: want ...".
func appendBad(dst []byte, what string, v float64, rule string) []byte {
	dst = append(dst, what...)
	dst = strconv.AppendFloat(dst, v, 'g', -1, 64)
	return append(dst, rule...)
}

func appendBadInt(dst []byte, what string, v int32, rule string) []byte {
	dst = append(dst, what...)
	dst = strconv.AppendInt(dst, int64(v), 10)
	return append(dst, rule...)
}

// asError turns AppendProblem's result into an error.
func asError(b []byte, ok bool) error {
	if ok {
		return nil
	}
	return errors.New(string(b))
}

// OnDemandOK reports whether a catalogue price is valid: finite and >= 0.
// NaN fails every comparison and x-x is NaN for ±Inf.
func OnDemandOK(price float64) bool { return price >= 0 && price-price == 0 }

// AppendOnDemandProblem appends why price is invalid; ok is true, and dst
// unchanged, when it is valid.
func AppendOnDemandProblem(dst []byte, price float64) (out []byte, ok bool) {
	if !finite(price) || price < 0 {
		return appendBad(dst, "on-demand price ", price, ": want a finite number >= 0"), false
	}
	return dst, true
}

// ValidateOnDemand checks a catalogue price.
func ValidateOnDemand(price float64) error { return asError(AppendOnDemandProblem(nil, price)) }

// OK reports whether the fields are in their domains.
func (in SpotInput) OK() bool {
	return in.OnDemand > 0 && in.OnDemand-in.OnDemand == 0 &&
		in.Utilisation >= 0 && in.Utilisation <= 1 &&
		in.Zone >= 0 && in.Type >= 0 &&
		in.Previous >= 0 && in.Previous-in.Previous == 0
}

// AppendProblem appends why in is invalid; ok is true, and dst unchanged,
// when it is valid.
func (in SpotInput) AppendProblem(dst []byte) (out []byte, ok bool) {
	switch {
	case !finite(in.OnDemand) || in.OnDemand <= 0:
		return appendBad(dst, "on-demand price ", in.OnDemand, ": want a finite number > 0"), false
	case !finite(in.Utilisation) || in.Utilisation < 0 || in.Utilisation > 1:
		return appendBad(dst, "utilisation ", in.Utilisation, ": want a number in [0, 1]"), false
	case in.Zone < 0:
		return appendBadInt(dst, "zone index ", in.Zone, ": want >= 0"), false
	case in.Type < 0:
		return appendBadInt(dst, "type index ", in.Type, ": want >= 0"), false
	case !finite(in.Previous) || in.Previous < 0:
		return appendBad(dst, "previous price ", in.Previous, ": want a finite number >= 0"), false
	}
	return dst, true
}

// Validate checks the fields' domains.
func (in SpotInput) Validate() error { return asError(in.AppendProblem(nil)) }

// OK reports whether the fields are in their domains.
func (in ReservedInput) OK() bool {
	return in.OnDemand > 0 && in.OnDemand-in.OnDemand == 0 &&
		(in.Term == 1 || in.Term == 3) &&
		in.Payment >= NoUpfront && in.Payment <= AllUpfront &&
		(in.Class == Standard || in.Class == Convertible)
}

// AppendProblem appends why in is invalid; ok is true, and dst unchanged,
// when it is valid.
func (in ReservedInput) AppendProblem(dst []byte) (out []byte, ok bool) {
	switch {
	case !finite(in.OnDemand) || in.OnDemand <= 0:
		return appendBad(dst, "on-demand price ", in.OnDemand, ": want a finite number > 0"), false
	case in.Term != 1 && in.Term != 3:
		return appendBadInt(dst, "term ", in.Term, " years: want 1 or 3"), false
	case in.Payment < NoUpfront || in.Payment > AllUpfront:
		return appendBadInt(dst, "payment option ", int32(in.Payment), ": want 1 (no), 2 (partial) or 3 (all upfront)"), false
	case in.Class != Standard && in.Class != Convertible:
		return appendBadInt(dst, "offering class ", int32(in.Class), ": want 1 (standard) or 2 (convertible)"), false
	}
	return dst, true
}

// Validate checks the fields' domains.
func (in ReservedInput) Validate() error { return asError(in.AppendProblem(nil)) }

// Validate checks that a quote is finite, non-negative and self-consistent
// for a term of the given years.
func (q ReservedQuote) Validate(term int32) error {
	if !finite(q.Upfront) || !finite(q.Recurring) || !finite(q.Effective) ||
		q.Upfront < 0 || q.Recurring < 0 || q.Effective < 0 {
		b := appendBad(nil, "quote upfront ", q.Upfront, "")
		b = appendBad(b, ", recurring ", q.Recurring, "")
		return errors.New(string(appendBad(b, ", effective ", q.Effective, ": want finite amounts >= 0")))
	}
	want := q.Upfront/float64(int64(term)*HoursPerYear) + q.Recurring
	if math.Abs(want-q.Effective) > 1e-9*math.Max(1, want) {
		b := appendBad(nil, "effective hourly ", q.Effective, "")
		return errors.New(string(appendBad(b, ": want upfront/hours + recurring = ", want, "")))
	}
	return nil
}
