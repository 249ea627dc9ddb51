package daemon

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// vpcPartIDs are the IDs of what EC2 makes with a default VPC.
type vpcPartIDs struct{ vpc, table, gateway, acl, dhcp string }

// defaultVpcParts reads the default VPC's parts and checks their shape:
// a main table with the local route and a default route to the attached
// gateway, a default ACL that allows everything, Amazon's DHCP options.
func defaultVpcParts(t *testing.T, c *ec2.Client) vpcPartIDs {
	t.Helper()
	ctx := context.Background()
	v, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{{Name: aws.String("is-default"), Values: []string{"true"}}}})
	if err != nil || len(v.Vpcs) != 1 {
		t.Fatalf("the default VPC: %+v, %v", v, err)
	}
	vpc := v.Vpcs[0]
	ids := vpcPartIDs{vpc: aws.ToString(vpc.VpcId), dhcp: aws.ToString(vpc.DhcpOptionsId)}
	byVpc := []types.Filter{{Name: aws.String("vpc-id"), Values: []string{ids.vpc}}}

	rt, err := c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: byVpc})
	if err != nil || len(rt.RouteTables) != 1 {
		t.Fatalf("the default VPC's route tables: %+v, %v", rt, err)
	}
	table := rt.RouteTables[0]
	ids.table = aws.ToString(table.RouteTableId)
	if len(table.Associations) != 1 || !aws.ToBool(table.Associations[0].Main) {
		t.Errorf("main table associations: %+v", table.Associations)
	}
	g, err := c.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{Filters: []types.Filter{{Name: aws.String("attachment.vpc-id"), Values: []string{ids.vpc}}}})
	if err != nil || len(g.InternetGateways) != 1 {
		t.Fatalf("the default VPC's gateway: %+v, %v", g, err)
	}
	ids.gateway = aws.ToString(g.InternetGateways[0].InternetGatewayId)
	if a := g.InternetGateways[0].Attachments; len(a) != 1 || a[0].State != "available" {
		t.Errorf("gateway attachments: %+v", a)
	}
	type route struct{ dest, target, state string }
	var routes []route
	for _, r := range table.Routes {
		routes = append(routes, route{aws.ToString(r.DestinationCidrBlock), aws.ToString(r.GatewayId), string(r.State)})
	}
	want := []route{{aws.ToString(vpc.CidrBlock), "local", "active"}, {"0.0.0.0/0", ids.gateway, "active"}}
	if len(routes) != len(want) || routes[0] != want[0] || routes[1] != want[1] {
		t.Errorf("main table routes %+v, want %+v", routes, want)
	}

	acl, err := c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: byVpc})
	if err != nil || len(acl.NetworkAcls) != 1 || !aws.ToBool(acl.NetworkAcls[0].IsDefault) {
		t.Fatalf("the default VPC's ACLs: %+v, %v", acl, err)
	}
	ids.acl = aws.ToString(acl.NetworkAcls[0].NetworkAclId)
	type entry struct {
		rule   int32
		egress bool
		action types.RuleAction
	}
	var entries []entry
	for _, e := range acl.NetworkAcls[0].Entries {
		entries = append(entries, entry{aws.ToInt32(e.RuleNumber), aws.ToBool(e.Egress), e.RuleAction})
	}
	wantE := []entry{{100, true, "allow"}, {32767, true, "deny"}, {100, false, "allow"}, {32767, false, "deny"}}
	if len(entries) != 4 || entries[0] != wantE[0] || entries[1] != wantE[1] || entries[2] != wantE[2] || entries[3] != wantE[3] {
		t.Errorf("default ACL entries %+v, want %+v", entries, wantE)
	}
	d, err := c.DescribeDhcpOptions(ctx, &ec2.DescribeDhcpOptionsInput{DhcpOptionsIds: []string{ids.dhcp}})
	if err != nil || len(d.DhcpOptions) != 1 {
		t.Fatalf("the default VPC's DHCP options %q: %+v, %v", ids.dhcp, d, err)
	}
	return ids
}

// TestSDKDefaultVpcParts: a fresh region's default VPC has a main route
// table sending 0.0.0.0/0 to an attached internet gateway, a default ACL
// and Amazon's DHCP options, and a restart keeps every one of their IDs.
func TestSDKDefaultVpcParts(t *testing.T) {
	home := t.TempDir()
	d := runDaemon(t, home, ec2Config)
	c := newSDK("http://"+d.ec2, testKey, testSecret)
	var before vpcPartIDs
	t.Run("fresh", func(t *testing.T) { before = defaultVpcParts(t, c) })

	d.cancel()
	<-d.exited
	d = runDaemon(t, home, ec2Config)
	c = newSDK("http://"+d.ec2, testKey, testSecret)
	t.Run("after a restart", func(t *testing.T) {
		if after := defaultVpcParts(t, c); after != before {
			t.Errorf("after a restart %+v, before %+v", after, before)
		}
	})
}

