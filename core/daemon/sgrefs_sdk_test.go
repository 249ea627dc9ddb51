package daemon

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestSDKSecurityGroupReferences: a rule names another group by ID or by
// name (in the default VPC); the group cannot be deleted while it is
// named; the actions that list groups of a VPC, references, stale groups
// and VPC associations answer in EC2's shapes and refuse what EC2 refuses.
func TestSDKSecurityGroupReferences(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	create := func(name string) string {
		t.Helper()
		g, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(name), Description: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(g.GroupId)
	}
	web, db := create("web"), create("db")
	vpcs, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	if err != nil {
		t.Fatal(err)
	}
	vpc := aws.ToString(vpcs.Vpcs[0].VpcId)

	byID, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(db), IpPermissions: []types.IpPermission{{
		IpProtocol: aws.String("tcp"), FromPort: aws.Int32(5432), ToPort: aws.Int32(5432),
		UserIdGroupPairs: []types.UserIdGroupPair{{GroupId: aws.String(web), Description: aws.String("from web")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if r := byID.SecurityGroupRules[0]; r.ReferencedGroupInfo == nil || aws.ToString(r.ReferencedGroupInfo.GroupId) != web || aws.ToString(r.Description) != "from web" {
		t.Errorf("rule %+v", r)
	}
	byName, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(db), IpPermissions: []types.IpPermission{{
		IpProtocol: aws.String("tcp"), FromPort: aws.Int32(6379), ToPort: aws.Int32(6379),
		UserIdGroupPairs: []types.UserIdGroupPair{{GroupName: aws.String("web")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if r := byName.SecurityGroupRules[0]; r.ReferencedGroupInfo == nil || aws.ToString(r.ReferencedGroupInfo.GroupId) != web {
		t.Errorf("rule by name %+v", r)
	}
	d, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{db}})
	if err != nil {
		t.Fatal(err)
	}
	if ps := d.SecurityGroups[0].IpPermissions; len(ps) != 2 || aws.ToString(ps[0].UserIdGroupPairs[0].GroupId) != web ||
		aws.ToString(ps[0].UserIdGroupPairs[0].Description) != "from web" {
		t.Errorf("permissions %+v", ps)
	}

	t.Run("lists", func(t *testing.T) {
		refs, err := c.DescribeSecurityGroupReferences(ctx, &ec2.DescribeSecurityGroupReferencesInput{GroupId: []string{web}})
		if err != nil {
			t.Fatal(err)
		}
		if refs.SecurityGroupReferenceSet == nil || len(refs.SecurityGroupReferenceSet) != 0 {
			t.Errorf("references from other VPCs: %+v", refs.SecurityGroupReferenceSet)
		}
		stale, err := c.DescribeStaleSecurityGroups(ctx, &ec2.DescribeStaleSecurityGroupsInput{VpcId: aws.String(vpc)})
		if err != nil {
			t.Fatal(err)
		}
		if len(stale.StaleSecurityGroupSet) != 0 {
			t.Errorf("stale %+v", stale.StaleSecurityGroupSet)
		}
		fv, err := c.GetSecurityGroupsForVpc(ctx, &ec2.GetSecurityGroupsForVpcInput{VpcId: aws.String(vpc),
			Filters: []types.Filter{{Name: aws.String("group-name"), Values: []string{"web", "db"}}}})
		if err != nil {
			t.Fatal(err)
		}
		if g := fv.SecurityGroupForVpcs; len(g) != 2 || aws.ToString(g[0].GroupName) != "db" || aws.ToString(g[0].PrimaryVpcId) != vpc {
			t.Errorf("groups for the VPC %+v", g)
		}
		as, err := c.DescribeSecurityGroupVpcAssociations(ctx, &ec2.DescribeSecurityGroupVpcAssociationsInput{})
		if err != nil {
			t.Fatal(err)
		}
		if len(as.SecurityGroupVpcAssociations) != 0 {
			t.Errorf("associations %+v", as.SecurityGroupVpcAssociations)
		}
		v, err := c.ValidateSecurityGroupQuotasForInterface(ctx, &ec2.ValidateSecurityGroupQuotasForInterfaceInput{SecurityGroupIds: []string{web, db}})
		if err != nil {
			t.Fatal(err)
		}
		if !aws.ToBool(v.Valid) {
			t.Error("two groups are not valid for an interface")
		}
	})

	var six []string
	for _, n := range []string{"a", "b", "c", "d"} {
		six = append(six, create(n))
	}
	six = append(six, web, db)
	eni, err := c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: subnetOf(t, c, "us-east-1a").SubnetId})
	if err != nil {
		t.Fatal(err)
	}
	refusals := []apiRefusal{
		{"delete a group a rule names", func() error {
			_, err := c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(web)})
			return err
		}, "DependencyViolation"},
		{"a rule from an unknown group name", func() error {
			_, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(db), IpPermissions: []types.IpPermission{{
				IpProtocol: aws.String("-1"), UserIdGroupPairs: []types.UserIdGroupPair{{GroupName: aws.String("cache")}}}}})
			return err
		}, "InvalidGroup.NotFound"},
		{"references of an unknown group", func() error {
			_, err := c.DescribeSecurityGroupReferences(ctx, &ec2.DescribeSecurityGroupReferencesInput{GroupId: []string{"sg-0123456789abcdef0"}})
			return err
		}, "InvalidGroup.NotFound"},
		{"stale groups of an unknown VPC", func() error {
			_, err := c.DescribeStaleSecurityGroups(ctx, &ec2.DescribeStaleSecurityGroupsInput{VpcId: aws.String("vpc-0123456789abcdef0")})
			return err
		}, "InvalidVpcID.NotFound"},
		{"groups of an unknown VPC", func() error {
			_, err := c.GetSecurityGroupsForVpc(ctx, &ec2.GetSecurityGroupsForVpcInput{VpcId: aws.String("vpc-0123456789abcdef0")})
			return err
		}, "InvalidVpcID.NotFound"},
		{"associate with the group's own VPC", func() error {
			_, err := c.AssociateSecurityGroupVpc(ctx, &ec2.AssociateSecurityGroupVpcInput{GroupId: aws.String(web), VpcId: aws.String(vpc)})
			return err
		}, "InvalidParameterValue"},
		{"associate with an unknown VPC", func() error {
			_, err := c.AssociateSecurityGroupVpc(ctx, &ec2.AssociateSecurityGroupVpcInput{GroupId: aws.String(web), VpcId: aws.String("vpc-0123456789abcdef0")})
			return err
		}, "InvalidVpcID.NotFound"},
		{"dissociate what is not associated", func() error {
			_, err := c.DisassociateSecurityGroupVpc(ctx, &ec2.DisassociateSecurityGroupVpcInput{GroupId: aws.String(web), VpcId: aws.String("vpc-0123456789abcdef0")})
			return err
		}, "InvalidParameterValue"},
		{"validate six groups", func() error {
			_, err := c.ValidateSecurityGroupQuotasForInterface(ctx, &ec2.ValidateSecurityGroupQuotasForInterfaceInput{SecurityGroupIds: six})
			return err
		}, "SecurityGroupsPerInterfaceLimitExceeded"},
		{"an interface made with six groups", func() error {
			_, err := c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: subnetOf(t, c, "us-east-1a").SubnetId, Groups: six})
			return err
		}, "SecurityGroupsPerInterfaceLimitExceeded"},
		{"an interface given six groups", func() error {
			_, err := c.ModifyNetworkInterfaceAttribute(ctx, &ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: eni.NetworkInterface.NetworkInterfaceId, Groups: six})
			return err
		}, "SecurityGroupsPerInterfaceLimitExceeded"},
		{"a launch with six groups", func() error {
			_, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), SecurityGroupIds: six})
			return err
		}, "SecurityGroupsPerInterfaceLimitExceeded"},
	}
	wantRefusals(t, refusals)

	t.Run("delete once no rule names it", func(t *testing.T) {
		if _, err := c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(db),
			SecurityGroupRuleIds: []string{aws.ToString(byID.SecurityGroupRules[0].SecurityGroupRuleId), aws.ToString(byName.SecurityGroupRules[0].SecurityGroupRuleId)}}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(web)}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestSDKSecurityGroupVpcAssociation: a group of the default VPC serves an
