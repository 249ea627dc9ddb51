package daemon

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestSDKVpcFromNothing builds what a script builds for a public web
// server (a VPC, two subnets in two zones, an internet gateway, a route
// table with a default route, a group with ingress and egress rules), runs
// an instance there behind an Elastic IP, and takes it all apart in the
// order EC2 requires, each wrong step refused with EC2's code.
func TestSDKVpcFromNothing(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	refused := func(what, code string, err error) {
		t.Helper()
		if got := apiCode(t, err); got != code {
			t.Errorf("%s: %s, want %s", what, got, code)
		}
	}

	v, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.40.0.0/16")})
	must(t, err)
	vpc := v.Vpc.VpcId
	var subs []*string
	for i, zone := range []string{"us-east-1a", "us-east-1b"} {
		s, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc, CidrBlock: aws.String([]string{"10.40.1.0/24", "10.40.2.0/24"}[i]), AvailabilityZone: aws.String(zone)})
		must(t, err)
		subs = append(subs, s.Subnet.SubnetId)
	}
	mainRT, err := c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{aws.ToString(vpc)}}, {Name: aws.String("association.main"), Values: []string{"true"}}}})
	must(t, err)
	if len(mainRT.RouteTables) != 1 || len(mainRT.RouteTables[0].Routes) != 1 || aws.ToString(mainRT.RouteTables[0].Routes[0].GatewayId) != "local" {
		t.Fatalf("a new VPC's main table: %+v", mainRT.RouteTables)
	}

	g, err := c.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{})
	must(t, err)
	igw := g.InternetGateway.InternetGatewayId
	rt, err := c.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: vpc})
	must(t, err)
	rtb := rt.RouteTable.RouteTableId
	_, err = c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: rtb, DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: igw})
	refused("a route to a detached gateway", "InvalidParameterValue", err)
	_, err = c.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: igw, VpcId: vpc})
	must(t, err)
	other, err := c.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{})
	must(t, err)
	_, err = c.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: other.InternetGateway.InternetGatewayId, VpcId: vpc})
	refused("a second gateway", "Resource.AlreadyAssociated", err)
	_, err = c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: rtb, DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: igw})
	must(t, err)
	_, err = c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: rtb, DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: igw})
	refused("the same route twice", "RouteAlreadyExists", err)
	_, err = c.DeleteRoute(ctx, &ec2.DeleteRouteInput{RouteTableId: rtb, DestinationCidrBlock: aws.String("10.40.0.0/16")})
	refused("the local route", "InvalidParameterValue", err)
	var assocs []*string
	for _, s := range subs {
		a, err := c.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: rtb, SubnetId: s})
		must(t, err)
		assocs = append(assocs, a.AssociationId)
	}
	_, err = c.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: mainRT.RouteTables[0].RouteTableId, SubnetId: subs[0]})
	refused("a second table for a subnet", "Resource.AlreadyAssociated", err)

	sg, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("web"), Description: aws.String("web"), VpcId: vpc})
	must(t, err)
	_, err = c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: []types.IpPermission{
		{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(80), ToPort: aws.Int32(80), IpRanges: []types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}})
	must(t, err)
	_, err = c.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: sg.GroupId, IpPermissions: []types.IpPermission{
		{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443), IpRanges: []types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}})
	must(t, err)
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), SubnetId: subs[0], SecurityGroupIds: []string{aws.ToString(sg.GroupId)}})
	must(t, err)
	inst := run.Instances[0].InstanceId
	eip, err := c.AllocateAddress(ctx, &ec2.AllocateAddressInput{Domain: types.DomainTypeVpc})
	must(t, err)
	as, err := c.AssociateAddress(ctx, &ec2.AssociateAddressInput{AllocationId: eip.AllocationId, InstanceId: inst})
	must(t, err)

	steps := []struct {
		name string
		call func() error
		code string // "" succeeds
	}{
		{"detach the gateway with an Elastic IP mapped", func() error {
			_, err := c.DetachInternetGateway(ctx, &ec2.DetachInternetGatewayInput{InternetGatewayId: igw, VpcId: vpc})
			return err
		}, "DependencyViolation"},
		{"delete the attached gateway", func() error {
			_, err := c.DeleteInternetGateway(ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: igw})
			return err
		}, "DependencyViolation"},
		{"delete the associated table", func() error {
			_, err := c.DeleteRouteTable(ctx, &ec2.DeleteRouteTableInput{RouteTableId: rtb})
			return err
		}, "DependencyViolation"},
		{"delete the VPC", func() error { _, err := c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: vpc}); return err }, "DependencyViolation"},
		{"disassociate and release the Elastic IP", func() error {
			if _, err := c.DisassociateAddress(ctx, &ec2.DisassociateAddressInput{AssociationId: as.AssociationId}); err != nil {
				return err
			}
			_, err := c.ReleaseAddress(ctx, &ec2.ReleaseAddressInput{AllocationId: eip.AllocationId})
			return err
		}, ""},
		{"terminate the instance", func() error {
			if _, err := c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{aws.ToString(inst)}}); err != nil {
				return err
			}
			w := ec2.NewInstanceTerminatedWaiter(c, func(o *ec2.InstanceTerminatedWaiterOptions) { o.MinDelay, o.MaxDelay = 20e6, 100e6 })
			return w.Wait(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{aws.ToString(inst)}}, 30*time.Second)
		}, ""},
		{"detach the gateway", func() error {
			_, err := c.DetachInternetGateway(ctx, &ec2.DetachInternetGatewayInput{InternetGatewayId: igw, VpcId: vpc})
			return err
		}, ""},
		{"the default route is a blackhole", func() error {
			d, err := c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{aws.ToString(rtb)}})
			if err == nil {
				for _, r := range d.RouteTables[0].Routes {
					if aws.ToString(r.DestinationCidrBlock) == "0.0.0.0/0" && r.State != types.RouteStateBlackhole {
						t.Errorf("the default route after the detach: %s", r.State)
					}
				}
			}
			return err
		}, ""},
		{"delete the gateways", func() error {
			if _, err := c.DeleteInternetGateway(ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: igw}); err != nil {
				return err
			}
			_, err := c.DeleteInternetGateway(ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: other.InternetGateway.InternetGatewayId})
			return err
		}, ""},
		{"disassociate the table", func() error {
			for _, a := range assocs {
				if _, err := c.DisassociateRouteTable(ctx, &ec2.DisassociateRouteTableInput{AssociationId: a}); err != nil {
					return err
				}
			}
			return nil
		}, ""},
		{"delete the VPC with its table", func() error { _, err := c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: vpc}); return err }, "DependencyViolation"},
		{"delete the table", func() error {
			_, err := c.DeleteRouteTable(ctx, &ec2.DeleteRouteTableInput{RouteTableId: rtb})
			return err
		}, ""},
		{"delete the main table", func() error {
			_, err := c.DeleteRouteTable(ctx, &ec2.DeleteRouteTableInput{RouteTableId: mainRT.RouteTables[0].RouteTableId})
			return err
		}, "DependencyViolation"},
		{"delete the subnets", func() error {
			for _, s := range subs {
				if _, err := c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: s}); err != nil {
					return err
				}
			}
			return nil
		}, ""},
		{"delete the group", func() error {
			_, err := c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: sg.GroupId})
			return err
		}, ""},
		{"delete the VPC", func() error { _, err := c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: vpc}); return err }, ""},
		{"its main table went with it", func() error {
			_, err := c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{aws.ToString(mainRT.RouteTables[0].RouteTableId)}})
			return err
		}, "InvalidRouteTableID.NotFound"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			err := st.call()
			switch {
			case st.code == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case st.code != "":
				if code := apiCode(t, err); code != st.code {
					t.Fatalf("code %s, want %s", code, st.code)
				}
			}
		})
	}
}

