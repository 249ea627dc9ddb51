package daemon

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestSDKRoutingLimits: EC2's default quotas on internet gateways (5 a
// region, the default VPC's counted), route tables (200 a VPC, the main
// one counted), routes (50 a table and address family), network ACLs
// (200 a VPC) and ACL rules (20 a direction and address family), each
// refused past the limit with EC2's code.
func TestSDKRoutingLimits(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	v, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.95.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	vpc := v.Vpc.VpcId
	rt, err := c.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: vpc})
	if err != nil {
		t.Fatal(err)
	}
	eni, err := c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: func() *string {
		s, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc, CidrBlock: aws.String("10.95.1.0/24")})
		if err != nil {
			t.Fatal(err)
		}
		return s.Subnet.SubnetId
	}()})
	if err != nil {
		t.Fatal(err)
	}
	acl, err := c.CreateNetworkAcl(ctx, &ec2.CreateNetworkAclInput{VpcId: vpc})
	if err != nil {
		t.Fatal(err)
	}
	rule := func(n int, egress bool, cidr string) error {
		in := &ec2.CreateNetworkAclEntryInput{NetworkAclId: acl.NetworkAcl.NetworkAclId, RuleNumber: aws.Int32(int32(n)), Egress: aws.Bool(egress),
			Protocol: aws.String("-1"), RuleAction: types.RuleActionAllow}
		if cidr == "::/0" {
			in.Ipv6CidrBlock = aws.String(cidr)
		} else {
			in.CidrBlock = aws.String(cidr)
		}
		_, err := c.CreateNetworkAclEntry(ctx, in)
		return err
	}
	cases := []struct {
		name  string
		room  int // how many more succeed
		one   func(i int) error
		code  string
		after func() error // still allowed once the limit is reached (nil: none)
	}{
		{"internet gateways", 4, func(int) error { _, err := c.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{}); return err },
			"InternetGatewayLimitExceeded", nil},
		{"route tables", 198, func(int) error { _, err := c.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: vpc}); return err },
			"RouteTableLimitExceeded", nil},
		{"IPv4 routes", 50, func(i int) error {
			_, err := c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: rt.RouteTable.RouteTableId, DestinationCidrBlock: aws.String(fmt.Sprintf("192.168.%d.0/24", i)),
				NetworkInterfaceId: eni.NetworkInterface.NetworkInterfaceId})
			return err
		}, "RouteLimitExceeded", func() error {
			_, err := c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: rt.RouteTable.RouteTableId, DestinationIpv6CidrBlock: aws.String("2001:db8::/32"),
				NetworkInterfaceId: eni.NetworkInterface.NetworkInterfaceId})
			return err
		}},
		{"network ACLs", 198, func(int) error { _, err := c.CreateNetworkAcl(ctx, &ec2.CreateNetworkAclInput{VpcId: vpc}); return err },
			"NetworkAclLimitExceeded", nil},
		{"inbound IPv4 ACL rules", 20, func(i int) error { return rule(i+1, false, "0.0.0.0/0") }, "NetworkAclEntryLimitExceeded",
			func() error { return rule(1, true, "0.0.0.0/0") }},
		{"inbound IPv6 ACL rules", 20, func(i int) error { return rule(i+100, false, "::/0") }, "NetworkAclEntryLimitExceeded", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for i := range tc.room {
				if err := tc.one(i); err != nil {
					t.Fatalf("number %d of %d: %v", i+1, tc.room, err)
				}
			}
			if code := apiCode(t, tc.one(tc.room)); code != tc.code {
				t.Errorf("one more: %s, want %s", code, tc.code)
			}
			if tc.after != nil {
				if err := tc.after(); err != nil {
					t.Errorf("the other kind, at the limit: %v", err)
				}
			}
		})
	}
}
