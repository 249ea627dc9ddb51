package billing

import (
	"sort"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/instance"
	"github.com/ec2x/ec2x/core/state"
)

// hoursPerMonth is the month EBS's monthly prices are spread over in a
// projection (AWS's pricing pages use 730).
const hoursPerMonth = 730

// storageCost prices the region's volumes and snapshots as they are now
// over hours, by type: provisioned size, and IOPS and throughput above
// the free baseline.
func (s *Service) storageCost(r *state.Region, hours float64) ([]ec2.StorageCost, float64) {
	by := map[string]*ec2.StorageCost{}
	add := func(seg Segment) {
		price := s.volumes[seg.Type]
		monthly := float64(seg.Size) * price.GBMonth
		if extra := seg.Iops - price.FreeIops; extra > 0 && len(price.Iops) > 0 {
			monthly += tiered(extra, price.Iops)
		}
		if extra := seg.Throughput - price.FreeThroughput; extra > 0 {
			monthly += float64(extra) * price.ThroughputMonth
		}
		c := by[seg.Type]
		if c == nil {
			c = &ec2.StorageCost{Type: seg.Type}
			by[seg.Type] = c
		}
		c.Count++
		c.GiB += seg.Size
		c.Cost += monthly * hours / hoursPerMonth
	}
	r.RLock()
	state.Each(r, instance.Volumes, func(v *instance.Volume) bool {
		add(volumeUse(v, s.rt.Clock().Now()))
		return true
	})
	state.Each(r, instance.Snapshots, func(sn *instance.Snapshot) bool {
		add(snapshotUse(sn, s.rt.Clock().Now()))
		return true
	})
	r.RUnlock()
	out := make([]ec2.StorageCost, 0, len(by))
	total := 0.0
	for _, c := range by {
		c.Cost = Cents(c.Cost)
		total += c.Cost
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Type < out[j].Type })
	return out, Cents(total)
}
