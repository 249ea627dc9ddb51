package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// pricing prints the issue-5 figures measured through the binary: daemon
// start to the first price with the compiled modules missing (the first
// start of a home) and in the on-disk cache (every later start), and a
// price listing of the whole catalogue from a running daemon.
func (b *bench) pricing() {
	cache := filepath.Join(b.home, "cache")
	price := func() {
		if out := b.ec2x("price", "--type", "m5.large", "-q"); strings.TrimSpace(out) != "m5.large" {
			fmt.Fprintf(os.Stderr, "bench: price printed %q\n", out)
			os.Exit(1)
		}
	}
	cold := b.medianN(5, func() {
		b.ec2x("daemon", "stop")
		check(os.RemoveAll(cache))
		price()
	})
	fmt.Printf("daemon start to first price, cold     %8.1f ms (compiles spot, reserved, ondemand)\n", ms(cold))
	warm := b.medianN(5, func() {
		b.ec2x("daemon", "stop")
		price()
	})
	fmt.Printf("daemon start to first price, cached   %8.1f ms\n", ms(warm))
	all := b.median(func() { b.ec2x("price") })
	fmt.Printf("ec2x price, every type (running)      %8.1f ms\n", ms(all))
	hist := b.median(func() { b.ec2x("price", "history", "--type", "m5.large", "--since", "1d") })
	fmt.Printf("ec2x price history, one day           %8.1f ms\n", ms(hist))
}
