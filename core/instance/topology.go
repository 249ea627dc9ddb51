package instance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// topologyLayers is how many network nodes DescribeInstanceTopology gives
// an instance of typ, 0 for the types it does not describe. This is the
// one list of supported types, from EC2's "Prerequisites for Amazon EC2
// topology": most have three layers, the p6 B200/B300 types four.
func topologyLayers(typ string) int {
	switch typ {
	case "g6e.xlarge", "g6e.2xlarge", "g6e.4xlarge", "g6e.8xlarge", "g6e.12xlarge", "g6e.16xlarge", "g6e.24xlarge", "g6e.48xlarge",
		"g7e.2xlarge", "g7e.4xlarge", "g7e.8xlarge", "g7e.12xlarge", "g7e.24xlarge", "g7e.48xlarge",
		"hpc6a.48xlarge", "hpc6id.32xlarge", "hpc7g.4xlarge", "hpc7g.8xlarge", "hpc7g.16xlarge",
		"hpc7a.12xlarge", "hpc7a.24xlarge", "hpc7a.48xlarge", "hpc7a.96xlarge", "hpc8a.96xlarge",
		"p3dn.24xlarge", "p4d.24xlarge", "p4de.24xlarge", "p5.48xlarge", "p5e.48xlarge", "p5en.48xlarge", "p6e-gb200.36xlarge",
		"trn1.2xlarge", "trn1.32xlarge", "trn1n.32xlarge", "trn2.48xlarge", "trn2u.48xlarge":
		return 3
	case "p6-b200.48xlarge", "p6-b300.48xlarge":
		return 4
	}
	return 0
}

// Hosts per network node of the layers above the host's own: four hosts
// share a node of the layer just above them, sixteen one of the layer
// above that (four-layer types); the top layer is the zone's.
const (
	hostsPerNode      = 4
	hostsPerSpineNode = 16
)

// topoItem is an instance with its network nodes.
type topoItem struct {
	r      *Record
	zoneID string
	nodes  []string
}

var topologySpec = &describe.Spec[topoItem]{
	Fields: []describe.Field[topoItem]{
		{Name: "availability-zone", Value: func(x topoItem) string { return x.r.Placement.AvailabilityZone }},
		{Name: "instance-type", Value: func(x topoItem) string { return x.r.InstanceType }},
		{Name: "zone-id", Value: func(x topoItem) string { return x.zoneID }},
	},
	Key: func(k *describe.Key, x topoItem) {
		k.Time(x.r.LaunchTime)
		k.Num(int64(x.r.AmiLaunchIndex))
		k.Str(x.r.InstanceId)
	},
	Paging: describe.Paging{Min: 1, Max: 100, IDsParam: "InstanceId"},
}

// defaultTopologyPage is DescribeInstanceTopology's page without MaxResults.
const defaultTopologyPage = 20

// DescribeInstanceTopology answers where running instances of the
// supported types sit in the network. The nodes are derived from the
// host the scheduler placed each on, so instances on one host share every
// node, hosts near each other in a zone (in the fleet's order) share the
// layers above, and every host of a zone shares the top one. Instances of
// other types, or not running, are left out, as EC2 leaves them out.
func (s *Service) DescribeInstanceTopology(ctx context.Context, region string, in *ec2.DescribeInstanceTopologyInput) (*ec2.DescribeInstanceTopologyOutput, error) {
	if len(in.InstanceIds) > 100 {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The parameter InstanceId accepts at most 100 values")
	}
	if len(in.GroupNames) > 100 {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The parameter GroupName accepts at most 100 values")
	}
	if in.DryRun {
		return nil, state.DryRun()
	}
	max := in.MaxResults
	if max == 0 && len(in.InstanceIds) == 0 {
		max = defaultTopologyPage
	}
	place := map[string]int{} // host -> its place among its zone's hosts
	seen := map[string]int{}
	for _, h := range s.sched.Hosts(region) {
		place[h.ID] = seen[h.Zone]
		seen[h.Zone]++
	}
	q := describe.Query{Filters: in.Filters, IDs: in.InstanceIds, MaxResults: max, NextToken: in.NextToken,
		Scope: "DescribeInstanceTopology/" + strings.Join(in.GroupNames, ",")}
	page, next, err := state.Describe(s.rt, region, topologySpec, q, func(r *state.Region) ([]topoItem, error) {
		// Hidden (long terminated) instances are not running either.
		recs, err := s.gather(r, in.InstanceIds, nil)
		if err != nil {
			return nil, err
		}
		var items []topoItem
		for _, rec := range recs {
			layers := topologyLayers(rec.InstanceType)
			if layers == 0 || rec.State.Name != ec2.StateRunning || rec.Placement.HostId == "" {
				continue
			}
			if len(in.GroupNames) > 0 {
				continue // ec2x has no placement groups, so no instance is in one
			}
			items = append(items, topoItem{r: rec, zoneID: zoneID(r, rec.Placement.AvailabilityZone),
				nodes: networkNodes(region, rec.Placement.AvailabilityZone, rec.Placement.HostId, place[rec.Placement.HostId], layers)})
		}
		return items, nil
	}, func(_ *state.Region, x topoItem) ec2.InstanceTopology {
		return ec2.InstanceTopology{InstanceId: x.r.InstanceId, InstanceType: x.r.InstanceType,
			NetworkNodes: x.nodes, AvailabilityZone: x.r.Placement.AvailabilityZone, ZoneId: x.zoneID}
	})
	if err != nil {
		return nil, err
	}
	if page == nil {
		page = []ec2.InstanceTopology{}
	}
	return &ec2.DescribeInstanceTopologyOutput{Instances: page, NextToken: next}, nil
}

// networkNodes are a host's nodes from the top layer down: the zone's,
// then its group's (of sixteen hosts, four layers only), then its
// group's of four, then its own.
func networkNodes(region, zone, host string, place, layers int) []string {
	keys := []string{"zone/" + zone}
	if layers >= 4 {
		keys = append(keys, fmt.Sprintf("spine/%s/%d", zone, place/hostsPerSpineNode))
	}
	keys = append(keys, fmt.Sprintf("group/%s/%d", zone, place/hostsPerNode), "host/"+host)
	out := make([]string, len(keys))
	for i, k := range keys {
		sum := sha256.Sum256([]byte(region + "/" + k))
		out[i] = "nn-" + hex.EncodeToString(sum[:])[:17]
	}
	return out
}
