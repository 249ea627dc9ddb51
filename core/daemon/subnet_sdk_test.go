package daemon

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
)

// subnetFixture is a VPC of its own with a secondary block and one subnet
// in each block, made through the SDK.
type subnetFixture struct {
	vpc, sub1, sub2, zoneID string
	secondary               *types.VpcCidrBlockAssociation
}

func makeSubnetFixture(t *testing.T, c *ec2.Client) subnetFixture {
	t.Helper()
	ctx := context.Background()
	v, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.40.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	f := subnetFixture{vpc: aws.ToString(v.Vpc.VpcId)}
	a, err := c.AssociateVpcCidrBlock(ctx, &ec2.AssociateVpcCidrBlockInput{VpcId: v.Vpc.VpcId, CidrBlock: aws.String("10.41.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	f.secondary = a.CidrBlockAssociation
	zones, err := c.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{ZoneNames: []string{"us-east-1b"}})
	if err != nil || len(zones.AvailabilityZones) != 1 {
		t.Fatalf("us-east-1b: %+v, %v", zones, err)
	}
	f.zoneID = aws.ToString(zones.AvailabilityZones[0].ZoneId)
	s1, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: v.Vpc.VpcId, CidrBlock: aws.String("10.40.1.0/24"), AvailabilityZone: aws.String("us-east-1a"),
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeSubnet, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("one")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	s2, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: v.Vpc.VpcId, CidrBlock: aws.String("10.41.0.0/28"), AvailabilityZoneId: aws.String(f.zoneID)})
	if err != nil {
		t.Fatalf("a subnet in the secondary block, by zone ID: %v", err)
	}
	if aws.ToString(s2.Subnet.AvailabilityZone) != "us-east-1b" || aws.ToString(s2.Subnet.AvailabilityZoneId) != f.zoneID {
		t.Errorf("by zone ID %s: zone %s, ID %s", f.zoneID, aws.ToString(s2.Subnet.AvailabilityZone), aws.ToString(s2.Subnet.AvailabilityZoneId))
	}
	f.sub1, f.sub2 = aws.ToString(s1.Subnet.SubnetId), aws.ToString(s2.Subnet.SubnetId)
	if want := "arn:aws:ec2:us-east-1:" + aws.ToString(s1.Subnet.OwnerId) + ":subnet/" + f.sub1; aws.ToString(s1.Subnet.SubnetArn) != want {
		t.Errorf("SubnetArn %s, want %s", aws.ToString(s1.Subnet.SubnetArn), want)
	}
	if n := aws.ToInt32(s2.Subnet.AvailableIpAddressCount); n != 16-5 {
		t.Errorf("a /28 has %d free addresses, want 11", n)
	}
	return f
}

