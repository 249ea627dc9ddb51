package billing

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ec2x/ec2x/core/instance"
)

// KindVolume is an EBS volume's segment: its size, IOPS and throughput
// for as long as they last.
const KindVolume = "volume"

// KindSnapshot is an EBS snapshot's segment: its size in its tier.
const KindSnapshot = "snapshot"

// OptionEBS is the option of volume and snapshot lines.
const OptionEBS = "ebs"

// Units of volume lines.
const (
	UnitGBMonth         = "GB-Mo"
	UnitIopsMonth       = "IOPS-Mo"
	UnitThroughputMonth = "MiBps-Mo"
)

// IopsTier prices provisioned IOPS up to Upto (0: no bound).
type IopsTier struct {
	Upto  int     `json:"Upto,omitempty"`
	Price float64 `json:"Price"`
}

// VolumePrice is what a volume type costs a month: per GB, per IOPS and
// per MiB/s above the free baseline.
type VolumePrice struct {
	GBMonth         float64    `json:"GBMonth"`
	FreeIops        int        `json:"FreeIops,omitempty"`
	Iops            []IopsTier `json:"Iops,omitempty"`
	FreeThroughput  int        `json:"FreeThroughput,omitempty"`
	ThroughputMonth float64    `json:"ThroughputMonth,omitempty"`
}

//go:embed ebsprices.json
var ebsPricesJSON []byte

// ebsPrices is ebsprices.json: its source and the prices by volume type.
type ebsPrices struct {
	Source string                 `json:"Source"`
	Types  map[string]VolumePrice `json:"Types"`
}

// VolumePrices are the EBS list prices ec2x bills volumes at, by type.
func VolumePrices() map[string]VolumePrice {
	var p ebsPrices
	if err := json.Unmarshal(ebsPricesJSON, &p); err != nil {
		panic(fmt.Sprintf("billing: ebsprices.json: %v", err)) // embedded: a build error
	}
	return p.Types
}

// volumeUse is a volume's billing segment shape: what it has provisioned
// (IOPS and throughput as DescribeVolumes shows them: gp3's baseline
// included, which its price leaves free).
func volumeUse(v *instance.Volume, at time.Time) Segment {
	iops, tput := v.Iops, v.Throughput
	switch v.Type {
	case "gp3":
		iops, tput = max(iops, 3000), max(tput, 125)
	case "io1", "io2":
	default:
		iops, tput = 0, 0
	}
	return Segment{Kind: KindVolume, Key: v.VolumeId, Type: v.Type, Zone: v.Zone, Size: v.Size, Iops: iops, Throughput: tput, Start: at}
}

// snapshotUse is a snapshot's billing segment shape: its volume's size in
// its storage tier (the price's type: snapshot or snapshot-archive).
func snapshotUse(v *instance.Snapshot, at time.Time) Segment {
	typ := "snapshot"
	if v.Tier != "" {
		typ = "snapshot-" + v.Tier
	}
	return Segment{Kind: KindSnapshot, Key: v.SnapshotId, Type: typ, Size: v.Size, Start: at}
}

// sameUse reports whether two versions of a volume bill alike.
func sameUse(a, b *instance.Volume) bool {
	return a.Type == b.Type && a.Size == b.Size && a.Iops == b.Iops && a.Throughput == b.Throughput
}

// monthOf is the calendar month containing t: its start and its length.
func monthOf(t time.Time) (time.Time, time.Duration) {
	t = t.UTC()
	start := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	return start, start.AddDate(0, 1, 0).Sub(start)
}

// volumeCharges prices one stretch of a volume's configuration, month by
// calendar month: per second, a minute at least, a month being its days.
func volumeCharges(s Segment, end, since, until time.Time, p VolumePrice) []charge {
	if !s.End.IsZero() && s.End.Sub(s.Start) < time.Minute {
		end = s.Start.Add(time.Minute)
	}
	var gb, iops, tput, amount [3]float64
	for a := s.Start; a.Before(end); {
		start, length := monthOf(a)
		b := start.Add(length)
		if b.After(end) {
			b = end
		}
		m := overlap(a, b, since, until).Seconds() / length.Seconds()
		gb[0] += m * float64(s.Size)
		amount[0] += m * float64(s.Size) * p.GBMonth
		if extra := s.Iops - p.FreeIops; extra > 0 && len(p.Iops) > 0 {
			iops[0] += m * float64(extra)
			amount[1] += m * tiered(extra, p.Iops)
		}
		if extra := s.Throughput - p.FreeThroughput; extra > 0 && p.ThroughputMonth > 0 {
			tput[0] += m * float64(extra)
			amount[2] += m * float64(extra) * p.ThroughputMonth
		}
		a = b
	}
	var out []charge
	for i, c := range []struct {
		qty  float64
		unit string
	}{{gb[0], UnitGBMonth}, {iops[0], UnitIopsMonth}, {tput[0], UnitThroughputMonth}} {
		if c.qty > 0 {
			out = append(out, charge{instance: s.Key, typ: s.Type, option: OptionEBS, hours: c.qty, amount: amount[i], unit: c.unit})
		}
	}
	return out
}

// tiered is a month of n provisioned IOPS at tiered prices.
func tiered(n int, tiers []IopsTier) float64 {
	total, below := 0.0, 0
	for _, t := range tiers {
		upto := t.Upto
		if upto == 0 || upto > n {
			upto = n
		}
		if upto > below {
			total += float64(upto-below) * t.Price
			below = upto
		}
	}
	return total
}
