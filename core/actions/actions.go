// Package actions is the single table that maps each API action name to
// its core call. The daemon's JSON API and the EC2 Query endpoint both
// dispatch through it.
package actions

import (
	"context"
	"reflect"
	"sort"

	"github.com/ec2x/ec2x/core"
)

// Action is one API action: its EC2 name and the core call it maps to.
// This table is the single mapping from action names to core; every front
// end dispatches through it.
type Action struct {
	Name string
	// New returns a pointer to a zero input, for front ends that fill it
	// from something other than JSON.
	New func() any
	// Call runs the action with a decoded input (a pointer from New).
	Call func(ctx context.Context, c *core.Cloud, region string, in any) (any, error)
	// In and Out are the input and output struct types, for front ends
	// that map them to another wire format.
	In, Out reflect.Type
}

// action adapts a typed core method to the table.
func action[I, O any](name string, f func(*core.Cloud, context.Context, string, *I) (*O, error)) Action {
	return Action{
		Name: name,
		In:   reflect.TypeFor[I](),
		Out:  reflect.TypeFor[O](),
		New:  func() any { return new(I) },
		Call: func(ctx context.Context, c *core.Cloud, region string, in any) (any, error) {
			return f(c, ctx, region, in.(*I))
		},
	}
}

// actions is the table, by name.
var actions = func() map[string]Action {
	list := []Action{
		action("RunInstances", (*core.Cloud).RunInstances),
		action("DescribeInstances", (*core.Cloud).DescribeInstances),
		action("DescribeInstanceTable", (*core.Cloud).DescribeInstanceTable),
		action("StartInstances", (*core.Cloud).StartInstances),
		action("StopInstances", (*core.Cloud).StopInstances),
		action("RebootInstances", (*core.Cloud).RebootInstances),
		action("TerminateInstances", (*core.Cloud).TerminateInstances),
		action("ModifyInstanceAttribute", (*core.Cloud).ModifyInstanceAttribute),
		action("DescribeInstanceAttribute", (*core.Cloud).DescribeInstanceAttribute),
		action("WaitInstances", (*core.Cloud).WaitInstances),
		action("CreateKeyPair", (*core.Cloud).CreateKeyPair),
		action("ImportKeyPair", (*core.Cloud).ImportKeyPair),
		action("DescribeKeyPairs", (*core.Cloud).DescribeKeyPairs),
		action("DeleteKeyPair", (*core.Cloud).DeleteKeyPair),
		action("CreateTags", (*core.Cloud).CreateTags),
		action("DeleteTags", (*core.Cloud).DeleteTags),
		action("DescribeRegions", (*core.Cloud).DescribeRegions),
		action("DescribeAvailabilityZones", (*core.Cloud).DescribeAvailabilityZones),
		action("DescribeInstanceTypes", (*core.Cloud).DescribeInstanceTypes),
		action("DescribeImages", (*core.Cloud).DescribeImages),
		action("DescribeHosts", (*core.Cloud).DescribeHosts),
		action("ExplainPlacement", (*core.Cloud).ExplainPlacement),
		action("DescribeSSHTarget", (*core.Cloud).DescribeSSHTarget),
		action("GetConsoleOutput", (*core.Cloud).GetConsoleOutput),
		action("DescribeInstanceMetadata", (*core.Cloud).DescribeInstanceMetadata),
		action("OpenInstanceMetadataEndpoint", (*core.Cloud).OpenInstanceMetadataEndpoint),
		action("GetMetricStatistics", (*core.Cloud).GetMetricStatistics),
		action("DescribeFleet", (*core.Cloud).DescribeFleet),
		action("DescribeSpotPriceHistory", (*core.Cloud).DescribeSpotPriceHistory),
		action("RequestSpotInstances", (*core.Cloud).RequestSpotInstances),
		action("DescribeSpotInstanceRequests", (*core.Cloud).DescribeSpotInstanceRequests),
		action("CancelSpotInstanceRequests", (*core.Cloud).CancelSpotInstanceRequests),
		action("DescribeReservedInstancesOfferings", (*core.Cloud).DescribeReservedInstancesOfferings),
		action("PurchaseReservedInstancesOffering", (*core.Cloud).PurchaseReservedInstancesOffering),
		action("DescribeReservedInstances", (*core.Cloud).DescribeReservedInstances),
		action("Bill", (*core.Cloud).Bill),
		action("CostCompare", (*core.Cloud).CostCompare),
		action("DescribePrices", (*core.Cloud).DescribePrices),
		action("InstallPlugin", (*core.Cloud).InstallPlugin),
		action("DescribePlugins", (*core.Cloud).DescribePlugins),
		action("RemovePlugin", (*core.Cloud).RemovePlugin),
		action("TestPlugin", (*core.Cloud).TestPlugin),
		action("DescribeSubnets", (*core.Cloud).DescribeSubnets),
		action("DescribeVpcs", (*core.Cloud).DescribeVpcs),
		action("AllocateAddress", (*core.Cloud).AllocateAddress),
		action("AssociateAddress", (*core.Cloud).AssociateAddress),
		action("DisassociateAddress", (*core.Cloud).DisassociateAddress),
		action("ReleaseAddress", (*core.Cloud).ReleaseAddress),
		action("DescribeAddresses", (*core.Cloud).DescribeAddresses),
		action("CreateNetworkInterface", (*core.Cloud).CreateNetworkInterface),
		action("DescribeNetworkInterfaces", (*core.Cloud).DescribeNetworkInterfaces),
		action("AttachNetworkInterface", (*core.Cloud).AttachNetworkInterface),
		action("DetachNetworkInterface", (*core.Cloud).DetachNetworkInterface),
		action("DeleteNetworkInterface", (*core.Cloud).DeleteNetworkInterface),
		action("AssignPrivateIpAddresses", (*core.Cloud).AssignPrivateIpAddresses),
		action("UnassignPrivateIpAddresses", (*core.Cloud).UnassignPrivateIpAddresses),
		action("CreateSecurityGroup", (*core.Cloud).CreateSecurityGroup),
		action("DescribeSecurityGroups", (*core.Cloud).DescribeSecurityGroups),
		action("AuthorizeSecurityGroupIngress", (*core.Cloud).AuthorizeSecurityGroupIngress),
		action("RevokeSecurityGroupIngress", (*core.Cloud).RevokeSecurityGroupIngress),
		action("DeleteSecurityGroup", (*core.Cloud).DeleteSecurityGroup),
	}
	m := make(map[string]Action, len(list))
	for _, a := range list {
		if _, dup := m[a.Name]; dup {
			panic("actions: action listed twice: " + a.Name)
		}
		m[a.Name] = a
	}
	return m
}()

// Lookup returns the action with that name.
func Lookup(name string) (Action, bool) {
	a, ok := actions[name]
	return a, ok
}

// Names lists every action, sorted.
func Names() []string {
	names := make([]string, 0, len(actions))
	for n := range actions {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
