package daemon

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// RunInstances' options, as Terraform's aws_instance sends them, read back
// through DescribeInstances, and the root volume through DescribeVolumes.
func TestSDKRunInstancesOptions(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{
		MinCount: aws.Int32(1), MaxCount: aws.Int32(1), InstanceType: types.InstanceTypeM5Xlarge,
		BlockDeviceMappings: []types.BlockDeviceMapping{{DeviceName: aws.String("/dev/xvda"), Ebs: &types.EbsBlockDevice{
			VolumeSize: aws.Int32(20), VolumeType: types.VolumeTypeIo2, Iops: aws.Int32(4000), Encrypted: aws.Bool(true), DeleteOnTermination: aws.Bool(false)}}},
		EbsOptimized:                     aws.Bool(true),
		HibernationOptions:               &types.HibernationOptionsRequest{Configured: aws.Bool(true)},
		IamInstanceProfile:               &types.IamInstanceProfileSpecification{Name: aws.String("web-role")},
		CpuOptions:                       &types.CpuOptionsRequest{CoreCount: aws.Int32(1), ThreadsPerCore: aws.Int32(1)},
		PrivateDnsNameOptions:            &types.PrivateDnsNameOptionsRequest{HostnameType: types.HostnameTypeResourceName, EnableResourceNameDnsARecord: aws.Bool(true)},
		MaintenanceOptions:               &types.InstanceMaintenanceOptionsRequest{AutoRecovery: types.InstanceAutoRecoveryStateDisabled},
		CapacityReservationSpecification: &types.CapacityReservationSpecification{CapacityReservationPreference: types.CapacityReservationPreferenceNone},
		EnclaveOptions:                   &types.EnclaveOptionsRequest{Enabled: aws.Bool(true)},
		Placement:                        &types.Placement{Tenancy: types.TenancyDedicated},
	})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(run.Instances[0].InstanceId)
	d, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	if err != nil {
		t.Fatal(err)
	}
	in := d.Reservations[0].Instances[0]
	checks := []struct {
		what string
		ok   bool
	}{
		{"EbsOptimized", aws.ToBool(in.EbsOptimized)},
		{"HibernationOptions", in.HibernationOptions != nil && aws.ToBool(in.HibernationOptions.Configured)},
		{"IamInstanceProfile", in.IamInstanceProfile != nil && aws.ToString(in.IamInstanceProfile.Arn) == "arn:aws:iam::123456789012:instance-profile/web-role"},
		{"CpuOptions", in.CpuOptions != nil && aws.ToInt32(in.CpuOptions.CoreCount) == 1 && aws.ToInt32(in.CpuOptions.ThreadsPerCore) == 1},
		{"PrivateDnsNameOptions", in.PrivateDnsNameOptions != nil && in.PrivateDnsNameOptions.HostnameType == types.HostnameTypeResourceName},
		{"MaintenanceOptions", in.MaintenanceOptions != nil && in.MaintenanceOptions.AutoRecovery == types.InstanceAutoRecoveryStateDisabled},
		{"CapacityReservationSpecification", in.CapacityReservationSpecification != nil && in.CapacityReservationSpecification.CapacityReservationPreference == types.CapacityReservationPreferenceNone},
		{"EnclaveOptions", in.EnclaveOptions != nil && aws.ToBool(in.EnclaveOptions.Enabled)},
		{"Placement.Tenancy", in.Placement != nil && in.Placement.Tenancy == types.TenancyDedicated},
		{"root device mapping", len(in.BlockDeviceMappings) == 1 && aws.ToString(in.BlockDeviceMappings[0].DeviceName) == "/dev/xvda" &&
			in.BlockDeviceMappings[0].Ebs != nil && !aws.ToBool(in.BlockDeviceMappings[0].Ebs.DeleteOnTermination)},
	}
	for _, ch := range checks {
		if !ch.ok {
			t.Errorf("%s not as launched: %+v", ch.what, in)
		}
	}
	vol := aws.ToString(in.BlockDeviceMappings[0].Ebs.VolumeId)
	v, err := c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{vol}})
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Volumes[0]; aws.ToInt32(got.Size) != 20 || got.VolumeType != types.VolumeTypeIo2 || aws.ToInt32(got.Iops) != 4000 ||
		!aws.ToBool(got.Encrypted) || got.State != types.VolumeStateInUse || len(got.Attachments) != 1 || aws.ToString(got.Attachments[0].InstanceId) != id {
		t.Errorf("root volume %+v", got)
	}
	byFilter, err := c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{Filters: []types.Filter{
		{Name: aws.String("attachment.instance-id"), Values: []string{id}}, {Name: aws.String("volume-type"), Values: []string{"io*"}}}})
	if err != nil || len(byFilter.Volumes) != 1 {
		t.Errorf("filtered volumes %+v (%v)", byFilter, err)
	}
	_, err = c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{"vol-0123456789abcdef0"}})
	if code := apiCode(t, err); code != "InvalidVolume.NotFound" {
		t.Errorf("unknown volume: %s", code)
	}
	_, err = c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{"vol-x"}})
	if code := apiCode(t, err); code != "InvalidVolumeID.Malformed" {
		t.Errorf("malformed volume: %s", code)
	}

	ebs := func(typ types.VolumeType, iops int32) []types.BlockDeviceMapping {
		e := &types.EbsBlockDevice{VolumeType: typ, VolumeSize: aws.Int32(20)}
		if iops > 0 {
			e.Iops = aws.Int32(iops)
		}
		return []types.BlockDeviceMapping{{DeviceName: aws.String("/dev/xvda"), Ebs: e}}
	}
	for _, tc := range []struct {
		name string
		in   ec2.RunInstancesInput
		code string
	}{
		{"a placement group that does not exist", ec2.RunInstancesInput{Placement: &types.Placement{GroupName: aws.String("cluster")}}, "InvalidPlacementGroup.Unknown"},
		{"io1 without iops", ec2.RunInstancesInput{BlockDeviceMappings: ebs(types.VolumeTypeIo1, 0)}, "InvalidParameterCombination"},
		{"gp2 with iops", ec2.RunInstancesInput{BlockDeviceMappings: ebs(types.VolumeTypeGp2, 500)}, "InvalidParameterCombination"},
		{"gp3 iops past 16000", ec2.RunInstancesInput{BlockDeviceMappings: ebs(types.VolumeTypeGp3, 20000)}, "InvalidParameterValue"},
		{"io1 past 50 IOPS per GiB", ec2.RunInstancesInput{BlockDeviceMappings: ebs(types.VolumeTypeIo1, 5000)}, "InvalidParameterValue"},
		{"st1 boot volume", ec2.RunInstancesInput{BlockDeviceMappings: ebs(types.VolumeTypeSt1, 0)}, "InvalidBlockDeviceMapping"},
		{"hibernation without encryption", ec2.RunInstancesInput{HibernationOptions: &types.HibernationOptionsRequest{Configured: aws.Bool(true)}}, "UnsupportedHibernationConfiguration"},
		{"more cores than the type", ec2.RunInstancesInput{CpuOptions: &types.CpuOptionsRequest{CoreCount: aws.Int32(8), ThreadsPerCore: aws.Int32(1)}}, "InvalidCpuOptions"},
		{"a capacity reservation that does not exist", ec2.RunInstancesInput{CapacityReservationSpecification: &types.CapacityReservationSpecification{
			CapacityReservationTarget: &types.CapacityReservationTarget{CapacityReservationId: aws.String("cr-0123456789abcdef0")}}}, "InvalidCapacityReservationId.NotFound"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.MinCount, in.MaxCount = aws.Int32(1), aws.Int32(1)
			_, err := c.RunInstances(ctx, &in)
			if code := apiCode(t, err); code != tc.code {
				t.Errorf("code %s, want %s", code, tc.code)
			}
		})
	}
}