// TestSDKInternetGateways: gateways are made detached, attach to one VPC
// each, are refused where EC2 refuses them, and are described with EC2's
// filters, tags and pages.
func TestSDKInternetGateways(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	def := defaultVpcParts(t, c)
	v, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.80.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	vpc := v.Vpc.VpcId
	var gws []*string
	for _, name := range []string{"a", "b", "c", "d"} { // five with the default VPC's, EC2's quota
		g, err := c.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeInternetGateway,
			Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String(name)}}}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(g.InternetGateway.Attachments) != 0 || len(g.InternetGateway.Tags) != 1 {
			t.Errorf("a new gateway: %+v", g.InternetGateway)
		}
		gws = append(gws, g.InternetGateway.InternetGatewayId)
	}
	if _, err := c.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: gws[0], VpcId: vpc}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{aws.ToString(gws[0])}, Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}}); err != nil {
		t.Fatal(err)
	}

	refusals := []apiRefusal{
		{"a gateway attached elsewhere", func() error {
			_, err := c.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: gws[0], VpcId: aws.String(def.vpc)})
			return err
		}, "Resource.AlreadyAssociated"},
		{"a second gateway for the VPC", func() error {
			_, err := c.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: gws[1], VpcId: aws.String(def.vpc)})
			return err
		}, "Resource.AlreadyAssociated"},
		{"attach to a VPC that does not exist", func() error {
			_, err := c.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: gws[1], VpcId: aws.String("vpc-0123456789abcdef0")})
			return err
		}, "InvalidVpcID.NotFound"},
		{"detach from a VPC it is not attached to", func() error {
			_, err := c.DetachInternetGateway(ctx, &ec2.DetachInternetGatewayInput{InternetGatewayId: gws[0], VpcId: aws.String(def.vpc)})
			return err
		}, "Gateway.NotAttached"},
		{"detach a detached gateway", func() error {
			_, err := c.DetachInternetGateway(ctx, &ec2.DetachInternetGatewayInput{InternetGatewayId: gws[1], VpcId: vpc})
			return err
		}, "Gateway.NotAttached"},
		{"delete an attached gateway", func() error {
			_, err := c.DeleteInternetGateway(ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: gws[0]})
			return err
		}, "DependencyViolation"},
		{"a gateway that does not exist", func() error {
			_, err := c.DeleteInternetGateway(ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: aws.String("igw-0123456789abcdef0")})
			return err
		}, "InvalidInternetGatewayID.NotFound"},
		{"a malformed ID", func() error {
			_, err := c.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{InternetGatewayIds: []string{"gw-1"}})
			return err
		}, "InvalidInternetGatewayId.Malformed"},
		{"an unknown filter", func() error {
			_, err := c.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{Filters: []types.Filter{{Name: aws.String("color"), Values: []string{"red"}}}})
			return err
		}, "InvalidParameterValue"},
	}
	wantRefusals(t, refusals)

	filters := []struct {
		name   string
		filter types.Filter
		want   []string
	}{
		{"attachment.vpc-id", types.Filter{Name: aws.String("attachment.vpc-id"), Values: []string{aws.ToString(vpc)}}, []string{aws.ToString(gws[0])}},
		{"attachment.state", types.Filter{Name: aws.String("attachment.state"), Values: []string{"available"}}, []string{def.gateway, aws.ToString(gws[0])}},
		{"tag:Name", types.Filter{Name: aws.String("tag:Name"), Values: []string{"b", "c"}}, []string{aws.ToString(gws[1]), aws.ToString(gws[2])}},
		{"tag-key", types.Filter{Name: aws.String("tag-key"), Values: []string{"team"}}, []string{aws.ToString(gws[0])}},
		{"internet-gateway-id", types.Filter{Name: aws.String("internet-gateway-id"), Values: []string{def.gateway}}, []string{def.gateway}},
	}
	for _, f := range filters {
		t.Run("filter "+f.name, func(t *testing.T) {
			out, err := c.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{Filters: []types.Filter{f.filter}})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, g := range out.InternetGateways {
				got[aws.ToString(g.InternetGatewayId)] = true
			}
			if len(got) != len(f.want) {
				t.Fatalf("got %v, want %v", got, f.want)
			}
			for _, w := range f.want {
				if !got[w] {
					t.Errorf("got %v, want %v", got, f.want)
				}
			}
		})
	}

	t.Run("pages", func(t *testing.T) {
		out, err := c.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{MaxResults: aws.Int32(5)})
		if err != nil || len(out.InternetGateways) != 5 || out.NextToken != nil {
			t.Errorf("a page of 5: %+v, %v", out, err)
		}
		_, err = c.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{MaxResults: aws.Int32(4)})
		if code := apiCode(t, err); code != "InvalidParameterValue" {
			t.Errorf("MaxResults 4: %s", code)
		}
	})

	t.Run("detach and delete", func(t *testing.T) {
		if _, err := c.DetachInternetGateway(ctx, &ec2.DetachInternetGatewayInput{InternetGatewayId: gws[0], VpcId: vpc}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.DeleteInternetGateway(ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: gws[0]}); err != nil {
			t.Fatal(err)
		}
		_, err := c.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{InternetGatewayIds: []string{aws.ToString(gws[0])}})
		if code := apiCode(t, err); code != "InvalidInternetGatewayID.NotFound" {
			t.Errorf("a deleted gateway: %s", code)
		}
	})
}

