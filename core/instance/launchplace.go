package instance

import (
	"fmt"
	"slices"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/catalog"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// checkPlacement checks Placement's keys besides the zone, tenancy and
// group (launchOpts), before the zone is chosen: an AvailabilityZoneId
// names the zone; Dedicated Hosts (HostId, host affinity, a host resource
// group) do not exist in ec2x; a partition needs a partition placement
// group, of which there are none either.
func (s *Service) checkPlacement(rd state.Reader, in *ec2.RunInstancesInput) error {
	p := in.Placement
	if p == nil {
		return nil
	}
	if p.AvailabilityZoneId != "" {
		zone := zoneByID(rd, p.AvailabilityZoneId)
		switch {
		case zone == "":
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid availability zone ID: [%s]", p.AvailabilityZoneId)
		case p.AvailabilityZone != "" && p.AvailabilityZone != zone:
			return ec2.Errorf(ec2.CodeInvalidParameterCombination, "The Availability Zone %s and the Availability Zone ID %s name different zones.", p.AvailabilityZone, p.AvailabilityZoneId)
		}
		cp := *p
		cp.AvailabilityZone = zone
		in.Placement = &cp
	}
	switch p.Affinity {
	case "", "default":
	case "host":
		return ec2.Errorf(ec2.CodeInvalidParameterCombination, "Affinity host needs tenancy host on a Dedicated Host, and ec2x has none.")
	default:
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for affinity: default or host.", p.Affinity)
	}
	switch {
	case p.HostId != "":
		return ec2.Errorf(ec2.CodeInvalidHostIDNotFound, "The host ID '%s' was not found: ec2x has no Dedicated Hosts.", p.HostId)
	case p.HostResourceGroupArn != "":
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "The host resource group '%s' was not found: ec2x has no Dedicated Hosts.", p.HostResourceGroupArn)
	case p.PartitionNumber != 0 && p.GroupName == "" && p.GroupId == "":
		return ec2.Errorf(ec2.CodeInvalidParameterCombination, "A partition number needs a partition placement group (GroupName or GroupId).")
	}
	return nil
}

// zoneByID is the zone of the region with that zone ID, or "".
func zoneByID(rd state.Reader, id string) string {
	r := rd.Region()
	for i, z := range r.Cfg.Zones {
		if catalog.ZoneID(r.Cfg, r.Name, i) == id {
			return z
		}
	}
	return ""
}

// launchPlacement records what Placement asked for that the instance
// shows besides its zone and tenancy.
func (s *Service) launchPlacement(l *launch, r *Record) {
	if p := l.in.Placement; p != nil {
		r.Placement.SpreadDomain = p.SpreadDomain
	}
}

// checkCpuOptions checks CpuOptions against the type's valid core and
// thread counts, and the processor features asked for.
func checkCpuOptions(l *launch, c *ec2.CpuOptionsRequest) error {
	if err := checkCoresThreads(l.typeName, l.typ, c.CoreCount, c.ThreadsPerCore); err != nil {
		return err
	}
	for _, f := range []struct{ name, value string }{{"AmdSevSnp", c.AmdSevSnp}, {"NestedVirtualization", c.NestedVirtualization}} {
		if err := oneOf(f.name, f.value, "enabled", "disabled"); err != nil {
			return err
		}
	}
	if c.AmdSevSnp == "enabled" && l.typ.Manufacturer != "AMD" {
		return ec2.Errorf(ec2.CodeUnsupportedOperation, "AMD SEV-SNP is not supported by the instance type %s.", l.typeName)
	}
	return nil
}

// checkCoresThreads refuses a core or thread count (0: the type's own)
// outside the type's valid lists: the catalogue's, else 1 to the type's own.
func checkCoresThreads(typeName string, t *configs.InstType, cores, threads int) error {
	own := max(t.ThreadsPerCore, 1)
	validCores, validThreads := t.ValidCores, t.ValidThreads
	if len(validCores) == 0 {
		validCores = upTo(t.VCPUs / own)
	}
	if len(validThreads) == 0 {
		validThreads = upTo(own)
	}
	if (cores != 0 && !slices.Contains(validCores, cores)) || (threads != 0 && !slices.Contains(validThreads, threads)) {
		return ec2.Errorf(ec2.CodeInvalidCpuOptions, "The CPU options are not valid for %s: CoreCount one of %s, ThreadsPerCore one of %s.", typeName, list(validCores), list(validThreads))
	}
	return nil
}

// upTo is 1..n.
func upTo(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// list writes numbers as EC2's messages do: [1, 2, 3].
func list(ns []int) string { return fmt.Sprint(ns) }

// eachDevice makes a DescribeInstances filter over every block device.
func eachDevice(f func(*ec2.EbsInstanceBlockDevice) string) func(inst) []string {
	return func(x inst) []string {
		ds := devices(x.r)
		out := make([]string, len(ds))
		for i, d := range ds {
			out[i] = f(d.Ebs)
		}
		return out
	}
}