// TestSDKElasticIPNeedsAGateway: an Elastic IP cannot be associated with
// an instance in a VPC that has no internet gateway, as in EC2.
func TestSDKElasticIPNeedsAGateway(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	v, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.50.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: v.Vpc.VpcId, CidrBlock: aws.String("10.50.0.0/24")})
	if err != nil {
		t.Fatal(err)
	}
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), SubnetId: s.Subnet.SubnetId})
	if err != nil {
		t.Fatal(err)
	}
	eip, err := c.AllocateAddress(ctx, &ec2.AllocateAddressInput{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.AssociateAddress(ctx, &ec2.AssociateAddressInput{AllocationId: eip.AllocationId, InstanceId: run.Instances[0].InstanceId})
	if code := apiCode(t, err); code != "Gateway.NotAttached" {
		t.Errorf("AssociateAddress in a VPC without a gateway: %s, want Gateway.NotAttached", code)
	}
}

// TestSDKDhcpOptions: every VPC has Amazon's DHCP options set until given
// another; a set in use cannot be deleted.
func TestSDKDhcpOptions(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	v, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.60.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	vpc := v.Vpc.VpcId
	amazon := aws.ToString(v.Vpc.DhcpOptionsId)
	d, err := c.DescribeDhcpOptions(ctx, &ec2.DescribeDhcpOptionsInput{DhcpOptionsIds: []string{amazon}})
	if err != nil || len(d.DhcpOptions) != 1 {
		t.Fatalf("the VPC's set %q: %+v, %v", amazon, d, err)
	}
	if c := d.DhcpOptions[0].DhcpConfigurations; len(c) != 2 || aws.ToString(c[0].Values[0].Value) != "ec2.internal" {
		t.Errorf("Amazon's set: %+v", c)
	}
	_, err = c.CreateDhcpOptions(ctx, &ec2.CreateDhcpOptionsInput{DhcpConfigurations: []types.NewDhcpConfiguration{{Key: aws.String("domain-name-servers"), Values: []string{"not-an-ip"}}}})
	if code := apiCode(t, err); code != "InvalidParameterValue" {
		t.Errorf("a server that is not an address: %s", code)
	}
	mine, err := c.CreateDhcpOptions(ctx, &ec2.CreateDhcpOptionsInput{DhcpConfigurations: []types.NewDhcpConfiguration{
		{Key: aws.String("domain-name"), Values: []string{"lab.example"}}, {Key: aws.String("domain-name-servers"), Values: []string{"10.60.0.2", "10.60.0.3"}}}})
	if err != nil {
		t.Fatal(err)
	}
	id := mine.DhcpOptions.DhcpOptionsId
	if _, err := c.AssociateDhcpOptions(ctx, &ec2.AssociateDhcpOptionsInput{DhcpOptionsId: id, VpcId: vpc}); err != nil {
		t.Fatal(err)
	}
	got, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{{Name: aws.String("dhcp-options-id"), Values: []string{aws.ToString(id)}}}})
	if err != nil || len(got.Vpcs) != 1 || aws.ToString(got.Vpcs[0].VpcId) != aws.ToString(vpc) {
		t.Fatalf("VPCs with the new set: %+v, %v", got, err)
	}
	_, err = c.DeleteDhcpOptions(ctx, &ec2.DeleteDhcpOptionsInput{DhcpOptionsId: id})
	if code := apiCode(t, err); code != "DependencyViolation" {
		t.Errorf("deleting a set in use: %s", code)
	}
	if _, err := c.AssociateDhcpOptions(ctx, &ec2.AssociateDhcpOptionsInput{DhcpOptionsId: aws.String("default"), VpcId: vpc}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteDhcpOptions(ctx, &ec2.DeleteDhcpOptionsInput{DhcpOptionsId: id}); err != nil {
		t.Fatalf("deleting a set no VPC uses: %v", err)
	}
	_, err = c.DeleteDhcpOptions(ctx, &ec2.DeleteDhcpOptionsInput{DhcpOptionsId: id})
	if code := apiCode(t, err); code != "InvalidDhcpOptionID.NotFound" {
		t.Errorf("deleting it again: %s", code)
	}
}

