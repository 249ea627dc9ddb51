// Package model is the pricing math of the built-in modules, in plain Go so
// that the WebAssembly modules and the native benchmarks run the same code.
//
// Only +, -, * and / are used, each product wrapped in float64() so that no
// compiler may fuse it into an FMA: the wasm build and a native build then
// give bit-identical prices, which the tests check.
package model

import (
	"math"

	"github.com/ec2x/ec2x/pricing-wasm/abi"
)

// Spot market shape. The price is a fraction of on-demand that follows the
// pool's utilisation u along floor + (1-floor)·u³: flat while the pool is
// mostly free, then rising steeply toward on-demand as it fills.
const (
	// FloorMin and FloorMax bound the per-pool fraction of on-demand when the
	// pool is empty; with u ≤ 0.5 the price stays 70–90 % below on-demand.
	FloorMin = 0.10
	FloorMax = 0.19
	// Jitter is the largest relative wiggle added per pool and minute, so that
	// pools with the same utilisation do not print the same price.
	Jitter = 0.02
	// Reversion is the share of the gap to the target closed per tick: the
	// price is smooth and mean-reverting rather than jumping to the target.
	Reversion = 0.35
	// MinRatio is the lowest price as a fraction of on-demand.
	MinRatio = 0.10
)

// SpotTarget is the equilibrium price of one pool at one tick: where the
// price would settle if utilisation stayed as it is.
func SpotTarget(in abi.SpotInput) float64 {
	in.Previous = 0
	return Spot(in)
}

// Spot is the price of one pool at one tick: it moves a share of the way
// from the previous price toward the target, and stays within
// [MinRatio·on-demand, on-demand].
//
// It is one function on purpose: under wazero's close-on-context-done every
// call and loop iteration in a Go guest costs a check (about 35 ns), so the
// hash is unrolled and the helpers are small enough to inline.
func Spot(in abi.SpotInput) float64 {
	pool := step(step(step(seed0, in.Seed), uint64(uint32(in.Zone))), uint64(uint32(in.Type)))
	floor := FloorMin + float64((FloorMax-FloorMin)*unit(pool))
	u := in.Utilisation
	u3 := float64(float64(u*u) * u)
	ratio := floor + float64((1-floor)*u3)
	tick := step(pool, uint64(in.UnixMinute))
	wiggle := float64(Jitter * float64(2*unit(tick)-1))
	ratio = atMost(atLeast(float64(ratio*(1+wiggle)), MinRatio), 1)
	target := float64(in.OnDemand * ratio)
	reverted := in.Previous + float64(Reversion*(target-in.Previous))
	// 0 - Previous is negative exactly when there is a previous price
	// (it is +0 for Previous == 0).
	p := choose(negMask(0-in.Previous), reverted, target)
	return atMost(atLeast(p, float64(MinRatio*in.OnDemand)), in.OnDemand)
}

// Discounts off on-demand by class, term and payment, read from AWS's
// published ranges (standard up to 72 %, convertible up to 54 %, both for
// 3-year all upfront) and from typical published rates for general-purpose
// types in between. The table is monotone: more upfront is cheaper, a longer
// term is cheaper, and standard is cheaper than convertible.
var discounts = [2][2][3]float64{ // [class-1][term 1 or 3][payment-1]
	{ // standard
		{0.36, 0.40, 0.42}, // 1 year: no, partial, all upfront
		{0.60, 0.66, 0.72}, // 3 years
	},
	{ // convertible
		{0.27, 0.31, 0.33},
		{0.45, 0.51, 0.54},
	},
}

// upfrontShare is the part of the term's cost paid at purchase, by payment
// option: none, half (as AWS's partial offerings roughly do) or all.
var upfrontShare = [3]float64{0, 0.5, 1}

// Discount is the fraction off on-demand for an offering; the input must be
// valid (abi.ReservedInput.OK).
func Discount(term int32, payment abi.PaymentOption, class abi.OfferingClass) float64 {
	return discounts[classIndex(class)][termIndex(term)][paymentIndex(payment)]
}

// The index helpers mask so that the compiler can prove every index in
// range: a Go guest pays a close-on-context-done check for a bounds-check
// branch (see negMask). For valid inputs they are the plain indices.
func classIndex(c abi.OfferingClass) uint   { return uint(c-abi.Standard) & 1 }
func termIndex(term int32) uint             { return uint(term-1) >> 1 & 1 }
func paymentIndex(p abi.PaymentOption) uint { return uint(p-abi.NoUpfront) % 3 }

// Reserved prices one offering; the input must be valid. It is written
// without branches for the reason given at negMask.
func Reserved(in abi.ReservedInput) abi.ReservedQuote {
	eff := float64(in.OnDemand * (1 - Discount(in.Term, in.Payment, in.Class)))
	hours := float64(int64(in.Term) * abi.HoursPerYear)
	share := upfrontShare[paymentIndex(in.Payment)]
	var q abi.ReservedQuote
	q.Upfront = float64(float64(eff*hours) * share)
	q.Recurring = float64(eff * (1 - share))
	q.Effective = q.Upfront/hours + q.Recurring
	return q
}

// OnDemand returns the catalogue price: the built-in module exists so that a
// user module can replace it (regional surcharges, a private rate card).
func OnDemand(price float64) float64 { return price }

// seed0 starts the hash chain (the golden-ratio constant of splitmix64).
const seed0 = 0x9e3779b97f4a7c15

// step folds v into the hash h with a splitmix64 round: the market's only
// source of variation, so prices are a pure function of their inputs.
func step(h, v uint64) uint64 {
	h ^= v
	h += seed0
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9
	h = (h ^ (h >> 27)) * 0x94d049bb133111eb
	return h ^ (h >> 31)
}

// unit maps a hash to [0, 1) using its top 53 bits.
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

// The helpers below choose between floats without a branch. A Go guest
// compiles each branch into a trip through its function's dispatch loop, and
// wazero checks for close-on-context-done at every loop entry (~35 ns, more
// than the arithmetic of a whole price), while Go does not turn a float
// if-assignment into wasm's select. So the choice is a mask made from the
// sign bit of a difference, which for finite inputs is exact.

// negMask is all ones when d is negative (its sign bit is set), else zero.
func negMask(d float64) uint64 { return uint64(int64(math.Float64bits(d)) >> 63) }

// choose returns a where mask is all ones and b where it is zero.
func choose(mask uint64, a, b float64) float64 {
	return math.Float64frombits(math.Float64bits(a)&mask | math.Float64bits(b)&^mask)
}

// atLeast and atMost bound x from below and above; a single clamp would be
// too big for the inliner.
func atLeast(x, lo float64) float64 { return choose(negMask(x-lo), lo, x) }
func atMost(x, hi float64) float64  { return choose(negMask(hi-x), hi, x) }
