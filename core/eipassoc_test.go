package core

import (
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
)

// Moving an Elastic IP: EC2 refuses to take an associated address from
// where it is unless AllowReassociation says so; a target that already has
// an Elastic IP gives it up (it stays allocated).
func TestReassociateElasticIP(t *testing.T) {
	e := newEnv(t, "")
	ids := e.launchRunning(use1, 2)
	a, b := ids[0], ids[1]
	eip := e.allocate(use1)
	first := e.associate(use1, &ec2.AssociateAddressInput{AllocationId: eip.AllocationId, InstanceId: a})
	autoB := e.get(use1, b).PublicIpAddress

	t.Run("without AllowReassociation", func(t *testing.T) {
		_, err := e.c.AssociateAddress(e.ctx, use1, &ec2.AssociateAddressInput{AllocationId: eip.AllocationId, InstanceId: b})
		wantCode(t, err, ec2.CodeResourceAlreadyAssociated, eip.AllocationId, first)
		if got := e.get(use1, a).PublicIpAddress; got != eip.PublicIp {
			t.Fatalf("the refused move took the address from %s: %q", a, got)
		}
		if got := e.get(use1, b).PublicIpAddress; got != autoB {
			t.Fatalf("the refused move changed %s: %q", b, got)
		}
		checkAll(t, e, use1)
	})
	t.Run("with AllowReassociation", func(t *testing.T) {
		second := e.associate(use1, &ec2.AssociateAddressInput{AllocationId: eip.AllocationId, InstanceId: b, AllowReassociation: true})
		if second == first {
			t.Fatal("a move kept the old association ID")
		}
		if got := e.get(use1, b).PublicIpAddress; got != eip.PublicIp {
			t.Fatalf("%s has %q, want the Elastic IP", b, got)
		}
		// The instance it left is running: it gets a pool address again.
		if got := e.get(use1, a).PublicIpAddress; got == "" || got == eip.PublicIp {
			t.Fatalf("%s has %q after losing the Elastic IP", a, got)
		}
		if e.poolHolds(use1, autoB) {
			t.Fatalf("%s's pool address %s was not returned", b, autoB)
		}
		if ad := e.address(use1, eip.AllocationId); ad.InstanceId != b || ad.AssociationId != second {
			t.Fatalf("address %+v", ad)
		}
		checkAll(t, e, use1)
	})
	t.Run("onto a target with another Elastic IP", func(t *testing.T) {
		other := e.allocate(use1)
		e.associate(use1, &ec2.AssociateAddressInput{AllocationId: other.AllocationId, InstanceId: b})
		displaced := e.address(use1, eip.AllocationId)
		if displaced.AssociationId != "" || displaced.InstanceId != "" {
			t.Fatalf("the displaced address still points at %s: %+v", b, displaced)
		}
		if !e.poolHolds(use1, eip.PublicIp) || len(e.addresses(use1)) != 2 {
			t.Fatal("the displaced address was released; it must stay allocated")
		}
		if got := e.get(use1, b).PublicIpAddress; got != other.PublicIp {
			t.Fatalf("%s has %q, want %s", b, got, other.PublicIp)
		}
		checkAll(t, e, use1)
	})
	t.Run("by public IP", func(t *testing.T) {
		e.associate(use1, &ec2.AssociateAddressInput{PublicIp: eip.PublicIp, InstanceId: a})
		if got := e.get(use1, a).PublicIpAddress; got != eip.PublicIp {
			t.Fatalf("%s has %q", a, got)
		}
		checkAll(t, e, use1)
	})
}