// TestSDKSubnetRefusals: what EC2 refuses of subnets and VPC blocks, with
// its codes.
func TestSDKSubnetRefusals(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	f := makeSubnetFixture(t, c)
	boolValue := func(b bool) *types.AttributeBooleanValue { return &types.AttributeBooleanValue{Value: aws.Bool(b)} }
	createSubnet := func(in *ec2.CreateSubnetInput) func() error {
		return func() error {
			if in.VpcId == nil {
				in.VpcId = aws.String(f.vpc)
			}
			_, err := c.CreateSubnet(ctx, in)
			return err
		}
	}
	cases := []struct {
		name string
		call func() error
		code string
	}{
		{"a /29 subnet", createSubnet(&ec2.CreateSubnetInput{CidrBlock: aws.String("10.40.2.0/29")}), "InvalidSubnet.Range"},
		{"a subnet outside every block", createSubnet(&ec2.CreateSubnetInput{CidrBlock: aws.String("10.42.0.0/24")}), "InvalidSubnet.Range"},
		{"a subnet across two blocks", createSubnet(&ec2.CreateSubnetInput{CidrBlock: aws.String("10.40.0.0/15")}), "InvalidSubnet.Range"},
		{"a subnet over one in the secondary block", createSubnet(&ec2.CreateSubnetInput{CidrBlock: aws.String("10.41.0.0/24")}), "InvalidSubnet.Conflict"},
		{"zone and zone ID", createSubnet(&ec2.CreateSubnetInput{CidrBlock: aws.String("10.40.3.0/24"), AvailabilityZone: aws.String("us-east-1a"),
			AvailabilityZoneId: aws.String(f.zoneID)}), "InvalidParameterCombination"},
		{"an unknown zone", createSubnet(&ec2.CreateSubnetInput{CidrBlock: aws.String("10.40.3.0/24"), AvailabilityZone: aws.String("us-east-1z")}), "InvalidParameterValue"},
		{"a malformed VPC ID", createSubnet(&ec2.CreateSubnetInput{VpcId: aws.String("vpc-xyz"), CidrBlock: aws.String("10.40.3.0/24")}), "InvalidVpcID.Malformed"},
		{"two subnet attributes in one call", func() error {
			_, err := c.ModifySubnetAttribute(ctx, &ec2.ModifySubnetAttributeInput{SubnetId: aws.String(f.sub1), MapPublicIpOnLaunch: boolValue(true), EnableDns64: boolValue(true)})
			return err
		}, "InvalidParameterCombination"},
		{"IPv6 on creation without an IPv6 block", func() error {
			_, err := c.ModifySubnetAttribute(ctx, &ec2.ModifySubnetAttributeInput{SubnetId: aws.String(f.sub1), AssignIpv6AddressOnCreation: boolValue(true)})
			return err
		}, "InvalidParameterValue"},
		{"an unknown hostname type", func() error {
			_, err := c.ModifySubnetAttribute(ctx, &ec2.ModifySubnetAttributeInput{SubnetId: aws.String(f.sub1), PrivateDnsHostnameTypeOnLaunch: "fqdn"})
			return err
		}, "InvalidParameterValue"},
		{"an attribute of an unknown subnet", func() error {
			_, err := c.ModifySubnetAttribute(ctx, &ec2.ModifySubnetAttributeInput{SubnetId: aws.String("subnet-0123456789abcdef0"), MapPublicIpOnLaunch: boolValue(true)})
			return err
		}, "InvalidSubnetID.NotFound"},
		{"deleting an unknown subnet", func() error {
			_, err := c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String("subnet-0123456789abcdef0")})
			return err
		}, "InvalidSubnetID.NotFound"},
		{"deleting a malformed subnet ID", func() error {
			_, err := c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String("subnet-nope")})
			return err
		}, "InvalidSubnetID.Malformed"},
		{"a secondary block a subnet uses", func() error {
			_, err := c.DisassociateVpcCidrBlock(ctx, &ec2.DisassociateVpcCidrBlockInput{AssociationId: f.secondary.AssociationId})
			return err
		}, "InvalidCidrBlock.InUse"},
		{"an unknown block association", func() error {
			_, err := c.DisassociateVpcCidrBlock(ctx, &ec2.DisassociateVpcCidrBlockInput{AssociationId: aws.String("vpc-cidr-assoc-0123456789abcdef0")})
			return err
		}, "InvalidVpcCidrBlockAssociationID.NotFound"},
		{"a secondary block over another secondary", func() error {
			_, err := c.AssociateVpcCidrBlock(ctx, &ec2.AssociateVpcCidrBlockInput{VpcId: aws.String(f.vpc), CidrBlock: aws.String("10.41.128.0/17")})
			return err
		}, "InvalidVpc.Range"},
		{"a secondary block from another private range", func() error {
			_, err := c.AssociateVpcCidrBlock(ctx, &ec2.AssociateVpcCidrBlockInput{VpcId: aws.String(f.vpc), CidrBlock: aws.String("192.168.0.0/16")})
			return err
		}, "InvalidVpc.Range"},
		{"a secondary block from 198.19.0.0/16", func() error {
			_, err := c.AssociateVpcCidrBlock(ctx, &ec2.AssociateVpcCidrBlockInput{VpcId: aws.String(f.vpc), CidrBlock: aws.String("198.19.0.0/24")})
			return err
		}, "InvalidVpc.Range"},
		{"tenancy changed to dedicated", func() error {
			_, err := c.ModifyVpcTenancy(ctx, &ec2.ModifyVpcTenancyInput{VpcId: aws.String(f.vpc), InstanceTenancy: "dedicated"})
			return err
		}, "InvalidParameterValue"},
		{"a group in an unknown VPC", func() error {
			_, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("g"), Description: aws.String("g"), VpcId: aws.String("vpc-0123456789abcdef0")})
			return err
		}, "InvalidVpcID.NotFound"},
		{"an unknown VPC attribute", func() error {
			_, err := c.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: aws.String(f.vpc), Attribute: "enableClassicLink"})
			return err
		}, "InvalidParameterValue"},
		{"an unknown VPC in DescribeVpcs", func() error {
			_, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{"vpc-0123456789abcdef0"}})
			return err
		}, "InvalidVpcID.NotFound"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if code := apiCode(t, tc.call()); code != tc.code {
				t.Errorf("code %s, want %s", code, tc.code)
			}
		})
	}

	t.Run("two VPC attributes in one call are named", func(t *testing.T) {
		_, err := c.ModifyVpcAttribute(ctx, &ec2.ModifyVpcAttributeInput{VpcId: aws.String(f.vpc), EnableDnsSupport: boolValue(true), EnableDnsHostnames: boolValue(true)})
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidParameterCombination" ||
			ae.ErrorMessage() != "Fields for multiple attribute types specified: enableDnsSupport, enableDnsHostnames" {
			t.Errorf("got %v", err)
		}
	})

	t.Run("secondary blocks: at most five", func(t *testing.T) {
		var made []*string
		// 100.64.0.0/10 and public blocks go with any primary block.
		for _, b := range []string{"10.42.0.0/16", "100.64.0.0/16", "203.0.113.0/24"} {
			a, err := c.AssociateVpcCidrBlock(ctx, &ec2.AssociateVpcCidrBlockInput{VpcId: aws.String(f.vpc), CidrBlock: aws.String(b)})
			if err != nil {
				t.Fatalf("block %s: %v", b, err)
			}
			made = append(made, a.CidrBlockAssociation.AssociationId)
		}
		_, err := c.AssociateVpcCidrBlock(ctx, &ec2.AssociateVpcCidrBlockInput{VpcId: aws.String(f.vpc), CidrBlock: aws.String("10.45.0.0/16")})
		if code := apiCode(t, err); code != "CidrLimitExceeded" {
			t.Errorf("a sixth block: %s, want CidrLimitExceeded", code)
		}
		for _, id := range made {
			if _, err := c.DisassociateVpcCidrBlock(ctx, &ec2.DisassociateVpcCidrBlockInput{AssociationId: id}); err != nil {
				t.Fatal(err)
			}
		}
		v, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{f.vpc}})
		if err != nil || len(v.Vpcs[0].CidrBlockAssociationSet) != 2 {
			t.Fatalf("blocks after disassociating three: %+v, %v", v, err)
		}
	})
}

