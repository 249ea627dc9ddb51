// Package api is the daemon's protocol: JSON over HTTP on a unix socket,
// one POST per EC2 action, plus the Go client the CLI uses and the daemon's
// process management (start on demand, handshake, shutdown).
package api

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

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
}

// action adapts a typed core method to the table.
func action[I, O any](name string, f func(*core.Cloud, context.Context, string, *I) (*O, error)) Action {
	return Action{
		Name: name,
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
			panic("api: action listed twice: " + a.Name)
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

// ActionNames lists every action, sorted.
func ActionNames() []string {
	names := make([]string, 0, len(actions))
	for n := range actions {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// dispatchJSON decodes body into the action's input and runs it.
func dispatchJSON(ctx context.Context, c *core.Cloud, name, region string, body []byte) (any, error) {
	a, ok := actions[name]
	if !ok {
		return nil, core.Errorf(core.CodeInvalidAction, "The action %s is not valid for this web service.", name)
	}
	in := a.New()
	if len(body) > 0 {
		if err := decodeStrict(body, in); err != nil {
			if strings.HasPrefix(err.Error(), "json: unknown field") {
				return nil, core.Errorf(core.CodeUnknownParameter, "%s: %v", name, err)
			}
			return nil, core.Errorf(core.CodeInvalidParameterValue, "%s: malformed request: %v", name, err)
		}
	}
	return a.Call(ctx, c, region, in)
}

// Stream is a streaming action: the answer is a sequence of JSON frames,
// one a line, until the client hangs up.
type Stream struct {
	Name string
	New  func() any
	Run  func(ctx context.Context, c *core.Cloud, region string, in any, emit func(any) error) error
}

func stream[I, O any](name string, f func(*core.Cloud, context.Context, string, *I, func(*O) error) error) Stream {
	return Stream{
		Name: name,
		New:  func() any { return new(I) },
		Run: func(ctx context.Context, c *core.Cloud, region string, in any, emit func(any) error) error {
			return f(c, ctx, region, in.(*I), func(o *O) error { return emit(o) })
		},
	}
}

// streams is the table of streaming actions.
var streams = map[string]Stream{
	"StreamFleet": stream("StreamFleet", (*core.Cloud).StreamFleet),
}

// decodeStrict decodes JSON and refuses fields the input does not have.
func decodeStrict(body []byte, in any) error {
	dec := json.NewDecoder(bytesReader(body))
	dec.DisallowUnknownFields()
	return dec.Decode(in)
}