// interface in another VPC only while associated with that VPC, and the
// association cannot end while such an interface uses it.
func TestSDKSecurityGroupVpcAssociation(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	g, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("shared"), Description: aws.String("shared")})
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.7.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: v.Vpc.VpcId, CidrBlock: aws.String("10.7.1.0/24"), AvailabilityZone: aws.String("us-east-1a")})
	if err != nil {
		t.Fatal(err)
	}
	eni := func() (*ec2.CreateNetworkInterfaceOutput, error) {
		return c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: sub.Subnet.SubnetId, Groups: []string{aws.ToString(g.GroupId)}})
	}
	if _, err := eni(); err == nil || !strings.Contains(err.Error(), "InvalidParameter") {
		t.Fatalf("an interface in another VPC with an unassociated group: %v, want InvalidParameter", err)
	}
	assoc := &ec2.AssociateSecurityGroupVpcInput{GroupId: g.GroupId, VpcId: v.Vpc.VpcId}
	if out, err := c.AssociateSecurityGroupVpc(ctx, assoc); err != nil || out.State != types.SecurityGroupVpcAssociationStateAssociated {
		t.Fatalf("associate: %v %+v", err, out)
	}
	forVpc, err := c.GetSecurityGroupsForVpc(ctx, &ec2.GetSecurityGroupsForVpcInput{VpcId: v.Vpc.VpcId})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, x := range forVpc.SecurityGroupForVpcs {
		found = found || aws.ToString(x.GroupId) == aws.ToString(g.GroupId)
	}
	if !found {
		t.Errorf("GetSecurityGroupsForVpc %s does not list the associated group", aws.ToString(v.Vpc.VpcId))
	}
	e, err := eni()
	if err != nil {
		t.Fatalf("an interface with the associated group: %v", err)
	}
	dis := &ec2.DisassociateSecurityGroupVpcInput{GroupId: g.GroupId, VpcId: v.Vpc.VpcId}
	if _, err := c.DisassociateSecurityGroupVpc(ctx, dis); err == nil || !strings.Contains(err.Error(), "DependencyViolation") {
		t.Fatalf("disassociate while an interface uses the group: %v, want DependencyViolation", err)
	}
	if _, err := c.DeleteNetworkInterface(ctx, &ec2.DeleteNetworkInterfaceInput{NetworkInterfaceId: e.NetworkInterface.NetworkInterfaceId}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DisassociateSecurityGroupVpc(ctx, dis); err != nil {
		t.Fatalf("disassociate once unused: %v", err)
	}
}
