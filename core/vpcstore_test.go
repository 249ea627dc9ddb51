package core

import (
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/store"
	"github.com/rs/zerolog"
)

// TestNetworkRecordFromBeforeManyVpcs: a region's network record as
// stores held it when the default VPC was the only one (no Vpcs list,
// subnets without a VpcId or MapPublicIpOnLaunch) loads into that VPC,
// its subnets default and mapping public IPs; the first change writes
// the record whole, and VPCs made then survive a restart.
func TestNetworkRecordFromBeforeManyVpcs(t *testing.T) {
	e := newEnv(t, "")
	inst := e.launch(use1, 1)[0]
	before := describeVpcs(t, e)
	if len(before) != 1 {
		t.Fatalf("%d VPCs in a new region", len(before))
	}
	old := before[0]

	// The record rewritten in the old shape, with the daemon down.
	e.close()
	st, err := store.Open(e.ctx, e.dir, store.Options{NoSync: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	key := store.Key("net", use1)
	var rec map[string]any
	if err := st.Get(e.ctx, key, &rec); err != nil {
		t.Fatal(err)
	}
	legacy := map[string]any{"Region": rec["Region"], "VpcId": rec["VpcId"], "CidrBlock": rec["CidrBlock"], "DefaultGroupId": rec["DefaultGroupId"]}
	var subs []any
	for _, s := range rec["Subnets"].([]any) {
		m := s.(map[string]any)
		subs = append(subs, map[string]any{"SubnetId": m["SubnetId"], "AvailabilityZone": m["AvailabilityZone"], "CidrBlock": m["CidrBlock"], "DefaultForAz": m["DefaultForAz"]})
	}
	legacy["Subnets"] = subs
	b := store.NewBatch()
	b.Put(key, legacy)
	if err := st.Commit(e.ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(e.ctx); err != nil {
		t.Fatal(err)
	}
	e.open()

	check := func(t *testing.T) {
		vs := describeVpcs(t, e)
		var dflt *ec2.Vpc
		for i := range vs {
			if vs[i].IsDefault {
				dflt = &vs[i]
			}
		}
		if dflt == nil || dflt.VpcId != old.VpcId || dflt.CidrBlock != old.CidrBlock || len(dflt.CidrBlockAssociationSet) != 1 {
			t.Fatalf("default VPC %+v, want %s %s with one block", dflt, old.VpcId, old.CidrBlock)
		}
		for _, a := range []string{"enableDnsSupport", "enableDnsHostnames"} {
			out, err := e.c.DescribeVpcAttribute(e.ctx, use1, &ec2.DescribeVpcAttributeInput{VpcId: old.VpcId, Attribute: a})
			if err != nil {
				t.Fatal(err)
			}
			v := out.EnableDnsSupport
			if a == "enableDnsHostnames" {
				v = out.EnableDnsHostnames
			}
			if v == nil || v.Value == nil || !*v.Value {
				t.Errorf("default VPC %s off", a)
			}
		}
		subs, err := e.c.DescribeSubnets(e.ctx, use1, &ec2.DescribeSubnetsInput{Filters: []ec2.Filter{{Name: "default-for-az", Values: []string{"true"}}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(subs.Subnets) == 0 {
			t.Fatal("no default subnets")
		}
		for _, s := range subs.Subnets {
			if s.VpcId != old.VpcId || !s.MapPublicIpOnLaunch {
				t.Errorf("subnet %s in %q mapping public IPs %v, want in %s and mapping", s.SubnetId, s.VpcId, s.MapPublicIpOnLaunch, old.VpcId)
			}
		}
		d, err := e.c.DescribeInstances(e.ctx, use1, &ec2.DescribeInstancesInput{InstanceIds: []string{inst}})
		if err != nil || d.Instances[0].VpcId != old.VpcId {
			t.Errorf("the instance launched before: %+v, %v", d, err)
		}
	}
	t.Run("loaded from the old record", check)

	v, err := e.c.CreateVpc(e.ctx, use1, &ec2.CreateVpcInput{CidrBlock: "10.60.0.0/16"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.CreateSubnet(e.ctx, use1, &ec2.CreateSubnetInput{VpcId: v.Vpc.VpcId, CidrBlock: "10.60.1.0/24"}); err != nil {
		t.Fatal(err)
	}
	e.reopen()
	t.Run("rewritten whole by the first change", func(t *testing.T) {
		check(t)
		if vs := describeVpcs(t, e); len(vs) != 2 {
			t.Errorf("%d VPCs after a restart, want the default and 10.60.0.0/16", len(vs))
		}
		s, err := e.c.DescribeSubnets(e.ctx, use1, &ec2.DescribeSubnetsInput{Filters: []ec2.Filter{{Name: "vpc-id", Values: []string{v.Vpc.VpcId}}}})
		if err != nil || len(s.Subnets) != 1 || s.Subnets[0].MapPublicIpOnLaunch {
			t.Errorf("the new VPC's subnet: %+v, %v", s, err)
		}
	})
	// The instance's new public IP: only a subnet that maps one gives it.
	out := e.run(use1, &ec2.RunInstancesInput{MinCount: 1, MaxCount: 1})
	if out.Instances[0].PublicIpAddress == "" {
		t.Error("a launch in a default subnet loaded from the old record got no public IP")
	}
}

// describeVpcs lists us-east-1's VPCs.
func describeVpcs(t *testing.T, e *env) []ec2.Vpc {
	t.Helper()
	out, err := e.c.DescribeVpcs(e.ctx, use1, &ec2.DescribeVpcsInput{})
	if err != nil {
		t.Fatal(err)
	}
	return out.Vpcs
}
