package daemon

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// EC2's error codes as an SDK program sees them: Malformed for an ID of
// the wrong shape, NotFound for a well-shaped one that names nothing,
// parameter errors before any lookup, and the limits.
func TestSDKErrorCodes(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(run.Instances[0].InstanceId)
	one := func(in *ec2.RunInstancesInput) error {
		in.MinCount, in.MaxCount = aws.Int32(1), aws.Int32(1)
		_, err := c.RunInstances(ctx, in)
		return err
	}
	const missing = "0123456789abcdef0"
	cases := []struct {
		name string
		call func() error
		code string
	}{
		{"malformed image", func() error { return one(&ec2.RunInstancesInput{ImageId: aws.String("ami-missing")}) }, "InvalidAMIID.Malformed"},
		{"unknown image", func() error { return one(&ec2.RunInstancesInput{ImageId: aws.String("ami-" + missing)}) }, "InvalidAMIID.NotFound"},
		{"unknown type", func() error { return one(&ec2.RunInstancesInput{InstanceType: "t9.huge"}) }, "InvalidParameterValue"},
		{"unknown key pair", func() error { return one(&ec2.RunInstancesInput{KeyName: aws.String("nokey")}) }, "InvalidKeyPair.NotFound"},
		{"malformed group", func() error { return one(&ec2.RunInstancesInput{SecurityGroupIds: []string{"sg-zz"}}) }, "InvalidGroupId.Malformed"},
		{"unknown group", func() error { return one(&ec2.RunInstancesInput{SecurityGroupIds: []string{"sg-" + missing}}) }, "InvalidGroup.NotFound"},
		{"malformed subnet", func() error { return one(&ec2.RunInstancesInput{SubnetId: aws.String("subnet-x")}) }, "InvalidSubnetID.Malformed"},
		{"unknown subnet", func() error { return one(&ec2.RunInstancesInput{SubnetId: aws.String("subnet-" + missing)}) }, "InvalidSubnetID.NotFound"},
		{"malformed instance", func() error {
			_, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-missing"}})
			return err
		}, "InvalidInstanceID.Malformed"},
		{"unknown instance", func() error {
			_, err := c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{id, "i-" + missing}})
			return err
		}, "InvalidInstanceID.NotFound"},
		{"IDs with MaxResults", func() error {
			_, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}, MaxResults: aws.Int32(5)})
			return err
		}, "InvalidParameterCombination"},
		{"unknown filter", func() error {
			_, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []types.Filter{{Name: aws.String("nosuch"), Values: []string{"x"}}}})
			return err
		}, "InvalidParameterValue"},
		{"malformed spot request", func() error {
			_, err := c.DescribeSpotInstanceRequests(ctx, &ec2.DescribeSpotInstanceRequestsInput{SpotInstanceRequestIds: []string{"sir-x"}})
			return err
		}, "InvalidSpotInstanceRequestID.Malformed"},
		{"unknown spot request", func() error {
			_, err := c.DescribeSpotInstanceRequests(ctx, &ec2.DescribeSpotInstanceRequestsInput{SpotInstanceRequestIds: []string{"sir-01234567"}})
			return err
		}, "InvalidSpotInstanceRequestID.NotFound"},
		{"malformed allocation", func() error {
			_, err := c.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{AllocationIds: []string{"eipalloc-x"}})
			return err
		}, "InvalidAllocationID.Malformed"},
		{"malformed interface", func() error {
			_, err := c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{"eni-x"}})
			return err
		}, "InvalidNetworkInterfaceID.Malformed"},
		{"unknown interface", func() error {
			_, err := c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{"eni-" + missing}})
			return err
		}, "InvalidNetworkInterfaceID.NotFound"},
		// Both ends named is a parameter error, found before the unknown
		// allocation would be.
		{"instance and interface", func() error {
			_, err := c.AssociateAddress(ctx, &ec2.AssociateAddressInput{InstanceId: aws.String(id),
				NetworkInterfaceId: aws.String("eni-" + missing), AllocationId: aws.String("eipalloc-" + missing)})
			return err
		}, "InvalidParameterCombination"},
		{"group without description", func() error {
			_, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("g0"), Description: aws.String("")})
			return err
		}, "MissingParameter"},
		{"group description outside EC2's set", func() error {
			_, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("g0"), Description: aws.String("naïve?")})
			return err
		}, "InvalidParameterValue"},
		{"group named like an ID", func() error {
			_, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("sg-abc"), Description: aws.String("d")})
			return err
		}, "InvalidParameterValue"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := apiCode(t, tc.call()); got != tc.code {
				t.Errorf("code %s, want %s", got, tc.code)
			}
		})
	}
}

