package main

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/BurntSushi/toml"
)

// handTuned is one type of handtuned.toml, in configs' TOML shape.
type handTuned struct {
	VCPUs           int               `toml:"vcpus"`
	MemoryMiB       int               `toml:"memory_mib"`
	ThreadsPerCore  int               `toml:"threads_per_core"`
	MaxENIs         int               `toml:"max_enis"`
	IPv4PerENI      int               `toml:"ipv4_per_eni"`
	Network         string            `toml:"network"`
	Burstable       bool              `toml:"burstable"`
	CreditMode      string            `toml:"credit_mode"`
	BaselinePercent float64           `toml:"baseline_percent"`
	CreditsPerHour  float64           `toml:"credits_per_hour"`
	Arch            []string          `toml:"arch"`
	Price           map[string]string `toml:"price"`
}

// applyHandTuned lays ec2x's own credit models over the published figures,
// and its prices where none is published; the shapes and prices must
// agree with what is published.
// It returns the hand-tuned types: those the spot and reserved markets
// quote.
func applyHandTuned(types map[string]*Type, path string) ([]string, error) {
	var hand struct {
		Types map[string]*handTuned `toml:"types"`
	}
	if _, err := toml.DecodeFile(path, &hand); err != nil {
		return nil, err
	}
	var errs []error
	for _, name := range sortedKeys(hand.Types) {
		h, t := hand.Types[name], types[name]
		if t == nil {
			return nil, fmt.Errorf("%s: %s is not in the published catalogue", path, name)
		}
		if t.VCPUs != h.VCPUs || t.MemoryMiB != h.MemoryMiB || t.MaxENIs != h.MaxENIs ||
			t.IPv4PerENI != h.IPv4PerENI || t.Burstable != h.Burstable || t.Network != h.Network {
			errs = append(errs, fmt.Errorf("%s: %s disagrees with EC2's figures: vcpus %d/%d memory %d/%d enis %d/%d ipv4 %d/%d burstable %v/%v network %q/%q",
				path, name, h.VCPUs, t.VCPUs, h.MemoryMiB, t.MemoryMiB, h.MaxENIs, t.MaxENIs, h.IPv4PerENI, t.IPv4PerENI, h.Burstable, t.Burstable, h.Network, t.Network))
		}
		if h.ThreadsPerCore != 0 && h.ThreadsPerCore != t.ThreadsPerCore {
			errs = append(errs, fmt.Errorf("%s: %s has %d threads per core, EC2 says %d", path, name, h.ThreadsPerCore, t.ThreadsPerCore))
		}
		// A hand-tuned price must be the published one where there is
		// one; it stands alone only where nothing is published.
		for _, r := range sortedKeys(h.Price) {
			if pub, mine := t.Price[r], h.Price[r]; pub != "" && !samePrice(pub, mine) {
				errs = append(errs, fmt.Errorf("%s: %s costs %s in %s, the price list says %s", path, name, mine, r, pub))
			}
		}
		if h.Burstable {
			t.CreditMode, t.BaselinePercent, t.CreditsPerHour = h.CreditMode, h.BaselinePercent, h.CreditsPerHour
		}
		if t.Price == nil {
			t.Price = map[string]string{}
		}
		for r, p := range h.Price {
			if t.Price[r] == "" {
				t.Price[r] = p
			}
		}
	}
	return sortedKeys(hand.Types), errors.Join(errs...)
}

// usEast1 is the region whose prices the karpenter list gives.
const usEast1 = "us-east-1"

func samePrice(a, b string) bool {
	x, _ := strconv.ParseFloat(a, 64)
	y, _ := strconv.ParseFloat(b, 64)
	return x == y
}
