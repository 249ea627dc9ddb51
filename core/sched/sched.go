// Package sched is the HVM scheduler: it places guests on hosts with a
// pipeline of filters then weighers, in the style of Nova and Nomad, and
// records every rejection and score so that a placement can be explained.
// It holds no locks; core's Cloud serialises access.
package sched

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/ec2"
)

// Host is a host server and what it has given out (the wire shape plus
// the scheduler's index of its families).
type Host struct {
	ec2.Host
	families map[string]bool
}

// DriverKey names the driver instance that runs a host's guests: the
// driver's name, with the URI for drivers of other engines' hosts (one
// libvirt driver per host).
func (h *Host) DriverKey() string { return DriverKey(h.Driver, h.URI) }

// DriverKey is Host.DriverKey of a host of driver name at uri.
func DriverKey(name, uri string) string {
	if uri == "" {
		return name
	}
	return name + " " + uri
}

// CapVCPUs is the schedulable vCPU count after overcommit.
func (h *Host) CapVCPUs() int { return int(float64(h.VCPUs) * h.CPUOvercommit) }

// CapMemoryMiB is the schedulable memory after overcommit.
func (h *Host) CapMemoryMiB() int { return int(float64(h.MemoryMiB) * h.MemOvercommit) }

// Request is what a guest needs.
type Request struct {
	Zone      string // "" means any zone of the region
	Family    string
	VCPUs     int
	MemoryMiB int
	// Preempt lets an on-demand request count spot guests' capacity as
	// free: they can be interrupted to make room.
	Preempt bool
	// Driver, when set, keeps the guest on hosts of that hypervisor driver
	// (a stopped qemu guest's disk lives with the qemu driver).
	Driver string
	// Avoid, when set, is a host the guest must leave (a drain, an
	// evacuation).
	Avoid string
	// Strategy, when set, weighs the hosts for this request: Spread or
	// Binpack instead of the configured strategy.
	Strategy string
}

// The strategies a request may ask for.
const (
	Spread  = "spread"
	Binpack = "binpack"
)

// Rejection reasons, one constant per filter.
const (
	RejectZone   = "zone"
	RejectFamily = "family"
	RejectDriver = "driver"
	RejectCPU    = "insufficient vCPU"
	RejectMemory = "insufficient memory"
	RejectDrain  = "draining"
	RejectDown   = "unreachable"
)

// filter rejects a host for a request; it returns a reason, or "", and
// when asked (explain) a detail for people: building one for every host of
// every placement would cost a launch of a thousand more than its checks.
type filter func(h *Host, r Request, explain bool) (reason, detail string)

// weigher scores a feasible host; higher wins.
type weigher func(h *Host, r Request) float64

// Scheduler places guests on the hosts of every region.
type Scheduler struct {
	hosts    map[string][]*Host // by region, in config order
	byID     map[string]*Host
	filters  []filter
	weighers []weigher
}

// New builds the fleet from config. Host IDs are derived from region, zone
// and position so they stay the same across restarts.
func New(cfg *configs.Config) *Scheduler {
	s := &Scheduler{hosts: map[string][]*Host{}, byID: map[string]*Host{}}
	for gi, g := range cfg.Hosts {
		region := cfg.ZoneRegion(g.Zone)
		for i := 0; i < g.Count; i++ {
			sum := sha256.Sum256(fmt.Appendf(nil, "%s/%s/%d/%d", region, g.Zone, gi, i))
			h := &Host{Host: ec2.Host{
				ID: "h-" + hex.EncodeToString(sum[:])[:17], Region: region, Zone: g.Zone, Driver: g.Driver, URI: g.URI,
				VCPUs: g.VCPUs, MemoryMiB: g.MemoryGiB * 1024, CPUOvercommit: g.CPUOvercommit, MemOvercommit: g.MemOvercommit,
				Families: g.Families,
			}, families: map[string]bool{}}
			for _, f := range g.Families {
				h.families[f] = true
			}
			s.hosts[region] = append(s.hosts[region], h)
			s.byID[h.ID] = h
		}
	}
	// Cheap, exact checks first; capacity last because it reads usage.
	s.filters = []filter{zoneFilter, driverFilter, serviceFilter, familyFilter, cpuFilter, memoryFilter}
	if cfg.Scheduler.Strategy == Spread {
		s.weighers = []weigher{spreadWeigher}
	} else {
		s.weighers = []weigher{binpackWeigher}
	}
	return s
}