// TestSDKNetworkAcls: a VPC's default ACL allows everything and holds
// every subnet until one moves to an ACL of its own; rules are numbered
// per direction; an ACL in use or the default one cannot be deleted.
func TestSDKNetworkAcls(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	v, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.70.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	vpc := v.Vpc.VpcId
	sub, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc, CidrBlock: aws.String("10.70.1.0/24")})
	if err != nil {
		t.Fatal(err)
	}
	def, err := c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: []types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{aws.ToString(vpc)}}, {Name: aws.String("default"), Values: []string{"true"}}}})
	if err != nil || len(def.NetworkAcls) != 1 {
		t.Fatalf("the VPC's default ACL: %+v, %v", def, err)
	}
	d := def.NetworkAcls[0]
	if len(d.Entries) != 4 || len(d.Associations) != 1 || aws.ToString(d.Associations[0].SubnetId) != aws.ToString(sub.Subnet.SubnetId) {
		t.Fatalf("default ACL: %d entries (want allow and deny each way), associations %+v", len(d.Entries), d.Associations)
	}
	own, err := c.CreateNetworkAcl(ctx, &ec2.CreateNetworkAclInput{VpcId: vpc})
	if err != nil {
		t.Fatal(err)
	}
	acl := own.NetworkAcl.NetworkAclId
	entry := func(rule int32, egress bool, port int32) *ec2.CreateNetworkAclEntryInput {
		return &ec2.CreateNetworkAclEntryInput{NetworkAclId: acl, RuleNumber: aws.Int32(rule), Egress: aws.Bool(egress), Protocol: aws.String("6"),
			RuleAction: types.RuleActionAllow, CidrBlock: aws.String("0.0.0.0/0"), PortRange: &types.PortRange{From: aws.Int32(port), To: aws.Int32(port)}}
	}
	if _, err := c.CreateNetworkAclEntry(ctx, entry(100, false, 22)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateNetworkAclEntry(ctx, entry(100, true, 22)); err != nil {
		t.Fatalf("the same number the other way: %v", err)
	}
	cases := []struct {
		name string
		err  error
		code string
	}{
		{"a number taken", func() error { _, err := c.CreateNetworkAclEntry(ctx, entry(100, false, 80)); return err }(), "NetworkAclEntryAlreadyExists"},
		{"a number out of range", func() error { _, err := c.CreateNetworkAclEntry(ctx, entry(32767, false, 80)); return err }(), "InvalidParameterValue"},
		{"replacing a rule that is not there", func() error {
			e := entry(200, false, 80)
			_, err := c.ReplaceNetworkAclEntry(ctx, &ec2.ReplaceNetworkAclEntryInput{NetworkAclId: e.NetworkAclId, RuleNumber: e.RuleNumber, Egress: e.Egress,
				Protocol: e.Protocol, RuleAction: e.RuleAction, CidrBlock: e.CidrBlock, PortRange: e.PortRange})
			return err
		}(), "InvalidNetworkAclEntry.NotFound"},
		{"deleting the default ACL", func() error {
			_, err := c.DeleteNetworkAcl(ctx, &ec2.DeleteNetworkAclInput{NetworkAclId: d.NetworkAclId})
			return err
		}(), "InvalidParameterValue"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if code := apiCode(t, tc.err); code != tc.code {
				t.Errorf("code %s, want %s", code, tc.code)
			}
		})
	}
	moved, err := c.ReplaceNetworkAclAssociation(ctx, &ec2.ReplaceNetworkAclAssociationInput{AssociationId: d.Associations[0].NetworkAclAssociationId, NetworkAclId: acl})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{NetworkAclIds: []string{aws.ToString(acl)}})
	if err != nil || len(got.NetworkAcls[0].Associations) != 1 || aws.ToString(got.NetworkAcls[0].Associations[0].NetworkAclAssociationId) != aws.ToString(moved.NewAssociationId) {
		t.Fatalf("after the move: %+v, %v", got, err)
	}
	_, err = c.DeleteNetworkAcl(ctx, &ec2.DeleteNetworkAclInput{NetworkAclId: acl})
	if code := apiCode(t, err); code != "DependencyViolation" {
		t.Errorf("deleting an ACL in use: %s", code)
	}
	_, err = c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: vpc})
	if code := apiCode(t, err); code != "DependencyViolation" {
		t.Errorf("deleting the VPC: %s", code)
	}
	if _, err := c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: sub.Subnet.SubnetId}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteNetworkAcl(ctx, &ec2.DeleteNetworkAclInput{NetworkAclId: acl}); err != nil {
		t.Fatalf("an ACL whose subnet is gone: %v", err)
	}
	if _, err := c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: vpc}); err != nil {
		t.Fatal(err)
	}
}