// TestSDKSubnetAttributesAndFilters: every attribute ModifySubnetAttribute
// sets shows in DescribeSubnets and is found by its filter; VPCs are
// found by theirs; both page; all of it survives a restart.
func TestSDKSubnetAttributesAndFilters(t *testing.T) {
	home := t.TempDir()
	d := runDaemon(t, home, ec2Config)
	c := newSDK("http://"+d.ec2, testKey, testSecret)
	ctx := context.Background()
	f := makeSubnetFixture(t, c)
	boolValue := func(b bool) *types.AttributeBooleanValue { return &types.AttributeBooleanValue{Value: aws.Bool(b)} }
	v6, err := c.AssociateVpcCidrBlock(ctx, &ec2.AssociateVpcCidrBlockInput{VpcId: aws.String(f.vpc), AmazonProvidedIpv6CidrBlock: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	block := aws.ToString(v6.Ipv6CidrBlockAssociation.Ipv6CidrBlock)
	if g := aws.ToString(v6.Ipv6CidrBlockAssociation.NetworkBorderGroup); g != "us-east-1" {
		t.Errorf("the IPv6 block's network border group %q, want the region's", g)
	}
	sub64 := strings.TrimSuffix(block, "/56") + "/64"
	if _, err := c.AssociateSubnetCidrBlock(ctx, &ec2.AssociateSubnetCidrBlockInput{SubnetId: aws.String(f.sub1), Ipv6CidrBlock: aws.String(sub64)}); err != nil {
		t.Fatal(err)
	}
	for _, in := range []*ec2.ModifySubnetAttributeInput{
		{MapPublicIpOnLaunch: boolValue(true)},
		{AssignIpv6AddressOnCreation: boolValue(true)},
		{EnableDns64: boolValue(true)},
		{PrivateDnsHostnameTypeOnLaunch: types.HostnameTypeResourceName},
		{EnableResourceNameDnsARecordOnLaunch: boolValue(true)},
		{EnableResourceNameDnsAAAARecordOnLaunch: boolValue(true)},
	} {
		in.SubnetId = aws.String(f.sub1)
		if _, err := c.ModifySubnetAttribute(ctx, in); err != nil {
			t.Fatalf("ModifySubnetAttribute %+v: %v", in, err)
		}
	}
	if _, err := c.ModifyVpcAttribute(ctx, &ec2.ModifyVpcAttributeInput{VpcId: aws.String(f.vpc), EnableNetworkAddressUsageMetrics: boolValue(true)}); err != nil {
		t.Fatal(err)
	}

	check := func(t *testing.T) {
		s, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{f.sub1}})
		if err != nil {
			t.Fatal(err)
		}
		got := s.Subnets[0]
		o := got.PrivateDnsNameOptionsOnLaunch
		if !aws.ToBool(got.MapPublicIpOnLaunch) || !aws.ToBool(got.AssignIpv6AddressOnCreation) || !aws.ToBool(got.EnableDns64) || o == nil ||
			o.HostnameType != types.HostnameTypeResourceName || !aws.ToBool(o.EnableResourceNameDnsARecord) || !aws.ToBool(o.EnableResourceNameDnsAAAARecord) {
			t.Errorf("attributes: %+v, dns %+v", got, o)
		}
		if len(got.Ipv6CidrBlockAssociationSet) != 1 || aws.ToString(got.Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock) != sub64 {
			t.Errorf("IPv6 blocks %+v, want %s", got.Ipv6CidrBlockAssociationSet, sub64)
		}
		subnetFilters := []struct {
			name, value string
			want        []string
		}{
			{"availability-zone-id", f.zoneID, []string{f.sub2}},
			{"subnet-arn", aws.ToString(got.SubnetArn), []string{f.sub1}},
			{"cidr-block", "10.41.0.0/28", []string{f.sub2}},
			{"available-ip-address-count", "11", []string{f.sub2}},
			{"map-public-ip-on-launch", "false", []string{f.sub2}},
			{"enable-dns64", "true", []string{f.sub1}},
			{"private-dns-name-options-on-launch.hostname-type", "resource-name", []string{f.sub1}},
			{"private-dns-name-options-on-launch.enable-resource-name-dns-a-record", "true", []string{f.sub1}},
			{"ipv6-cidr-block-association.ipv6-cidr-block", sub64, []string{f.sub1}},
			{"ipv6-cidr-block-association.state", "associated", []string{f.sub1}},
			{"default-for-az", "false", []string{f.sub1, f.sub2}},
			{"tag:Name", "one", []string{f.sub1}},
			{"customer-owned-ipv4-pool", "*", nil},
		}
		for _, sf := range subnetFilters {
			t.Run("subnet filter "+sf.name, func(t *testing.T) {
				out, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []types.Filter{
					{Name: aws.String("vpc-id"), Values: []string{f.vpc}}, {Name: aws.String(sf.name), Values: []string{sf.value}}}})
				if err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, x := range out.Subnets {
					ids = append(ids, aws.ToString(x.SubnetId))
				}
				if strings.Join(ids, ",") != strings.Join(sf.want, ",") {
					t.Errorf("%s=%s: %v, want %v", sf.name, sf.value, ids, sf.want)
				}
			})
		}
		vpcFilters := []struct{ name, value string }{
			{"cidr", "10.40.0.0/16"},
			{"cidr-block-association.cidr-block", "10.41.0.0/16"},
			{"cidr-block-association.association-id", aws.ToString(f.secondary.AssociationId)},
			{"ipv6-cidr-block-association.ipv6-cidr-block", block},
			{"ipv6-cidr-block-association.ipv6-pool", "Amazon"},
			{"is-default", "false"},
			{"state", "available"},
			{"owner-id", aws.ToString(got.OwnerId)},
		}
		for _, vf := range vpcFilters {
			t.Run("VPC filter "+vf.name, func(t *testing.T) {
				// Beside is-default=false: the default VPC matches some too.
				out, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{
					{Name: aws.String("is-default"), Values: []string{"false"}}, {Name: aws.String(vf.name), Values: []string{vf.value}}}})
				if err != nil {
					t.Fatal(err)
				}
				if len(out.Vpcs) != 1 || aws.ToString(out.Vpcs[0].VpcId) != f.vpc {
					t.Errorf("%s=%s: %d VPCs, want only %s", vf.name, vf.value, len(out.Vpcs), f.vpc)
				}
			})
		}
		a, err := c.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: aws.String(f.vpc), Attribute: types.VpcAttributeNameEnableNetworkAddressUsageMetrics})
		if err != nil || !aws.ToBool(a.EnableNetworkAddressUsageMetrics.Value) {
			t.Errorf("enableNetworkAddressUsageMetrics: %+v, %v", a, err)
		}
	}
	_, err = c.DisassociateVpcCidrBlock(ctx, &ec2.DisassociateVpcCidrBlockInput{AssociationId: v6.Ipv6CidrBlockAssociation.AssociationId})
	if code := apiCode(t, err); code != "InvalidCidrBlock.InUse" {
		t.Errorf("the VPC's IPv6 block while a subnet has a /64 of it: %s, want InvalidCidrBlock.InUse", code)
	}
	t.Run("before a restart", check)
	d.cancel()
	<-d.exited
	d = runDaemon(t, home, ec2Config)
	c = newSDK("http://"+d.ec2, testKey, testSecret)
	t.Run("after a restart", check)

	t.Run("paging", func(t *testing.T) {
		if _, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(f.vpc), CidrBlock: aws.String("10.40.2.0/24")}); err != nil {
			t.Fatal(err)
		}
		var pages, subnets int
		p := ec2.NewDescribeSubnetsPaginator(c, &ec2.DescribeSubnetsInput{MaxResults: aws.Int32(5)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages, subnets = pages+1, subnets+len(out.Subnets)
		}
		if pages != 2 || subnets != 3+3 {
			t.Errorf("%d subnets in %d pages of 5, want the 3 default and 3 more in 2", subnets, pages)
		}
		v, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{MaxResults: aws.Int32(5)})
		if err != nil || len(v.Vpcs) != 2 || v.NextToken != nil {
			t.Errorf("VPCs in one page of 5: %+v, %v", v, err)
		}
	})

	t.Run("the default VPC's DNS attributes and tenancy", func(t *testing.T) {
		dv, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{{Name: aws.String("is-default"), Values: []string{"true"}}}})
		if err != nil || len(dv.Vpcs) != 1 {
			t.Fatalf("the default VPC: %+v, %v", dv, err)
		}
		for _, a := range []types.VpcAttributeName{types.VpcAttributeNameEnableDnsSupport, types.VpcAttributeNameEnableDnsHostnames} {
			out, err := c.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: dv.Vpcs[0].VpcId, Attribute: a})
			if err != nil {
				t.Fatal(err)
			}
			on := out.EnableDnsSupport
			if a == types.VpcAttributeNameEnableDnsHostnames {
				on = out.EnableDnsHostnames
			}
			if on == nil || !aws.ToBool(on.Value) {
				t.Errorf("default VPC %s: %+v, want true", a, on)
			}
		}
		ded, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.50.0.0/24"), InstanceTenancy: types.TenancyDedicated})
		if err != nil || ded.Vpc.InstanceTenancy != types.TenancyDedicated {
			t.Fatalf("a dedicated VPC: %+v, %v", ded, err)
		}
		if _, err := c.ModifyVpcTenancy(ctx, &ec2.ModifyVpcTenancyInput{VpcId: ded.Vpc.VpcId, InstanceTenancy: types.VpcTenancyDefault}); err != nil {
			t.Fatal(err)
		}
		out, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{{Name: aws.String("instance-tenancy"), Values: []string{"dedicated"}}}})
		if err != nil || len(out.Vpcs) != 0 {
			t.Errorf("dedicated VPCs after ModifyVpcTenancy: %+v, %v", out, err)
		}
	})
}