// detail is f's text when a placement is explained, else nothing.
func detail(explain bool, f func() string) string {
	if !explain {
		return ""
	}
	return f()
}

func zoneFilter(h *Host, r Request, explain bool) (string, string) {
	if r.Zone != "" && h.Zone != r.Zone {
		return RejectZone, detail(explain, func() string { return "host is in " + h.Zone })
	}
	return "", ""
}

func driverFilter(h *Host, r Request, explain bool) (string, string) {
	if r.Driver != "" && h.Driver != r.Driver {
		return RejectDriver, detail(explain, func() string { return "host runs " + h.Driver })
	}
	return "", ""
}

// serviceFilter keeps guests off hosts that are being drained or do not
// answer, and off the host a guest is leaving.
func serviceFilter(h *Host, r Request, explain bool) (string, string) {
	switch {
	case h.Unreachable:
		return RejectDown, detail(explain, func() string { return "the host's engine does not answer" })
	case h.Draining:
		return RejectDrain, detail(explain, func() string { return "the host is being drained" })
	case r.Avoid == h.ID:
		return RejectDrain, detail(explain, func() string { return "the guest is leaving this host" })
	}
	return "", ""
}

func familyFilter(h *Host, r Request, explain bool) (string, string) {
	if len(h.families) > 0 && !h.families[r.Family] {
		return RejectFamily, detail(explain, func() string { return fmt.Sprintf("host serves %v", h.Families) })
	}
	return "", ""
}

func cpuFilter(h *Host, r Request, explain bool) (string, string) {
	free := h.CapVCPUs() - h.UsedVCPUs
	if r.Preempt {
		free += h.SpotVCPUs
	}
	if free < r.VCPUs {
		return RejectCPU, detail(explain, func() string { return fmt.Sprintf("%d of %d vCPUs free, need %d", free, h.CapVCPUs(), r.VCPUs) })
	}
	return "", ""
}

func memoryFilter(h *Host, r Request, explain bool) (string, string) {
	free := h.CapMemoryMiB() - h.UsedMemoryMiB
	if r.Preempt {
		free += h.SpotMemoryMiB
	}
	if free < r.MemoryMiB {
		return RejectMemory, detail(explain, func() string { return fmt.Sprintf("%d of %d MiB free, need %d", free, h.CapMemoryMiB(), r.MemoryMiB) })
	}
	return "", ""
}

// binpackWeigher prefers the fullest host that fits: fewer hosts in use.
func binpackWeigher(h *Host, r Request) float64 {
	cpu := float64(h.UsedVCPUs+r.VCPUs) / float64(h.CapVCPUs())
	mem := float64(h.UsedMemoryMiB+r.MemoryMiB) / float64(h.CapMemoryMiB())
	return (cpu + mem) / 2
}

// spreadWeigher prefers the emptiest host: fewer guests share a failure.
func spreadWeigher(h *Host, r Request) float64 { return 1 - binpackWeigher(h, r) }

// Place picks a host for r in region without claiming it. explain, when
// true, returns every host's outcome. ok is false when nothing fits.
func (s *Scheduler) Place(region string, r Request, explain bool) (host *Host, results []ec2.PlacementResult, ok bool) {
	var best *Host
	bestScore := -1.0
	for _, h := range s.hosts[region] {
		reason, detail := "", ""
		for _, f := range s.filters {
			if reason, detail = f(h, r, explain); reason != "" {
				break
			}
		}
		score := 0.0
		if reason == "" {
			switch r.Strategy {
			case Spread:
				score = spreadWeigher(h, r)
			case Binpack:
				score = binpackWeigher(h, r)
			default:
				for _, w := range s.weighers {
					score += w(h, r)
				}
			}
			// Ties go to the first host in config order: deterministic.
			if score > bestScore {
				best, bestScore = h, score
			}
		}
		if explain {
			results = append(results, ec2.PlacementResult{
				HostID: h.ID, Zone: h.Zone, Rejected: reason, Detail: detail, Score: score,
				FreeVCPUs: h.CapVCPUs() - h.UsedVCPUs, FreeMiB: h.CapMemoryMiB() - h.UsedMemoryMiB,
			})
		}
	}
	if explain && best != nil {
		for i := range results {
			results[i].Chosen = results[i].HostID == best.ID
		}
		sort.SliceStable(results, func(i, j int) bool {
			if (results[i].Rejected == "") != (results[j].Rejected == "") {
				return results[i].Rejected == ""
			}
			return results[i].Score > results[j].Score
		})
	}
	return best, results, best != nil
}

