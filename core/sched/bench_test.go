package sched_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/core/sched"
)

// BenchmarkPlace100LibvirtHosts: the scheduler's placement with 100
// libvirt hosts in config (their capacity given, as NodeGetInfo would
// give it; no guest started), half full, both strategies, with and
// without the explanation `run --explain` prints.
func BenchmarkPlace100LibvirtHosts(b *testing.B) {
	for _, strategy := range []string{"binpack", "spread"} {
		var cfg strings.Builder
		cfg.WriteString(onlyThese + "[scheduler]\nstrategy = \"" + strategy + "\"\n")
		for i := range 100 {
			fmt.Fprintf(&cfg, "[[hosts]]\nzone = \"us-east-1%c\"\ncount = 1\nvcpus = 64\nmemory_gib = 256\ndriver = \"libvirt\"\nuri = \"qemu+tcp://10.0.%d.%d/system\"\n",
				'a'+i%3, i/250, 1+i%250)
		}
		s, _ := fleet(b, cfg.String())
		hosts := s.Hosts("us-east-1")
		if len(hosts) != 100 {
			b.Fatalf("%d hosts, want 100", len(hosts))
		}
		for i, h := range hosts {
			s.Claim(h.ID, 32*(i%2), 128*1024*(i%2)) // half of them half full
		}
		req := sched.Request{Family: "m5", VCPUs: 2, MemoryMiB: 8192, Driver: "libvirt"}
		for _, explain := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/explain=%v", strategy, explain), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if _, _, ok := s.Place("us-east-1", req, explain); !ok {
						b.Fatal("nothing fits")
					}
				}
			})
		}
	}
}