// TestSDKSubnetInterfacesAndReservations: interfaces are made in a new
// VPC's subnet with its default group, a group of another VPC is refused,
// a launch's interface asks for a public IP the subnet does not map,
// automatic addresses keep out of CIDR reservations while an explicit
// one's addresses can be asked for, and a subnet with an interface is not
// deleted.
func TestSDKSubnetInterfacesAndReservations(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	f := makeSubnetFixture(t, c)
	// f.sub2 is 10.41.0.0/28: .4 to .14 usable; .8/29 reserved leaves .4 to .7.
	res, err := c.CreateSubnetCidrReservation(ctx, &ec2.CreateSubnetCidrReservationInput{SubnetId: aws.String(f.sub2), Cidr: aws.String("10.41.0.8/29"),
		ReservationType: types.SubnetCidrReservationTypeExplicit})
	if err != nil {
		t.Fatal(err)
	}
	reserved := netip.MustParsePrefix("10.41.0.8/29")
	var enis []*string
	for range 4 {
		e, err := c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: aws.String(f.sub2)})
		if err != nil {
			t.Fatal(err)
		}
		ni := e.NetworkInterface
		if a := netip.MustParseAddr(aws.ToString(ni.PrivateIpAddress)); reserved.Contains(a) {
			t.Errorf("interface got reserved address %s", a)
		}
		if aws.ToString(ni.VpcId) != f.vpc || len(ni.Groups) != 1 || aws.ToString(ni.Groups[0].GroupName) != "default" {
			t.Errorf("interface in %s with groups %+v: want the VPC's default group", aws.ToString(ni.VpcId), ni.Groups)
		}
		enis = append(enis, ni.NetworkInterfaceId)
	}
	_, err = c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: aws.String(f.sub2)})
	if code := apiCode(t, err); code != "InsufficientFreeAddressesInSubnet" {
		t.Errorf("a fifth interface with only reserved addresses left: %s", code)
	}
	byHand, err := c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: aws.String(f.sub2), PrivateIpAddress: aws.String("10.41.0.9")})
	if err != nil {
		t.Fatalf("an explicit reservation's address asked for: %v", err)
	}
	enis = append(enis, byHand.NetworkInterface.NetworkInterfaceId)
	got, err := c.GetSubnetCidrReservations(ctx, &ec2.GetSubnetCidrReservationsInput{SubnetId: aws.String(f.sub2),
		Filters: []types.Filter{{Name: aws.String("reservationType"), Values: []string{"explicit"}}}})
	if err != nil || len(got.SubnetIpv4CidrReservations) != 1 || aws.ToString(got.SubnetIpv4CidrReservations[0].SubnetCidrReservationId) != aws.ToString(res.SubnetCidrReservation.SubnetCidrReservationId) {
		t.Errorf("explicit reservations: %+v, %v", got, err)
	}
	none, err := c.GetSubnetCidrReservations(ctx, &ec2.GetSubnetCidrReservationsInput{SubnetId: aws.String(f.sub2),
		Filters: []types.Filter{{Name: aws.String("reservationType"), Values: []string{"prefix"}}}})
	if err != nil || len(none.SubnetIpv4CidrReservations) != 0 {
		t.Errorf("prefix reservations: %+v, %v", none, err)
	}

	dflt, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{
		{Name: aws.String("group-name"), Values: []string{"default"}}, {Name: aws.String("vpc-id"), Values: []string{f.vpc}}}})
	if err != nil || len(dflt.SecurityGroups) != 1 {
		t.Fatalf("the VPC's default group: %+v, %v", dflt, err)
	}
	defaultVpc, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{{Name: aws.String("is-default"), Values: []string{"true"}}}})
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{
		{Name: aws.String("group-name"), Values: []string{"default"}}, {Name: aws.String("vpc-id"), Values: []string{aws.ToString(defaultVpc.Vpcs[0].VpcId)}}}})
	if err != nil || len(theirs.SecurityGroups) != 1 {
		t.Fatalf("the default VPC's default group: %+v, %v", theirs, err)
	}
	_, err = c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: aws.String(f.sub1), Groups: []string{aws.ToString(theirs.SecurityGroups[0].GroupId)}})
	if code := apiCode(t, err); code != "InvalidParameter" {
		t.Errorf("an interface with another VPC's group: %s, want InvalidParameter", code)
	}

	t.Run("a launch's interface asks for a public IP", func(t *testing.T) {
		out, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), NetworkInterfaces: []types.InstanceNetworkInterfaceSpecification{
			{DeviceIndex: aws.Int32(0), SubnetId: aws.String(f.sub1), AssociatePublicIpAddress: aws.Bool(true)}}})
		if err != nil {
			t.Fatal(err)
		}
		in := out.Instances[0]
		if aws.ToString(in.VpcId) != f.vpc || aws.ToString(in.SubnetId) != f.sub1 || aws.ToString(in.PublicIpAddress) == "" {
			t.Errorf("vpc %s, subnet %s, public %q: want %s, %s and a public IP", aws.ToString(in.VpcId), aws.ToString(in.SubnetId),
				aws.ToString(in.PublicIpAddress), f.vpc, f.sub1)
		}
		if len(in.SecurityGroups) != 1 || aws.ToString(in.SecurityGroups[0].GroupId) != aws.ToString(dflt.SecurityGroups[0].GroupId) {
			t.Errorf("groups %+v, want the VPC's default group", in.SecurityGroups)
		}
		w := ec2.NewInstanceTerminatedWaiter(c, func(o *ec2.InstanceTerminatedWaiterOptions) { o.MinDelay, o.MaxDelay = 20e6, 100e6 })
		if _, err := c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{aws.ToString(in.InstanceId)}}); err != nil {
			t.Fatal(err)
		}
		if err := w.Wait(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{aws.ToString(in.InstanceId)}}, 30e9); err != nil {
			t.Fatal(err)
		}
	})

	_, err = c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String(f.sub2)})
	if code := apiCode(t, err); code != "DependencyViolation" {
		t.Errorf("a subnet with interfaces: %s, want DependencyViolation", code)
	}
	for _, id := range enis {
		if _, err := c.DeleteNetworkInterface(ctx, &ec2.DeleteNetworkInterfaceInput{NetworkInterfaceId: id}); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{f.sub2, f.sub1} {
		if _, err := c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String(id)}); err != nil {
			t.Fatalf("DeleteSubnet %s: %v", id, err)
		}
	}
	if _, err := c.DisassociateVpcCidrBlock(ctx, &ec2.DisassociateVpcCidrBlockInput{AssociationId: f.secondary.AssociationId}); err != nil {
		t.Errorf("the secondary block once no subnet uses it: %v", err)
	}
	if _, err := c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(f.vpc)}); err != nil {
		t.Errorf("the VPC once empty: %v", err)
	}
}

