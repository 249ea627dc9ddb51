package daemon

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestSDKVpcsAndSubnets: an SDK program builds a VPC of its own with
// subnets in two zones and a group, launches into it, and takes it apart
// in the order EC2 requires, each wrong step refused with EC2's code; the
// VPC and its subnets outlive a restart.
func TestSDKVpcsAndSubnets(t *testing.T) {
	home := t.TempDir()
	d := runDaemon(t, home, ec2Config)
	c := newSDK("http://"+d.ec2, testKey, testSecret)
	ctx := context.Background()

	vpc, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.20.0.0/16"),
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeVpc, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("lab")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	vpcID := aws.ToString(vpc.Vpc.VpcId)
	if aws.ToBool(vpc.Vpc.IsDefault) || aws.ToString(vpc.Vpc.CidrBlock) != "10.20.0.0/16" || len(vpc.Vpc.CidrBlockAssociationSet) != 1 || vpc.Vpc.InstanceTenancy != types.TenancyDefault ||
		vpc.Vpc.State != types.VpcStatePending {
		t.Fatalf("CreateVpc: %+v", vpc.Vpc)
	}
	subnet := func(cidr, zone string) string {
		t.Helper()
		out, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpcID), CidrBlock: aws.String(cidr), AvailabilityZone: aws.String(zone)})
		if err != nil {
			t.Fatalf("CreateSubnet %s: %v", cidr, err)
		}
		s := out.Subnet
		if aws.ToString(s.VpcId) != vpcID || aws.ToString(s.AvailabilityZone) != zone || aws.ToBool(s.MapPublicIpOnLaunch) || aws.ToBool(s.DefaultForAz) {
			t.Fatalf("CreateSubnet: %+v", s)
		}
		return aws.ToString(s.SubnetId)
	}
	subA, subB := subnet("10.20.1.0/24", "us-east-1a"), subnet("10.20.2.0/24", "us-east-1b")
	grp, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("web"), Description: aws.String("web"), VpcId: aws.String(vpcID)})
	if err != nil {
		t.Fatal(err)
	}
	grpID := aws.ToString(grp.GroupId)
	defaultGrp, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("web"), Description: aws.String("web in the default VPC")})
	if err != nil {
		t.Fatalf("a group of the same name in the default VPC: %v", err)
	}

	refusals := []apiRefusal{
		{"a block larger than /16", func() error {
			_, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/8")})
			return err
		}, "InvalidVpc.Range"},
		{"a subnet outside its VPC", func() error {
			_, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpcID), CidrBlock: aws.String("10.21.0.0/24")})
			return err
		}, "InvalidSubnet.Range"},
		{"a subnet over another", func() error {
			_, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpcID), CidrBlock: aws.String("10.20.1.128/25")})
			return err
		}, "InvalidSubnet.Conflict"},
		{"a subnet of an unknown VPC", func() error {
			_, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String("vpc-0123456789abcdef0"), CidrBlock: aws.String("10.20.9.0/24")})
			return err
		}, "InvalidVpcID.NotFound"},
		{"a default VPC while there is one", func() error {
			_, err := c.CreateDefaultVpc(ctx, &ec2.CreateDefaultVpcInput{})
			return err
		}, "DefaultVpcAlreadyExists"},
		{"a group of another VPC at launch", func() error {
			_, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), SubnetId: aws.String(subA),
				SecurityGroupIds: []string{aws.ToString(defaultGrp.GroupId)}})
			return err
		}, "InvalidParameter"},
		{"two attributes in one call", func() error {
			_, err := c.ModifyVpcAttribute(ctx, &ec2.ModifyVpcAttributeInput{VpcId: aws.String(vpcID),
				EnableDnsSupport: &types.AttributeBooleanValue{Value: aws.Bool(true)}, EnableDnsHostnames: &types.AttributeBooleanValue{Value: aws.Bool(true)}})
			return err
		}, "InvalidParameterCombination"},
		{"the primary block", func() error {
			_, err := c.DisassociateVpcCidrBlock(ctx, &ec2.DisassociateVpcCidrBlockInput{AssociationId: vpc.Vpc.CidrBlockAssociationSet[0].AssociationId})
			return err
		}, "OperationNotPermitted"},
		{"a secondary block over the primary", func() error {
			_, err := c.AssociateVpcCidrBlock(ctx, &ec2.AssociateVpcCidrBlockInput{VpcId: aws.String(vpcID), CidrBlock: aws.String("10.20.128.0/17")})
			return err
		}, "InvalidVpc.Range"},
	}
	wantRefusals(t, refusals)

	t.Run("VPC limit", func(t *testing.T) {
		var made []string
		for range 3 { // with the default VPC and lab, five
			v, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("192.168.0.0/24")})
			if err != nil {
				t.Fatal(err)
			}
			made = append(made, aws.ToString(v.Vpc.VpcId))
		}
		_, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("192.168.0.0/24")})
		if code := apiCode(t, err); code != "VpcLimitExceeded" {
			t.Errorf("a sixth VPC: %s", code)
		}
		for _, id := range made {
			if _, err := c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(id)}); err != nil {
				t.Fatal(err)
			}
		}
	})

	t.Run("attributes", func(t *testing.T) {
		get := func(a types.VpcAttributeName) *ec2.DescribeVpcAttributeOutput {
			t.Helper()
			out, err := c.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: aws.String(vpcID), Attribute: a})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		if !aws.ToBool(get(types.VpcAttributeNameEnableDnsSupport).EnableDnsSupport.Value) || aws.ToBool(get(types.VpcAttributeNameEnableDnsHostnames).EnableDnsHostnames.Value) {
			t.Error("a new VPC resolves DNS but gives no hostnames")
		}
		if _, err := c.ModifyVpcAttribute(ctx, &ec2.ModifyVpcAttributeInput{VpcId: aws.String(vpcID), EnableDnsHostnames: &types.AttributeBooleanValue{Value: aws.Bool(true)}}); err != nil {
			t.Fatal(err)
		}
		if !aws.ToBool(get(types.VpcAttributeNameEnableDnsHostnames).EnableDnsHostnames.Value) {
			t.Error("enableDnsHostnames not set")
		}
		if _, err := c.ModifySubnetAttribute(ctx, &ec2.ModifySubnetAttributeInput{SubnetId: aws.String(subB), MapPublicIpOnLaunch: &types.AttributeBooleanValue{Value: aws.Bool(true)}}); err != nil {
			t.Fatal(err)
		}
	})

	var inA, inB string
	t.Run("launches take the subnet's VPC, group and public IP mapping", func(t *testing.T) {
		a, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), SubnetId: aws.String(subA), SecurityGroupIds: []string{grpID}})
		if err != nil {
			t.Fatal(err)
		}
		b, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), SubnetId: aws.String(subB)})
		if err != nil {
			t.Fatal(err)
		}
		ia, ib := a.Instances[0], b.Instances[0]
		inA, inB = aws.ToString(ia.InstanceId), aws.ToString(ib.InstanceId)
		if aws.ToString(ia.VpcId) != vpcID || aws.ToString(ia.SubnetId) != subA || aws.ToString(ia.PublicIpAddress) != "" {
			t.Errorf("in subnet A (no public IPs): vpc %s, subnet %s, public %q", aws.ToString(ia.VpcId), aws.ToString(ia.SubnetId), aws.ToString(ia.PublicIpAddress))
		}
		if aws.ToString(ib.PublicIpAddress) == "" || len(ib.SecurityGroups) != 1 || aws.ToString(ib.SecurityGroups[0].GroupName) != "default" ||
			aws.ToString(ib.SecurityGroups[0].GroupId) == aws.ToString(defaultGrp.GroupId) {
			t.Errorf("in subnet B (mapping public IPs): public %q, groups %+v: want a public IP and the lab VPC's default group", aws.ToString(ib.PublicIpAddress), ib.SecurityGroups)
		}
		f, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpcID}}}})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(f.Reservations); n != 2 {
			t.Errorf("vpc-id filter: %d reservations, want 2", n)
		}
		s, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{subA}})
		if err != nil {
			t.Fatal(err)
		}
		if n := aws.ToInt32(s.Subnets[0].AvailableIpAddressCount); n != 256-5-1 {
			t.Errorf("subnet A has %d free addresses, want 250", n)
		}
	})

	// The restart is the test's, not a subtest's: the daemon lives on.
	d.cancel()
	<-d.exited
	d = runDaemon(t, home, ec2Config)
	c = newSDK("http://"+d.ec2, testKey, testSecret)
	t.Run("a restart keeps VPC, subnets and their attributes", func(t *testing.T) {
		v, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{{Name: aws.String("tag:Name"), Values: []string{"lab"}}}})
		if err != nil || len(v.Vpcs) != 1 || aws.ToString(v.Vpcs[0].VpcId) != vpcID {
			t.Fatalf("the lab VPC by its tag: %+v, %v", v, err)
		}
		s, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpcID}}}})
		if err != nil || len(s.Subnets) != 2 {
			t.Fatalf("its subnets: %+v, %v", s, err)
		}
		for _, sub := range s.Subnets {
			if want := aws.ToString(sub.SubnetId) == subB; aws.ToBool(sub.MapPublicIpOnLaunch) != want {
				t.Errorf("%s maps public IPs: %v, want %v", aws.ToString(sub.SubnetId), aws.ToBool(sub.MapPublicIpOnLaunch), want)
			}
		}
	})

	steps := []struct {
		name string
		call func() error
		code string // "" succeeds
	}{
		{"the VPC while it has subnets", func() error { _, err := c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(vpcID)}); return err }, "DependencyViolation"},
		{"a subnet with an instance", func() error {
			_, err := c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String(subA)})
			return err
		}, "DependencyViolation"},
		{"the instances", func() error {
			_, err := c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{inA, inB}})
			if err == nil {
				w := ec2.NewInstanceTerminatedWaiter(c, func(o *ec2.InstanceTerminatedWaiterOptions) { o.MinDelay, o.MaxDelay = 20e6, 100e6 })
				err = w.Wait(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{inA, inB}}, 30*time.Second)
			}
			return err
		}, ""},
		{"subnet A", func() error {
			_, err := c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String(subA)})
			return err
		}, ""},
		{"subnet B", func() error {
			_, err := c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String(subB)})
			return err
		}, ""},
		{"the VPC while it has a group", func() error { _, err := c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(vpcID)}); return err }, "DependencyViolation"},
		{"the group", func() error {
			_, err := c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(grpID)})
			return err
		}, ""},
		{"the VPC", func() error { _, err := c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(vpcID)}); return err }, ""},
		{"the VPC again", func() error { _, err := c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(vpcID)}); return err }, "InvalidVpcID.NotFound"},
	}
	for _, st := range steps {
		t.Run("delete "+st.name, func(t *testing.T) {
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

// TestSDKDefaultVpcDeletedAndMadeAgain: with the default VPC gone a launch
// must name a subnet; CreateDefaultVpc makes a new one with a default
// subnet in every zone, and launches land there again.
func TestSDKDefaultVpcDeletedAndMadeAgain(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	v, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{{Name: aws.String("is-default"), Values: []string{"true"}}}})
	if err != nil || len(v.Vpcs) != 1 {
		t.Fatalf("the default VPC: %+v, %v", v, err)
	}
	old := aws.ToString(v.Vpcs[0].VpcId)
	subs, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []types.Filter{{Name: aws.String("vpc-id"), Values: []string{old}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range subs.Subnets {
		if _, err := c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: s.SubnetId}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(old)})
	if code := apiCode(t, err); code != "DependencyViolation" {
		t.Fatalf("the default VPC with its internet gateway: %s, want DependencyViolation", code)
	}
	igws, err := c.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{Filters: []types.Filter{{Name: aws.String("attachment.vpc-id"), Values: []string{old}}}})
	if err != nil || len(igws.InternetGateways) != 1 {
		t.Fatalf("the default VPC's internet gateway: %+v, %v", igws, err)
	}
	igw := igws.InternetGateways[0].InternetGatewayId
	if _, err := c.DetachInternetGateway(ctx, &ec2.DetachInternetGatewayInput{InternetGatewayId: igw, VpcId: aws.String(old)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteInternetGateway(ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: igw}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(old)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	if code := apiCode(t, err); code != "VPCIdNotSpecified" {
		t.Errorf("a launch without a default VPC: %s, want VPCIdNotSpecified", code)
	}
	nv, err := c.CreateDefaultVpc(ctx, &ec2.CreateDefaultVpcInput{})
	if err != nil {
		t.Fatal(err)
	}
	if !aws.ToBool(nv.Vpc.IsDefault) || aws.ToString(nv.Vpc.VpcId) == old {
		t.Fatalf("new default VPC: %+v", nv.Vpc)
	}
	subs, err = c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []types.Filter{{Name: aws.String("default-for-az"), Values: []string{"true"}}}})
	if err != nil || len(subs.Subnets) != 3 {
		t.Fatalf("default subnets: %d, %v", len(subs.Subnets), err)
	}
	out, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(out.Instances[0].VpcId); got != aws.ToString(nv.Vpc.VpcId) || aws.ToString(out.Instances[0].PublicIpAddress) == "" {
		t.Errorf("launch in VPC %s with public IP %q, want the new default VPC and a public IP", got, aws.ToString(out.Instances[0].PublicIpAddress))
	}
	_, err = c.CreateDefaultSubnet(ctx, &ec2.CreateDefaultSubnetInput{AvailabilityZone: aws.String("us-east-1a")})
	if code := apiCode(t, err); code != "DefaultSubnetAlreadyExistsInAvailabilityZone" {
		t.Errorf("a second default subnet: %s", code)
	}
}