// A security group refuses its 61st ingress rule and a second group of
// the same name; what was refused is not half-applied.
func TestSDKGroupLimits(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	if _, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("g1"), Description: aws.String("web servers")}); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("g1"), Description: aws.String("again")})
	if got := apiCode(t, err); got != "InvalidGroup.Duplicate" {
		t.Fatalf("second g1: %s, want InvalidGroup.Duplicate", got)
	}
	rule := func(port int32) error {
		_, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupName: aws.String("g1"),
			IpPermissions: []types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(port), ToPort: aws.Int32(port),
				IpRanges: []types.IpRange{{CidrIp: aws.String("10.0.0.0/8")}}}}})
		return err
	}
	for i := range int32(60) {
		if err := rule(1000 + i); err != nil {
			t.Fatalf("rule %d: %v", i+1, err)
		}
	}
	if got := apiCode(t, rule(2000)); got != "RulesPerSecurityGroupLimitExceeded" {
		t.Fatalf("61st rule: %s, want RulesPerSecurityGroupLimitExceeded", got)
	}
	g, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupNames: []string{"g1"}})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(g.SecurityGroups[0].IpPermissions); n != 60 {
		t.Fatalf("g1 has %d rules after the refused 61st, want 60", n)
	}
	if d := aws.ToString(g.SecurityGroups[0].Description); d != "web servers" {
		t.Errorf("description %q, want the first create's", d)
	}
}

// Answers list what the request named in the order it named it.
func TestSDKRequestOrder(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(4), MaxCount: aws.Int32(4)})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, in := range run.Instances {
		ids = append(ids, aws.ToString(in.InstanceId))
	}
	asked := []string{ids[2], ids[0], ids[3], ids[1]}
	d, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: asked})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range d.Reservations {
		for _, in := range r.Instances {
			got = append(got, aws.ToString(in.InstanceId))
		}
	}
	if !slices.Equal(got, asked) {
		t.Errorf("DescribeInstances answered %v, asked %v", got, asked)
	}

	var groups []string
	for _, n := range []string{"c", "a", "b"} {
		g, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(n), Description: aws.String(n)})
		if err != nil {
			t.Fatal(err)
		}
		groups = append(groups, aws.ToString(g.GroupId))
	}
	slices.Reverse(groups)
	sg, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: groups})
	if err != nil {
		t.Fatal(err)
	}
	var gotGroups []string
	for _, g := range sg.SecurityGroups {
		gotGroups = append(gotGroups, aws.ToString(g.GroupId))
	}
	if !slices.Equal(gotGroups, groups) {
		t.Errorf("DescribeSecurityGroups answered %v, asked %v", gotGroups, groups)
	}
	byName, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupNames: []string{"b", "c", "a"}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, g := range byName.SecurityGroups {
		names = append(names, aws.ToString(g.GroupName))
	}
	if strings.Join(names, ",") != "b,c,a" {
		t.Errorf("DescribeSecurityGroups by name answered %v, asked b,c,a", names)
	}
}