// TestSDKDefaultSubnetMadeAgain: a default subnet deleted is made again
// by CreateDefaultSubnet, by zone ID too, in a free block of the default
// VPC the size of the others, mapping public IPs.
func TestSDKDefaultSubnetMadeAgain(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	subs, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []types.Filter{{Name: aws.String("availability-zone"), Values: []string{"us-east-1b"}},
		{Name: aws.String("default-for-az"), Values: []string{"true"}}}})
	if err != nil || len(subs.Subnets) != 1 {
		t.Fatalf("us-east-1b's default subnet: %+v, %v", subs, err)
	}
	old := subs.Subnets[0]
	if _, err := c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: old.SubnetId}); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateDefaultSubnet(ctx, &ec2.CreateDefaultSubnetInput{})
	if code := apiCode(t, err); code != "MissingParameter" {
		t.Errorf("no zone: %s, want MissingParameter", code)
	}
	out, err := c.CreateDefaultSubnet(ctx, &ec2.CreateDefaultSubnetInput{AvailabilityZoneId: old.AvailabilityZoneId})
	if err != nil {
		t.Fatal(err)
	}
	s := out.Subnet
	if aws.ToString(s.SubnetId) == aws.ToString(old.SubnetId) || aws.ToString(s.AvailabilityZone) != "us-east-1b" || !aws.ToBool(s.DefaultForAz) ||
		!aws.ToBool(s.MapPublicIpOnLaunch) || aws.ToString(s.VpcId) != aws.ToString(old.VpcId) {
		t.Errorf("new default subnet %+v, want a new ID in us-east-1b of %s, default and mapping public IPs", s, aws.ToString(old.VpcId))
	}
	oldBits := netip.MustParsePrefix(aws.ToString(old.CidrBlock)).Bits()
	if p := netip.MustParsePrefix(aws.ToString(s.CidrBlock)); p.Bits() != oldBits {
		t.Errorf("new default subnet %s, want a /%d", p, oldBits)
	}
	r := runOne(t, c, &ec2.RunInstancesInput{Placement: &types.Placement{AvailabilityZone: aws.String("us-east-1b")}})
	d, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{r}})
	if err != nil {
		t.Fatal(err)
	}
	if in := d.Reservations[0].Instances[0]; aws.ToString(in.SubnetId) != aws.ToString(s.SubnetId) || aws.ToString(in.PublicIpAddress) == "" {
		t.Errorf("a launch in us-east-1b: subnet %s, public %q, want %s and a public IP", aws.ToString(in.SubnetId), aws.ToString(in.PublicIpAddress), aws.ToString(s.SubnetId))
	}
}
