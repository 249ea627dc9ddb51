package daemon

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestSDKRouteTargetsAndAssociations: routes to interfaces and instances
// (blackhole while the interface is attached to nothing), ReplaceRoute,
// the local route kept, the main association moved to another table,
// gateway associations, and DescribeRouteTables' filters and pages.
func TestSDKRouteTargetsAndAssociations(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	v, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.90.0.0/16")})
	must(t, err)
	vpc := v.Vpc.VpcId
	sub, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc, CidrBlock: aws.String("10.90.1.0/24")})
	must(t, err)
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), SubnetId: sub.Subnet.SubnetId})
	must(t, err)
	inst := aws.ToString(run.Instances[0].InstanceId)
	instENI := aws.ToString(run.Instances[0].NetworkInterfaces[0].NetworkInterfaceId)
	eni, err := c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: sub.Subnet.SubnetId})
	must(t, err)
	loose := aws.ToString(eni.NetworkInterface.NetworkInterfaceId)
	main, err := c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{aws.ToString(vpc)}}, {Name: aws.String("association.main"), Values: []string{"true"}}}})
	must(t, err)
	mainID := aws.ToString(main.RouteTables[0].RouteTableId)
	mainAssoc := main.RouteTables[0].Associations[0].RouteTableAssociationId
	rt, err := c.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: vpc, TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeRouteTable,
		Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("app")}}}}})
	must(t, err)
	rtb := rt.RouteTable.RouteTableId
	if r := rt.RouteTable.Routes; len(r) != 1 || aws.ToString(r[0].GatewayId) != "local" || aws.ToString(r[0].DestinationCidrBlock) != "10.90.0.0/16" {
		t.Errorf("a new table's routes: %+v", r)
	}
	spare, err := c.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: vpc})
	must(t, err)

	route := func(dest string) types.Route {
		t.Helper()
		d, err := c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{aws.ToString(rtb)}})
		must(t, err)
		for _, r := range d.RouteTables[0].Routes {
			if aws.ToString(r.DestinationCidrBlock) == dest {
				return r
			}
		}
		t.Fatalf("no route to %s in %+v", dest, d.RouteTables[0].Routes)
		return types.Route{}
	}
	t.Run("a route to an instance goes to its interface", func(t *testing.T) {
		must(t, func() error {
			_, err := c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: rtb, DestinationCidrBlock: aws.String("192.168.0.0/16"), InstanceId: aws.String(inst)})
			return err
		}())
		r := route("192.168.0.0/16")
		if aws.ToString(r.InstanceId) != inst || aws.ToString(r.NetworkInterfaceId) != instENI || r.State != types.RouteStateActive || r.Origin != types.RouteOriginCreateRoute {
			t.Errorf("route %+v", r)
		}
	})
	t.Run("replaced by a route to a loose interface, a blackhole", func(t *testing.T) {
		must(t, func() error {
			_, err := c.ReplaceRoute(ctx, &ec2.ReplaceRouteInput{RouteTableId: rtb, DestinationCidrBlock: aws.String("192.168.0.0/16"), NetworkInterfaceId: aws.String(loose)})
			return err
		}())
		r := route("192.168.0.0/16")
		if aws.ToString(r.InstanceId) != "" || aws.ToString(r.NetworkInterfaceId) != loose || r.State != types.RouteStateBlackhole {
			t.Errorf("route %+v", r)
		}
	})
	t.Run("the interface attached, the route is active and names the instance", func(t *testing.T) {
		must(t, func() error {
			_, err := c.AttachNetworkInterface(ctx, &ec2.AttachNetworkInterfaceInput{NetworkInterfaceId: aws.String(loose), InstanceId: aws.String(inst), DeviceIndex: aws.Int32(1)})
			return err
		}())
		r := route("192.168.0.0/16")
		if aws.ToString(r.InstanceId) != inst || r.State != types.RouteStateActive {
			t.Errorf("route %+v", r)
		}
	})

	other, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.91.0.0/16")})
	must(t, err)
	otherSub, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: other.Vpc.VpcId, CidrBlock: aws.String("10.91.1.0/24")})
	must(t, err)
	igw, err := c.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{})
	must(t, err)
	_, err = c.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: igw.InternetGateway.InternetGatewayId, VpcId: vpc})
	must(t, err)
	gwAssoc, err := c.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: rtb, GatewayId: igw.InternetGateway.InternetGatewayId})
	must(t, err)

	refusals := []apiRefusal{
		{"an instance with two interfaces", func() error {
			_, err := c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: rtb, DestinationCidrBlock: aws.String("192.169.0.0/16"), InstanceId: aws.String(inst)})
			return err
		}, "InvalidInstanceID"},
		{"two targets", func() error {
			_, err := c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: rtb, DestinationCidrBlock: aws.String("192.169.0.0/16"),
				NetworkInterfaceId: aws.String(loose), GatewayId: igw.InternetGateway.InternetGatewayId})
			return err
		}, "InvalidParameterCombination"},
		{"an interface of another VPC", func() error {
			e, err := c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: otherSub.Subnet.SubnetId})
			if err != nil {
				return err
			}
			_, err = c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: rtb, DestinationCidrBlock: aws.String("192.169.0.0/16"), NetworkInterfaceId: e.NetworkInterface.NetworkInterfaceId})
			return err
		}, "InvalidParameterValue"},
		{"a malformed destination", func() error {
			_, err := c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: rtb, DestinationCidrBlock: aws.String("300.0.0.0/8"), NetworkInterfaceId: aws.String(loose)})
			return err
		}, "InvalidParameterValue"},
		{"the local route again", func() error {
			_, err := c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: rtb, DestinationCidrBlock: aws.String("10.90.0.0/16"), NetworkInterfaceId: aws.String(loose)})
			return err
		}, "RouteAlreadyExists"},
		{"replace the local route", func() error {
			_, err := c.ReplaceRoute(ctx, &ec2.ReplaceRouteInput{RouteTableId: rtb, DestinationCidrBlock: aws.String("10.90.0.0/16"), NetworkInterfaceId: aws.String(loose)})
			return err
		}, "InvalidParameterValue"},
		{"replace a route that is not there", func() error {
			_, err := c.ReplaceRoute(ctx, &ec2.ReplaceRouteInput{RouteTableId: rtb, DestinationCidrBlock: aws.String("172.16.0.0/12"), NetworkInterfaceId: aws.String(loose)})
			return err
		}, "InvalidRoute.NotFound"},
		{"delete a route that is not there", func() error {
			_, err := c.DeleteRoute(ctx, &ec2.DeleteRouteInput{RouteTableId: rtb, DestinationCidrBlock: aws.String("172.16.0.0/12")})
			return err
		}, "InvalidRoute.NotFound"},
		{"a table that does not exist", func() error {
			_, err := c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String("rtb-0123456789abcdef0"), DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: igw.InternetGateway.InternetGatewayId})
			return err
		}, "InvalidRouteTableID.NotFound"},
		{"a malformed table ID", func() error {
			_, err := c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{"table-1"}})
			return err
		}, "InvalidRouteTableId.Malformed"},
		{"a subnet of another VPC", func() error {
			_, err := c.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: rtb, SubnetId: otherSub.Subnet.SubnetId})
			return err
		}, "InvalidParameterValue"},
		{"a gateway with a table already", func() error {
			_, err := c.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: spare.RouteTable.RouteTableId, GatewayId: igw.InternetGateway.InternetGatewayId})
			return err
		}, "Resource.AlreadyAssociated"},
		{"disassociate the main association", func() error {
			_, err := c.DisassociateRouteTable(ctx, &ec2.DisassociateRouteTableInput{AssociationId: mainAssoc})
			return err
		}, "InvalidParameterValue"},
		{"an association that does not exist", func() error {
			_, err := c.DisassociateRouteTable(ctx, &ec2.DisassociateRouteTableInput{AssociationId: aws.String("rtbassoc-0123456789abcdef0")})
			return err
		}, "InvalidAssociationID.NotFound"},
		{"the main association to another VPC's table", func() error {
			o, err := c.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: other.Vpc.VpcId})
			if err != nil {
				return err
			}
			_, err = c.ReplaceRouteTableAssociation(ctx, &ec2.ReplaceRouteTableAssociationInput{AssociationId: mainAssoc, RouteTableId: o.RouteTable.RouteTableId})
			return err
		}, "InvalidParameterValue"},
		{"delete the main table", func() error {
			_, err := c.DeleteRouteTable(ctx, &ec2.DeleteRouteTableInput{RouteTableId: aws.String(mainID)})
			return err
		}, "DependencyViolation"},
	}
	wantRefusals(t, refusals)

	tablesOf := func(filters ...types.Filter) []string {
		t.Helper()
		d, err := c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: append(filters, types.Filter{Name: aws.String("vpc-id"), Values: []string{aws.ToString(vpc)}})})
		must(t, err)
		var ids []string
		for _, x := range d.RouteTables {
			ids = append(ids, aws.ToString(x.RouteTableId))
		}
		slices.Sort(ids)
		return ids
	}
	sorted := func(ids ...string) []string { slices.Sort(ids); return ids }
	filters := []struct {
		name   string
		filter types.Filter
		want   []string
	}{
		{"association.main=false leaves out tables with no association", types.Filter{Name: aws.String("association.main"), Values: []string{"false"}}, []string{aws.ToString(rtb)}},
		{"association.main=true", types.Filter{Name: aws.String("association.main"), Values: []string{"true"}}, []string{mainID}},
		{"association.gateway-id", types.Filter{Name: aws.String("association.gateway-id"), Values: []string{aws.ToString(igw.InternetGateway.InternetGatewayId)}}, []string{aws.ToString(rtb)}},
		{"route.network-interface-id", types.Filter{Name: aws.String("route.network-interface-id"), Values: []string{loose}}, []string{aws.ToString(rtb)}},
		{"route.instance-id", types.Filter{Name: aws.String("route.instance-id"), Values: []string{inst}}, []string{aws.ToString(rtb)}},
		{"route.gateway-id local", types.Filter{Name: aws.String("route.gateway-id"), Values: []string{"local"}}, sorted(mainID, aws.ToString(rtb), aws.ToString(spare.RouteTable.RouteTableId))},
		{"route.destination-cidr-block", types.Filter{Name: aws.String("route.destination-cidr-block"), Values: []string{"192.168.0.0/16"}}, []string{aws.ToString(rtb)}},
		{"tag:Name", types.Filter{Name: aws.String("tag:Name"), Values: []string{"app"}}, []string{aws.ToString(rtb)}},
		{"route.nat-gateway-id, a target ec2x has not", types.Filter{Name: aws.String("route.nat-gateway-id"), Values: []string{"nat-0123456789abcdef0"}}, nil},
	}
	for _, f := range filters {
		t.Run("filter "+f.name, func(t *testing.T) {
			if got := tablesOf(f.filter); !slices.Equal(got, f.want) {
				t.Errorf("got %v, want %v", got, f.want)
			}
		})
	}

	t.Run("the main association moves, and the old main table may go", func(t *testing.T) {
		moved, err := c.ReplaceRouteTableAssociation(ctx, &ec2.ReplaceRouteTableAssociationInput{AssociationId: mainAssoc, RouteTableId: spare.RouteTable.RouteTableId})
		must(t, err)
		if got := tablesOf(types.Filter{Name: aws.String("association.main"), Values: []string{"true"}}); !slices.Equal(got, []string{aws.ToString(spare.RouteTable.RouteTableId)}) {
			t.Errorf("main table now %v", got)
		}
		_, err = c.DisassociateRouteTable(ctx, &ec2.DisassociateRouteTableInput{AssociationId: moved.NewAssociationId})
		if code := apiCode(t, err); code != "InvalidParameterValue" {
			t.Errorf("disassociating the moved main association: %s", code)
		}
		must(t, func() error {
			_, err := c.DeleteRouteTable(ctx, &ec2.DeleteRouteTableInput{RouteTableId: aws.String(mainID)})
			return err
		}())
	})
	t.Run("a subnet's association moves", func(t *testing.T) {
		a, err := c.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: rtb, SubnetId: sub.Subnet.SubnetId})
		must(t, err)
		n, err := c.ReplaceRouteTableAssociation(ctx, &ec2.ReplaceRouteTableAssociationInput{AssociationId: a.AssociationId, RouteTableId: spare.RouteTable.RouteTableId})
		must(t, err)
		got := tablesOf(types.Filter{Name: aws.String("association.subnet-id"), Values: []string{aws.ToString(sub.Subnet.SubnetId)}})
		if !slices.Equal(got, []string{aws.ToString(spare.RouteTable.RouteTableId)}) {
			t.Errorf("the subnet's table %v", got)
		}
		got = tablesOf(types.Filter{Name: aws.String("association.route-table-association-id"), Values: []string{aws.ToString(n.NewAssociationId)}})
		if !slices.Equal(got, []string{aws.ToString(spare.RouteTable.RouteTableId)}) {
			t.Errorf("the new association's table %v", got)
		}
	})
	t.Run("the gateway's association ends", func(t *testing.T) {
		must(t, func() error {
			_, err := c.DisassociateRouteTable(ctx, &ec2.DisassociateRouteTableInput{AssociationId: gwAssoc.AssociationId})
			return err
		}())
		if _, err := c.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: spare.RouteTable.RouteTableId, GatewayId: igw.InternetGateway.InternetGatewayId}); err != nil {
			t.Errorf("another table for the gateway once it has none: %v", err)
		}
	})
	t.Run("a deleted subnet's association goes with it", func(t *testing.T) {
		s2, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc, CidrBlock: aws.String("10.90.2.0/24")})
		must(t, err)
		_, err = c.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: rtb, SubnetId: s2.Subnet.SubnetId})
		must(t, err)
		_, err = c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: s2.Subnet.SubnetId})
		must(t, err)
		if got := tablesOf(types.Filter{Name: aws.String("association.subnet-id"), Values: []string{aws.ToString(s2.Subnet.SubnetId)}}); len(got) != 0 {
			t.Errorf("tables of the deleted subnet: %v", got)
		}
	})
	t.Run("pages", func(t *testing.T) {
		for range 4 {
			_, err := c.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: vpc})
			must(t, err)
		}
		all, err := c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{})
		must(t, err)
		seen := map[string]bool{}
		p := ec2.NewDescribeRouteTablesPaginator(c, &ec2.DescribeRouteTablesInput{MaxResults: aws.Int32(5)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			must(t, err)
			if len(out.RouteTables) > 5 {
				t.Errorf("a page of %d", len(out.RouteTables))
			}
			for _, x := range out.RouteTables {
				seen[aws.ToString(x.RouteTableId)] = true
			}
		}
		if len(seen) != len(all.RouteTables) || len(seen) < 6 {
			t.Errorf("paged %d tables, all at once %d", len(seen), len(all.RouteTables))
		}
		_, err = c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{MaxResults: aws.Int32(4)})
		if code := apiCode(t, err); code != "InvalidParameterValue" {
			t.Errorf("MaxResults 4: %s", code)
		}
	})
}
