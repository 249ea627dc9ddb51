package daemon

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestSDKModifyNetworkInterfaceAttribute: an SDK program changes an
// interface's groups (and with the primary's, its instance's), its
// description, its source/destination check and whether it goes with its
// instance, one attribute a call, as on EC2.
func TestSDKModifyNetworkInterfaceAttribute(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	web, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("web"), Description: aws.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	webID := aws.ToString(web.GroupId)
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), InstanceType: "t3.large",
		Placement: &types.Placement{AvailabilityZone: aws.String("us-east-1a")}})
	if err != nil {
		t.Fatal(err)
	}
	inst := run.Instances[0]
	id, primary := aws.ToString(inst.InstanceId), aws.ToString(inst.NetworkInterfaces[0].NetworkInterfaceId)
	eni, err := c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: inst.SubnetId})
	if err != nil {
		t.Fatal(err)
	}
	eniID := aws.ToString(eni.NetworkInterface.NetworkInterfaceId)
	describe := func(id string) types.NetworkInterface {
		t.Helper()
		d, err := c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{id}})
		if err != nil {
			t.Fatal(err)
		}
		return d.NetworkInterfaces[0]
	}
	modify := func(in *ec2.ModifyNetworkInterfaceAttributeInput) {
		t.Helper()
		if _, err := c.ModifyNetworkInterfaceAttribute(ctx, in); err != nil {
			t.Fatalf("ModifyNetworkInterfaceAttribute: %v", err)
		}
	}

	t.Run("groups replace the set", func(t *testing.T) {
		modify(&ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: aws.String(eniID), Groups: []string{webID}})
		if g := describe(eniID).Groups; len(g) != 1 || aws.ToString(g[0].GroupId) != webID || aws.ToString(g[0].GroupName) != "web" {
			t.Errorf("groups = %+v, want web alone", g)
		}
	})
	t.Run("the primary's groups are the instance's", func(t *testing.T) {
		modify(&ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: aws.String(primary), Groups: []string{webID, aws.ToString(inst.SecurityGroups[0].GroupId)}})
		d, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
		if err != nil {
			t.Fatal(err)
		}
		if g := d.Reservations[0].Instances[0].SecurityGroups; len(g) != 2 || aws.ToString(g[0].GroupName) != "web" || aws.ToString(g[1].GroupName) != "default" {
			t.Errorf("instance groups = %+v, want web and default", g)
		}
	})
	t.Run("description", func(t *testing.T) {
		modify(&ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: aws.String(eniID), Description: &types.AttributeValue{Value: aws.String("second site")}})
		if d := aws.ToString(describe(eniID).Description); d != "second site" {
			t.Errorf("description = %q", d)
		}
	})
	t.Run("source/destination check", func(t *testing.T) {
		if !aws.ToBool(describe(eniID).SourceDestCheck) {
			t.Fatal("a new interface checks source and destination, as on EC2")
		}
		modify(&ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: aws.String(eniID), SourceDestCheck: &types.AttributeBooleanValue{Value: aws.Bool(false)}})
		if aws.ToBool(describe(eniID).SourceDestCheck) {
			t.Error("SourceDestCheck still true after turning it off")
		}
	})
	t.Run("delete on termination decides what outlives the instance", func(t *testing.T) {
		att, err := c.AttachNetworkInterface(ctx, &ec2.AttachNetworkInterfaceInput{NetworkInterfaceId: aws.String(eniID), InstanceId: aws.String(id), DeviceIndex: aws.Int32(1)})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToBool(describe(eniID).Attachment.DeleteOnTermination) {
			t.Fatal("an attached interface is kept by default")
		}
		modify(&ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: aws.String(eniID),
			Attachment: &types.NetworkInterfaceAttachmentChanges{AttachmentId: att.AttachmentId, DeleteOnTermination: aws.Bool(true)}})
		if !aws.ToBool(describe(eniID).Attachment.DeleteOnTermination) {
			t.Fatal("DeleteOnTermination not set")
		}
		// The primary, deleted with its instance by default, is kept.
		pa := describe(primary).Attachment
		modify(&ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: aws.String(primary),
			Attachment: &types.NetworkInterfaceAttachmentChanges{AttachmentId: pa.AttachmentId, DeleteOnTermination: aws.Bool(false)}})
		if _, err := c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{id}}); err != nil {
			t.Fatal(err)
		}
		gone := ec2.NewInstanceTerminatedWaiter(c, func(o *ec2.InstanceTerminatedWaiterOptions) { o.MinDelay, o.MaxDelay = 20e6, 100e6 })
		if err := gone.Wait(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}}, 30*time.Second); err != nil {
			t.Fatal(err)
		}
		_, err = c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{eniID}})
		if code := apiCode(t, err); code != "InvalidNetworkInterfaceID.NotFound" {
			t.Errorf("the interface set to go with its instance: %s", code)
		}
		if p := describe(primary); p.Status != types.NetworkInterfaceStatusAvailable || p.Attachment != nil {
			t.Errorf("the primary set to stay: status %s, attachment %+v", p.Status, p.Attachment)
		}
	})
}

// TestSDKModifyNetworkInterfaceAttributeErrors: one attribute a call, and
// EC2's codes for what cannot be done.
func TestSDKModifyNetworkInterfaceAttributeErrors(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	subnets, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{})
	if err != nil {
		t.Fatal(err)
	}
	eni, err := c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: subnets.Subnets[0].SubnetId})
	if err != nil {
		t.Fatal(err)
	}
	id := eni.NetworkInterface.NetworkInterfaceId
	tests := []struct {
		name string
		in   ec2.ModifyNetworkInterfaceAttributeInput
		code string
	}{
		{"no attribute", ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: id}, "InvalidParameterCombination"},
		{"two attributes", ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: id, Description: &types.AttributeValue{Value: aws.String("x")},
			SourceDestCheck: &types.AttributeBooleanValue{Value: aws.Bool(false)}}, "InvalidParameterCombination"},
		{"a group name, not an ID", ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: id, Groups: []string{"default"}}, "InvalidGroupId.Malformed"},
		{"an unknown group", ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: id, Groups: []string{"sg-0123456789abcdef0"}}, "InvalidGroup.NotFound"},
		{"an attachment it does not have", ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: id,
			Attachment: &types.NetworkInterfaceAttachmentChanges{AttachmentId: aws.String("eni-attach-0123456789abcdef0"), DeleteOnTermination: aws.Bool(true)}}, "InvalidAttachmentID.NotFound"},
		{"an attachment without the change", ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: id,
			Attachment: &types.NetworkInterfaceAttachmentChanges{AttachmentId: aws.String("eni-attach-0123456789abcdef0")}}, "MissingParameter"},
		{"an unknown interface", ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: aws.String("eni-0123456789abcdef0"),
			Description: &types.AttributeValue{Value: aws.String("x")}}, "InvalidNetworkInterfaceID.NotFound"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.ModifyNetworkInterfaceAttribute(ctx, &tt.in)
			if code := apiCode(t, err); code != tt.code {
				t.Errorf("code %s (%v), want %s", code, err, tt.code)
			}
		})
	}
	if g := func() []types.GroupIdentifier {
		d, err := c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{aws.ToString(id)}})
		if err != nil {
			t.Fatal(err)
		}
		return d.NetworkInterfaces[0].Groups
	}(); len(g) != 1 || aws.ToString(g[0].GroupName) != "default" || aws.ToString(eni.NetworkInterface.Description) != "" {
		t.Errorf("refused changes changed the interface: groups %+v", g)
	}
}