// TestSDKEgressOnlyGateways: egress-only gateways are attached to their
// VPC from the start, take IPv6 routes and tags, and are deleted.
func TestSDKEgressOnlyGateways(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	v, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.81.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateEgressOnlyInternetGateway(ctx, &ec2.CreateEgressOnlyInternetGatewayInput{VpcId: aws.String("vpc-0123456789abcdef0")})
	if code := apiCode(t, err); code != "InvalidVpcID.NotFound" {
		t.Errorf("in a VPC that does not exist: %s", code)
	}
	g, err := c.CreateEgressOnlyInternetGateway(ctx, &ec2.CreateEgressOnlyInternetGatewayInput{VpcId: v.Vpc.VpcId,
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeEgressOnlyInternetGateway, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("out")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	eigw := g.EgressOnlyInternetGateway
	if a := eigw.Attachments; len(a) != 1 || aws.ToString(a[0].VpcId) != aws.ToString(v.Vpc.VpcId) {
		t.Errorf("attachments %+v", a)
	}
	rt, err := c.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: v.Vpc.VpcId})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: rt.RouteTable.RouteTableId, DestinationIpv6CidrBlock: aws.String("::/0"),
		EgressOnlyInternetGatewayId: eigw.EgressOnlyInternetGatewayId}); err != nil {
		t.Fatal(err)
	}
	elsewhere, err := c.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: aws.String(defaultVpcParts(t, c).vpc)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: elsewhere.RouteTable.RouteTableId, DestinationIpv6CidrBlock: aws.String("::/0"),
		EgressOnlyInternetGatewayId: eigw.EgressOnlyInternetGatewayId})
	if code := apiCode(t, err); code != "InvalidParameterValue" {
		t.Errorf("a route in another VPC's table: %s", code)
	}
	d, err := c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{
		{Name: aws.String("route.egress-only-internet-gateway-id"), Values: []string{aws.ToString(eigw.EgressOnlyInternetGatewayId)}}}})
	if err != nil || len(d.RouteTables) != 1 || aws.ToString(d.RouteTables[0].RouteTableId) != aws.ToString(rt.RouteTable.RouteTableId) {
		t.Fatalf("the table routing to it: %+v, %v", d, err)
	}
	got, err := c.DescribeEgressOnlyInternetGateways(ctx, &ec2.DescribeEgressOnlyInternetGatewaysInput{Filters: []types.Filter{{Name: aws.String("tag:Name"), Values: []string{"out"}}}})
	if err != nil || len(got.EgressOnlyInternetGateways) != 1 {
		t.Fatalf("by its tag: %+v, %v", got, err)
	}
	if _, err := c.DeleteEgressOnlyInternetGateway(ctx, &ec2.DeleteEgressOnlyInternetGatewayInput{EgressOnlyInternetGatewayId: eigw.EgressOnlyInternetGatewayId}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteEgressOnlyInternetGateway(ctx, &ec2.DeleteEgressOnlyInternetGatewayInput{EgressOnlyInternetGatewayId: eigw.EgressOnlyInternetGatewayId})
	if code := apiCode(t, err); code != "InvalidEgressOnlyInternetGatewayId.NotFound" {
		t.Errorf("deleting it again: %s", code)
	}
	d, err = c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{aws.ToString(rt.RouteTable.RouteTableId)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range d.RouteTables[0].Routes {
		if aws.ToString(r.DestinationIpv6CidrBlock) == "::/0" && r.State != types.RouteStateBlackhole {
			t.Errorf("the route to a deleted gateway: %s", r.State)
		}
	}
}