// TestSDKSubnetBlocksAndReservations: a subnet takes a /64 of its VPC's
// IPv6 block, and ranges of it are set aside by reservations that stay
// inside it and do not overlap.
func TestSDKSubnetBlocksAndReservations(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	v, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.80.0.0/16"), AmazonProvidedIpv6CidrBlock: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Vpc.Ipv6CidrBlockAssociationSet) != 1 {
		t.Fatalf("no IPv6 block: %+v", v.Vpc)
	}
	v6 := aws.ToString(v.Vpc.Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock) // a /56
	sub, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: v.Vpc.VpcId, CidrBlock: aws.String("10.80.1.0/24")})
	if err != nil {
		t.Fatal(err)
	}
	sid := sub.Subnet.SubnetId
	_, err = c.AssociateSubnetCidrBlock(ctx, &ec2.AssociateSubnetCidrBlockInput{SubnetId: sid, Ipv6CidrBlock: aws.String("2001:db8:ffff:ff00::/64")})
	if code := apiCode(t, err); code != "InvalidSubnet.Range" {
		t.Errorf("a /64 outside the VPC's block: %s", code)
	}
	a, err := c.AssociateSubnetCidrBlock(ctx, &ec2.AssociateSubnetCidrBlockInput{SubnetId: sid, Ipv6CidrBlock: aws.String(v6[:len(v6)-3] + "/64")})
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{aws.ToString(sid)}})
	if err != nil || len(d.Subnets[0].Ipv6CidrBlockAssociationSet) != 1 {
		t.Fatalf("the subnet's IPv6 block: %+v, %v", d, err)
	}
	if _, err := c.DisassociateSubnetCidrBlock(ctx, &ec2.DisassociateSubnetCidrBlockInput{AssociationId: a.Ipv6CidrBlockAssociation.AssociationId}); err != nil {
		t.Fatal(err)
	}

	r, err := c.CreateSubnetCidrReservation(ctx, &ec2.CreateSubnetCidrReservationInput{SubnetId: sid, Cidr: aws.String("10.80.1.16/28"), ReservationType: types.SubnetCidrReservationTypeExplicit})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"10.80.1.20/30", "10.80.2.0/28"} {
		_, err := c.CreateSubnetCidrReservation(ctx, &ec2.CreateSubnetCidrReservationInput{SubnetId: sid, Cidr: aws.String(bad), ReservationType: types.SubnetCidrReservationTypePrefix})
		if code := apiCode(t, err); code != "InvalidParameterValue" {
			t.Errorf("reservation %s: %s", bad, code)
		}
	}
	got, err := c.GetSubnetCidrReservations(ctx, &ec2.GetSubnetCidrReservationsInput{SubnetId: sid})
	if err != nil || len(got.SubnetIpv4CidrReservations) != 1 || aws.ToString(got.SubnetIpv4CidrReservations[0].Cidr) != "10.80.1.16/28" {
		t.Fatalf("reservations: %+v, %v", got, err)
	}
	if _, err := c.DeleteSubnetCidrReservation(ctx, &ec2.DeleteSubnetCidrReservationInput{SubnetCidrReservationId: r.SubnetCidrReservation.SubnetCidrReservationId}); err != nil {
		t.Fatal(err)
	}
}
