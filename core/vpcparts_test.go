package core

import (
	"bytes"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/store"
)

// defaultParts are the IDs of the default VPC's parts in a region.
type defaultParts struct{ table, gateway, acl, dhcp string }

// readDefaultParts reads them, failing unless the default VPC has one of
// each: a main table whose default route goes to its attached gateway, a
// default ACL and a DHCP options set that exists.
func (e *env) readDefaultParts(region string) defaultParts {
	e.t.Helper()
	vpcs, err := e.c.DescribeVpcs(e.ctx, region, &ec2.DescribeVpcsInput{Filters: []ec2.Filter{{Name: "is-default", Values: []string{"true"}}}})
	if err != nil || len(vpcs.Vpcs) != 1 {
		e.t.Fatalf("the default VPC: %+v, %v", vpcs, err)
	}
	vpc := vpcs.Vpcs[0].VpcId
	byVpc := []ec2.Filter{{Name: "vpc-id", Values: []string{vpc}}}
	var p defaultParts
	g, err := e.c.DescribeInternetGateways(e.ctx, region, &ec2.DescribeInternetGatewaysInput{Filters: []ec2.Filter{{Name: "attachment.vpc-id", Values: []string{vpc}}}})
	if err != nil || len(g.InternetGateways) != 1 {
		e.t.Fatalf("the attached gateway: %+v, %v", g, err)
	}
	p.gateway = g.InternetGateways[0].InternetGatewayId
	rt, err := e.c.DescribeRouteTables(e.ctx, region, &ec2.DescribeRouteTablesInput{Filters: append(byVpc, ec2.Filter{Name: "association.main", Values: []string{"true"}})})
	if err != nil || len(rt.RouteTables) != 1 {
		e.t.Fatalf("the main table: %+v, %v", rt, err)
	}
	p.table = rt.RouteTables[0].RouteTableId
	if r := rt.RouteTables[0].Routes; len(r) != 2 || r[1].DestinationCidrBlock != "0.0.0.0/0" || r[1].GatewayId != p.gateway || r[1].State != "active" {
		e.t.Errorf("main table routes %+v", r)
	}
	acl, err := e.c.DescribeNetworkAcls(e.ctx, region, &ec2.DescribeNetworkAclsInput{Filters: append(byVpc, ec2.Filter{Name: "default", Values: []string{"true"}})})
	if err != nil || len(acl.NetworkAcls) != 1 {
		e.t.Fatalf("the default ACL: %+v, %v", acl, err)
	}
	p.acl = acl.NetworkAcls[0].NetworkAclId
	p.dhcp = vpcs.Vpcs[0].DhcpOptionsId
	if d, err := e.c.DescribeDhcpOptions(e.ctx, region, &ec2.DescribeDhcpOptionsInput{DhcpOptionsIds: []string{p.dhcp}}); err != nil || len(d.DhcpOptions) != 1 {
		e.t.Fatalf("the VPC's DHCP options %q: %+v, %v", p.dhcp, d, err)
	}
	return p
}

// TestOlderStoreGetsDefaultVpcParts: a store written before route tables,
// gateways, ACLs and DHCP options has none of them; the load gives the
// default VPC each, and they keep their IDs from then on.
func TestOlderStoreGetsDefaultVpcParts(t *testing.T) {
	const region = "us-east-1"
	e := newEnv(t, "")
	made := e.readDefaultParts(region)

	// Make the store what an older ec2x wrote: no records of those kinds,
	// no DHCP options named in the network.
	if err := e.c.Close(e.ctx); err != nil {
		t.Fatal(err)
	}
	b := store.NewBatch()
	for _, kind := range []string{"igw", "rtb", "acl", "dopt"} {
		err := e.st.Scan(e.ctx, kind, region, func(key, _ []byte) error { b.Delete(bytes.Clone(key)); return nil })
		if err != nil {
			t.Fatal(err)
		}
	}
	var net map[string]any
	key := store.Key("net", region)
	if err := e.st.Get(e.ctx, key, &net); err != nil {
		t.Fatal(err)
	}
	delete(net, "DefaultDhcpOptionsId")
	for _, v := range net["Vpcs"].([]any) {
		delete(v.(map[string]any), "DhcpOptionsId")
	}
	b.Put(key, net)
	if b.Len() < 5 {
		t.Fatalf("%d changes to the store, want the four parts and the network", b.Len())
	}
	if err := e.st.Commit(e.ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := e.st.Close(e.ctx); err != nil {
		t.Fatal(err)
	}
	e.c, e.st = nil, nil
	e.open()

	loaded := e.readDefaultParts(region)
	if loaded == made {
		t.Fatalf("the parts were not made again: %+v", loaded)
	}
	e.reopen()
	if again := e.readDefaultParts(region); again != loaded {
		t.Errorf("after a restart %+v, when made at load %+v", again, loaded)
	}
}