// What Terraform's aws_security_group does to every group it creates in
// the default VPC: revoke the allow-all egress rule, then authorize its own.
func TestSDKSecurityGroupEgress(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	g, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("web"), Description: aws.String("web servers")})
	if err != nil {
		t.Fatal(err)
	}
	id := g.GroupId
	egress := func() []types.IpPermission {
		t.Helper()
		d, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{aws.ToString(id)}})
		if err != nil {
			t.Fatal(err)
		}
		return d.SecurityGroups[0].IpPermissionsEgress
	}
	if e := egress(); len(e) != 1 || aws.ToString(e[0].IpProtocol) != "-1" || aws.ToString(e[0].IpRanges[0].CidrIp) != "0.0.0.0/0" {
		t.Fatalf("a new group's egress %+v, want all traffic to anywhere", e)
	}
	all := []types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: []types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}
	if _, err := c.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: id, IpPermissions: all}); err != nil {
		t.Fatal(err)
	}
	if e := egress(); len(e) != 0 {
		t.Fatalf("egress after revoking the default rule: %+v", e)
	}
	// A default VPC has no IPv6 egress rule: Terraform revokes one anyway
	// and expects NotFound.
	all6 := []types.IpPermission{{IpProtocol: aws.String("-1"), Ipv6Ranges: []types.Ipv6Range{{CidrIpv6: aws.String("::/0")}}}}
	_, err = c.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: id, IpPermissions: all6})
	if code := apiCode(t, err); code != "InvalidPermission.NotFound" {
		t.Errorf("revoking an IPv6 rule that is not there: %s, want InvalidPermission.NotFound", code)
	}
	v6 := []types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), Ipv6Ranges: []types.Ipv6Range{{CidrIpv6: aws.String("2001:db8::/32")}}}}
	if _, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: id, IpPermissions: v6}); err != nil {
		t.Fatal(err)
	}
	d6, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{{Name: aws.String("ip-permission.ipv6-cidr"), Values: []string{"2001:db8::/32"}}}})
	if err != nil || len(d6.SecurityGroups) != 1 || len(d6.SecurityGroups[0].IpPermissions[0].Ipv6Ranges) != 1 {
		t.Fatalf("the IPv6 rule: %+v (%v)", d6, err)
	}
	if _, err := c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: id, IpPermissions: v6}); err != nil {
		t.Fatal(err)
	}
	_, err = c.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: id, IpPermissions: all})
	if code := apiCode(t, err); code != "InvalidPermission.NotFound" {
		t.Errorf("revoking it twice: %s, want InvalidPermission.NotFound", code)
	}
	https := []types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443), IpRanges: []types.IpRange{{CidrIp: aws.String("10.0.0.0/8")}}}}
	if _, err := c.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: id, IpPermissions: https}); err != nil {
		t.Fatal(err)
	}
	if e := egress(); len(e) != 1 || aws.ToInt32(e[0].FromPort) != 443 {
		t.Fatalf("egress after authorizing 443: %+v", e)
	}
	_, err = c.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: id, IpPermissions: https})
	if code := apiCode(t, err); code != "InvalidPermission.Duplicate" {
		t.Errorf("authorizing it twice: %s, want InvalidPermission.Duplicate", code)
	}
	// The inbound rules are untouched by all this.
	d, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{aws.ToString(id)}})
	if err != nil || len(d.SecurityGroups[0].IpPermissions) != 0 {
		t.Errorf("ingress %+v (%v), want none", d.SecurityGroups, err)
	}
}

// Terraform's aws_eip gives the network border group when it allocates
// and releases; it must be the address's, the region's own in ec2x.
func TestSDKAddressBorderGroup(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	a, err := c.AllocateAddress(ctx, &ec2.AllocateAddressInput{Domain: types.DomainTypeVpc, NetworkBorderGroup: aws.String("us-east-1")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.AllocateAddress(ctx, &ec2.AllocateAddressInput{NetworkBorderGroup: aws.String("us-east-1-lax-1")})
	if code := apiCode(t, err); code != "InvalidParameterValue" {
		t.Errorf("another border group: %s", code)
	}
	_, err = c.ReleaseAddress(ctx, &ec2.ReleaseAddressInput{AllocationId: a.AllocationId, NetworkBorderGroup: aws.String("us-west-2")})
	if code := apiCode(t, err); code != "InvalidAddress.NotFound" {
		t.Errorf("release with another border group: %s", code)
	}
	if _, err := c.ReleaseAddress(ctx, &ec2.ReleaseAddressInput{AllocationId: a.AllocationId, NetworkBorderGroup: aws.String("us-east-1")}); err != nil {
		t.Fatal(err)
	}
}