// Claim records that a guest of vcpus and memory now uses host id.
func (s *Scheduler) Claim(id string, vcpus, memoryMiB int) {
	if h := s.byID[id]; h != nil {
		h.UsedVCPUs += vcpus
		h.UsedMemoryMiB += memoryMiB
		h.Guests++
	}
}

// Release undoes Claim. Releasing more than was claimed is a bookkeeping
// bug: it panics rather than let a host look emptier than it is.
func (s *Scheduler) Release(id string, vcpus, memoryMiB int) {
	if h := s.byID[id]; h != nil {
		if h.UsedVCPUs < vcpus || h.UsedMemoryMiB < memoryMiB || h.Guests < 1 {
			panic(fmt.Sprintf("sched: release of %d vCPUs/%d MiB from host %s that holds %d/%d", vcpus, memoryMiB, id, h.UsedVCPUs, h.UsedMemoryMiB))
		}
		h.UsedVCPUs -= vcpus
		h.UsedMemoryMiB -= memoryMiB
		h.Guests--
	}
}

// ClaimSpot is Claim for a spot guest: its share can be taken back.
func (s *Scheduler) ClaimSpot(id string, vcpus, memoryMiB int) {
	s.Claim(id, vcpus, memoryMiB)
	if h := s.byID[id]; h != nil {
		h.SpotVCPUs += vcpus
		h.SpotMemoryMiB += memoryMiB
	}
}

// ReleaseSpot undoes ClaimSpot.
func (s *Scheduler) ReleaseSpot(id string, vcpus, memoryMiB int) {
	s.Release(id, vcpus, memoryMiB)
	if h := s.byID[id]; h != nil {
		h.SpotVCPUs -= vcpus
		h.SpotMemoryMiB -= memoryMiB
	}
}

// Shortfall is how much more a host would need to fit a request without
// taking anything back from spot guests (zero when it fits as it is).
func (h *Host) Shortfall(r Request) (vcpus, memoryMiB int) {
	return max(0, r.VCPUs-(h.CapVCPUs()-h.UsedVCPUs)), max(0, r.MemoryMiB-(h.CapMemoryMiB()-h.UsedMemoryMiB))
}

// SetCapacity sets a host's vCPUs and memory: a libvirt host's, read
// from its engine when config leaves them out.
func (s *Scheduler) SetCapacity(id string, vcpus, memoryMiB int) {
	if h := s.byID[id]; h != nil {
		h.VCPUs, h.MemoryMiB = vcpus, memoryMiB
	}
}

// SetDraining marks a host drained (it takes no new guests) or not.
func (s *Scheduler) SetDraining(id string, on bool) {
	if h := s.byID[id]; h != nil {
		h.Draining = on
	}
}

// SetUnreachable marks a host whose engine does not answer, or answers again.
func (s *Scheduler) SetUnreachable(id string, on bool) {
	if h := s.byID[id]; h != nil {
		h.Unreachable = on
	}
}

// Host returns the host with that ID, or nil.
func (s *Scheduler) Host(id string) *Host { return s.byID[id] }

// Hosts returns copies of the hosts of region (all regions when "").
func (s *Scheduler) Hosts(region string) []Host {
	var out []Host
	for r, hs := range s.hosts {
		if region != "" && r != region {
			continue
		}
		for _, h := range hs {
			out = append(out, *h)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Zone != out[j].Zone {
			return out[i].Zone < out[j].Zone
		}
		return out[i].ID < out[j].ID
	})
	return out
}
