package core

import (
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
)

// netBenchConfig lifts the Elastic IP limit for a region of 5,000
// addresses; the default us-east-1 pool (16,384) and its three /20 subnets
// (12,273 usable addresses) hold 5,000 of each with room to spare.
const netBenchConfig = instantBoot + "[limits]\nelastic_ips_per_region = 6000\n"

// BenchmarkEIPCycle is one allocate → associate (to a running instance) →
// disassociate → release cycle: four requests, four commits, and the pool
// address the instance gives up and gets back on the way.
func BenchmarkEIPCycle(b *testing.B) {
	e := newEnv(b, netBenchConfig)
	id := e.launchRunning(use1, 1)[0]
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a, err := e.c.AllocateAddress(e.ctx, use1, &ec2.AllocateAddressInput{})
		if err != nil {
			b.Fatal(err)
		}
		as, err := e.c.AssociateAddress(e.ctx, use1, &ec2.AssociateAddressInput{AllocationId: a.AllocationId, InstanceId: id})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.c.DisassociateAddress(e.ctx, use1, &ec2.DisassociateAddressInput{AssociationId: as.AssociationId}); err != nil {
			b.Fatal(err)
		}
		if _, err := e.c.ReleaseAddress(e.ctx, use1, &ec2.ReleaseAddressInput{AllocationId: a.AllocationId}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cycles/s")
}

// netBenchRegion fills us-east-1 with n interfaces spread over its zones,
// each of the first n/2 with an Elastic IP on its primary address, and
// n-n/2 idle Elastic IPs: n of each. Every tenth interface and address is
// tagged team=blue. It returns one interface and one allocation ID.
func netBenchRegion(b *testing.B, n int) (*env, string, string) {
	b.Helper()
	e := newEnv(b, netBenchConfig)
	zones := e.cfg.Regions[use1].Zones
	var eni, alloc string
	for i := range n {
		var tags []ec2.TagSpecification
		if i%10 == 0 {
			tags = []ec2.TagSpecification{{ResourceType: "network-interface", Tags: []ec2.Tag{{Key: "team", Value: "blue"}}}}
		}
		ni, err := e.c.CreateNetworkInterface(e.ctx, use1, &ec2.CreateNetworkInterfaceInput{AvailabilityZone: zones[i%len(zones)], TagSpecifications: tags})
		if err != nil {
			b.Fatal(err)
		}
		if tags != nil {
			tags[0].ResourceType = "elastic-ip"
		}
		a, err := e.c.AllocateAddress(e.ctx, use1, &ec2.AllocateAddressInput{TagSpecifications: tags})
		if err != nil {
			b.Fatal(err)
		}
		if i < n/2 {
			if _, err := e.c.AssociateAddress(e.ctx, use1, &ec2.AssociateAddressInput{AllocationId: a.AllocationId, NetworkInterfaceId: ni.NetworkInterface.NetworkInterfaceId}); err != nil {
				b.Fatal(err)
			}
		}
		eni, alloc = ni.NetworkInterface.NetworkInterfaceId, a.AllocationId
	}
	return e, eni, alloc
}

// msPerCall reports the mean latency of one call in milliseconds.
func msPerCall(b *testing.B) {
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/call")
}

// BenchmarkDescribeAddresses5000 lists a region of 5,000 Elastic IPs: all,
// filtered (a tag and an association filter, both a full scan) and one by ID.
func BenchmarkDescribeAddresses5000(b *testing.B) {
	const n = 5000
	e, _, alloc := netBenchRegion(b, n)
	cases := []struct {
		name string
		in   ec2.DescribeAddressesInput
		want int
	}{
		{"all", ec2.DescribeAddressesInput{}, n},
		{"tag filter", ec2.DescribeAddressesInput{Filters: []ec2.Filter{newFilter("tag:team", "blue")}}, n / 10},
		{"associated", ec2.DescribeAddressesInput{Filters: []ec2.Filter{newFilter("association-id", "eipassoc-*")}}, n / 2},
		{"one ID", ec2.DescribeAddressesInput{AllocationIds: []string{alloc}}, 1},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				out, err := e.c.DescribeAddresses(e.ctx, use1, &bc.in)
				if err != nil {
					b.Fatal(err)
				}
				if len(out.Addresses) != bc.want {
					b.Fatalf("got %d, want %d", len(out.Addresses), bc.want)
				}
			}
			msPerCall(b)
		})
	}
}

// BenchmarkDescribeNetworkInterfaces5000 lists a region of 5,000
// interfaces: all, filtered and one by ID.
func BenchmarkDescribeNetworkInterfaces5000(b *testing.B) {
	const n = 5000
	e, eni, _ := netBenchRegion(b, n)
	zone := e.cfg.Regions[use1].Zones[0]
	cases := []struct {
		name string
		in   ec2.DescribeNetworkInterfacesInput
		want int
	}{
		{"all", ec2.DescribeNetworkInterfacesInput{}, n},
		{"tag filter", ec2.DescribeNetworkInterfacesInput{Filters: []ec2.Filter{newFilter("tag:team", "blue")}}, n / 10},
		{"zone and status", ec2.DescribeNetworkInterfacesInput{Filters: []ec2.Filter{newFilter("availability-zone", zone), newFilter("status", "available")}}, (n + 2) / 3},
		{"one ID", ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{eni}}, 1},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				out, err := e.c.DescribeNetworkInterfaces(e.ctx, use1, &bc.in)
				if err != nil {
					b.Fatal(err)
				}
				if len(out.NetworkInterfaces) != bc.want {
					b.Fatalf("got %d, want %d", len(out.NetworkInterfaces), bc.want)
				}
			}
			msPerCall(b)
		})
	}
}