func TestAssociateElasticIPWithInterfaceAddress(t *testing.T) {
	e := newEnv(t, "")
	id := e.launchTyped(use1, "t3.medium", "us-east-1a", 1)[0]
	ni := e.createENI(use1, &ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1a", SecondaryPrivateIpAddressCount: 1})
	secondary := ni.PrivateIpAddresses[1].PrivateIpAddress
	eip := e.allocate(use1)

	t.Run("an available interface's secondary address", func(t *testing.T) {
		assoc := e.associate(use1, &ec2.AssociateAddressInput{AllocationId: eip.AllocationId, NetworkInterfaceId: ni.NetworkInterfaceId, PrivateIpAddress: secondary})
		got := e.eni(use1, ni.NetworkInterfaceId)
		if publicOf(got, secondary) != eip.PublicIp || publicOf(got, got.PrivateIpAddress) != "" || got.Association != nil {
			t.Fatalf("interface after associate: %s", jsonOf(t, got))
		}
		ad := e.address(use1, eip.AllocationId)
		if ad.AssociationId != assoc || ad.NetworkInterfaceId != ni.NetworkInterfaceId || ad.PrivateIpAddress != secondary || ad.InstanceId != "" {
			t.Fatalf("address %+v", ad)
		}
		checkAll(t, e, use1)
	})
	t.Run("instance with two interfaces needs the interface named", func(t *testing.T) {
		attach := e.attach(use1, ni.NetworkInterfaceId, id, nil)
		if ad := e.address(use1, eip.AllocationId); ad.InstanceId != id {
			t.Fatalf("an attached interface's address shows instance %q, want %s", ad.InstanceId, id)
		}
		other := e.allocate(use1)
		_, err := e.c.AssociateAddress(e.ctx, use1, &ec2.AssociateAddressInput{AllocationId: other.AllocationId, InstanceId: id})
		wantCode(t, err, ec2.CodeInvalidInstanceID, "multiple interfaces")
		// The instance's primary public IP is still its pool address.
		if in := e.get(use1, id); in.PublicIpAddress == "" || in.PublicIpAddress == eip.PublicIp {
			t.Fatalf("primary public IP %q", in.PublicIpAddress)
		}
		checkAll(t, e, use1)
		// Detached, the interface keeps its Elastic IP.
		e.detach(use1, attach)
		if got := e.eni(use1, ni.NetworkInterfaceId); got.Status != "available" || publicOf(got, secondary) != eip.PublicIp {
			t.Fatalf("detached interface: %s", jsonOf(t, got))
		}
		checkAll(t, e, use1)
	})
}

func TestAssociateAddressErrors(t *testing.T) {
	e := newEnv(t, "")
	ids := e.launchRunning(use1, 2)
	dead := ids[1]
	e.terminateWait(use1, dead)
	eip := e.allocate(use1)
	ni := e.primaryENI(use1, ids[0])
	cases := []struct {
		name string
		in   ec2.AssociateAddressInput
		code string
	}{
		{"unknown allocation", ec2.AssociateAddressInput{AllocationId: "eipalloc-0123456789abcdef0", InstanceId: ids[0]}, ec2.CodeInvalidAllocationIDNotFound},
		{"malformed allocation", ec2.AssociateAddressInput{AllocationId: "eipalloc-nothex", InstanceId: ids[0]}, ec2.CodeInvalidAllocationIDMalformed},
		{"unknown public IP", ec2.AssociateAddressInput{PublicIp: "198.51.100.1", InstanceId: ids[0]}, ec2.CodeInvalidAddressNotFound},
		{"no address", ec2.AssociateAddressInput{InstanceId: ids[0]}, ec2.CodeMissingParameter},
		{"no target", ec2.AssociateAddressInput{AllocationId: eip.AllocationId}, ec2.CodeMissingParameter},
		{"instance and interface", ec2.AssociateAddressInput{AllocationId: eip.AllocationId, InstanceId: ids[0], NetworkInterfaceId: ni}, ec2.CodeInvalidParameterCombination},
		{"unknown instance", ec2.AssociateAddressInput{AllocationId: eip.AllocationId, InstanceId: "i-0123456789abcdef0"}, ec2.CodeInvalidInstanceIDNotFound},
		{"malformed instance", ec2.AssociateAddressInput{AllocationId: eip.AllocationId, InstanceId: "i-zz"}, ec2.CodeInvalidInstanceIDMalformed},
		{"terminated instance", ec2.AssociateAddressInput{AllocationId: eip.AllocationId, InstanceId: dead}, ec2.CodeIncorrectInstanceState},
		{"unknown interface", ec2.AssociateAddressInput{AllocationId: eip.AllocationId, NetworkInterfaceId: "eni-0123456789abcdef0"}, ec2.CodeInvalidNetworkInterfaceIDNotFound},
		{"malformed interface", ec2.AssociateAddressInput{AllocationId: eip.AllocationId, NetworkInterfaceId: "eni-x"}, ec2.CodeInvalidNetworkInterfaceIDMalformed},
		{"address not on the interface", ec2.AssociateAddressInput{AllocationId: eip.AllocationId, NetworkInterfaceId: ni, PrivateIpAddress: "172.31.255.9"}, ec2.CodeInvalidParameterValue},
		{"dry run", ec2.AssociateAddressInput{AllocationId: eip.AllocationId, InstanceId: ids[0], DryRun: true}, ec2.CodeDryRunOperation},
	}
	before := e.get(use1, ids[0]).PublicIpAddress
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.c.AssociateAddress(e.ctx, use1, &tc.in)
			wantCode(t, err, tc.code)
			if ad := e.address(use1, eip.AllocationId); ad.AssociationId != "" {
				t.Fatalf("a refused request associated the address: %+v", ad)
			}
			if got := e.get(use1, ids[0]).PublicIpAddress; got != before {
				t.Fatalf("a refused request changed the public IP: %q -> %q", before, got)
			}
			checkAddressBooks(t, e, use1)
		})
	}
	t.Run("disassociate", func(t *testing.T) {
		_, err := e.c.DisassociateAddress(e.ctx, use1, &ec2.DisassociateAddressInput{AssociationId: "eipassoc-0123456789abcdef0"})
		wantCode(t, err, ec2.CodeInvalidAssociationIDNotFound)
		_, err = e.c.DisassociateAddress(e.ctx, use1, &ec2.DisassociateAddressInput{PublicIp: eip.PublicIp})
		wantCode(t, err, ec2.CodeInvalidAssociationIDNotFound, "not associated")
		_, err = e.c.DisassociateAddress(e.ctx, use1, &ec2.DisassociateAddressInput{})
		wantCode(t, err, ec2.CodeMissingParameter)
	})
}

func TestDescribeAddressesFilters(t *testing.T) {
	e := newEnv(t, "[pricing]\npublic_ipv4_hourly = \"0.0075\"\n")
	id := e.launchRunning(use1, 1)[0]
	onInst := e.allocate(use1)
	assoc := e.associate(use1, &ec2.AssociateAddressInput{AllocationId: onInst.AllocationId, InstanceId: id})
	ni := e.createENI(use1, &ec2.CreateNetworkInterfaceInput{AvailabilityZone: "us-east-1b", PrivateIpAddress: "172.31.16.77"})
	onENI := e.allocate(use1)
	e.associate(use1, &ec2.AssociateAddressInput{AllocationId: onENI.AllocationId, NetworkInterfaceId: ni.NetworkInterfaceId})
	tagged, err := e.c.AllocateAddress(e.ctx, use1, &ec2.AllocateAddressInput{TagSpecifications: []ec2.TagSpecification{{ResourceType: "elastic-ip", Tags: []ec2.Tag{{Key: "env", Value: "prod"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	west := e.allocate(usw2)
	all := []string{onInst.AllocationId, onENI.AllocationId, tagged.AllocationId}
	instPriv := e.get(use1, id).PrivateIpAddress
	cases := []struct {
		name string
		fs   []ec2.Filter
		want []string
	}{
		{"none", nil, all},
		{"instance-id", []ec2.Filter{newFilter("instance-id", id)}, []string{onInst.AllocationId}},
		{"association-id", []ec2.Filter{newFilter("association-id", assoc)}, []string{onInst.AllocationId}},
		{"public-ip", []ec2.Filter{newFilter("public-ip", onENI.PublicIp)}, []string{onENI.AllocationId}},
		{"public-ip wildcard", []ec2.Filter{newFilter("public-ip", "198.18.*")}, all},
		{"allocation-id, two values", []ec2.Filter{newFilter("allocation-id", tagged.AllocationId, onInst.AllocationId)}, []string{tagged.AllocationId, onInst.AllocationId}},
		{"network-interface-id", []ec2.Filter{newFilter("network-interface-id", ni.NetworkInterfaceId)}, []string{onENI.AllocationId}},
		{"private-ip-address", []ec2.Filter{newFilter("private-ip-address", instPriv, "172.31.16.77")}, []string{onInst.AllocationId, onENI.AllocationId}},
		{"domain", []ec2.Filter{newFilter("domain", "vpc")}, all},
		{"domain standard", []ec2.Filter{newFilter("domain", "standard")}, nil},
		{"tag:env", []ec2.Filter{newFilter("tag:env", "prod")}, []string{tagged.AllocationId}},
		{"tag-key", []ec2.Filter{newFilter("tag-key", "env")}, []string{tagged.AllocationId}},
		{"two filters AND", []ec2.Filter{newFilter("domain", "vpc"), newFilter("instance-id", id)}, []string{onInst.AllocationId}},
		{"another region's address", []ec2.Filter{newFilter("allocation-id", west.AllocationId)}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := e.addresses(use1, tc.fs...)
			if !sameSet(allocIDs(got), tc.want) {
				t.Fatalf("got %v, want %v", allocIDs(got), tc.want)
			}
			// Every public IPv4 costs the configured rate, associated or idle.
			for _, a := range got {
				if a.HourlyCharge != "0.0075" {
					t.Errorf("%s: HourlyCharge %q, want the configured 0.0075", a.AllocationId, a.HourlyCharge)
				}
			}
		})
	}
	t.Run("ordered by public IP", func(t *testing.T) {
		got := e.addresses(use1)
		for i := 1; i < len(got); i++ {
			if !mustAddr(got[i-1].PublicIp).Less(mustAddr(got[i].PublicIp)) {
				t.Fatalf("not ordered: %s before %s", got[i-1].PublicIp, got[i].PublicIp)
			}
		}
	})
	errCases := []struct {
		name string
		in   ec2.DescribeAddressesInput
		code string
	}{
		{"unknown filter", ec2.DescribeAddressesInput{Filters: []ec2.Filter{newFilter("colour", "red")}}, ec2.CodeInvalidParameterValue},
		{"filter without values", ec2.DescribeAddressesInput{Filters: []ec2.Filter{{Name: "domain"}}}, ec2.CodeInvalidParameterValue},
		{"unknown allocation ID", ec2.DescribeAddressesInput{AllocationIds: []string{"eipalloc-0123456789abcdef0"}}, ec2.CodeInvalidAllocationIDNotFound},
		{"another region's allocation ID", ec2.DescribeAddressesInput{AllocationIds: []string{west.AllocationId}}, ec2.CodeInvalidAllocationIDNotFound},
		{"unknown public IP", ec2.DescribeAddressesInput{PublicIps: []string{"198.51.100.7"}}, ec2.CodeInvalidAddressNotFound},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.c.DescribeAddresses(e.ctx, use1, &tc.in)
			wantCode(t, err, tc.code)
		})
	}
	t.Run("default charge", func(t *testing.T) {
		d := newEnv(t, "")
		a := d.allocate(use1)
		if got := d.address(use1, a.AllocationId).HourlyCharge; got != "0.005" {
			t.Fatalf("HourlyCharge %q, want AWS's 0.005", got)
		}
	})
}
