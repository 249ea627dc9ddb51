package daemon

import (
	"context"
	"testing"
	"time"

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
		CpuOptions:                       &types.CpuOptionsRequest{CoreCount: aws.Int32(2), ThreadsPerCore: aws.Int32(1)},
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
		{"CpuOptions", in.CpuOptions != nil && aws.ToInt32(in.CpuOptions.CoreCount) == 2 && aws.ToInt32(in.CpuOptions.ThreadsPerCore) == 1},
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
		{"gp3 iops past 80000", ec2.RunInstancesInput{BlockDeviceMappings: ebs(types.VolumeTypeGp3, 90000)}, "InvalidParameterValue"},
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

// The Modify*Options actions and instance profile associations.
func TestSDKModifyOptionsAndProfiles(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), InstanceType: types.InstanceTypeM5Xlarge,
		IamInstanceProfile: &types.IamInstanceProfileSpecification{Name: aws.String("first")}})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(run.Instances[0].InstanceId)
	running := ec2.NewInstanceRunningWaiter(c, func(o *ec2.InstanceRunningWaiterOptions) {
		o.MinDelay, o.MaxDelay = 50*time.Millisecond, 200*time.Millisecond
	})
	if err := running.Wait(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}}, time.Minute); err != nil {
		t.Fatal(err)
	}
	describe := func() types.Instance {
		t.Helper()
		d, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
		if err != nil {
			t.Fatal(err)
		}
		return d.Reservations[0].Instances[0]
	}
	_, err = c.ModifyInstanceCpuOptions(ctx, &ec2.ModifyInstanceCpuOptionsInput{InstanceId: aws.String(id), CoreCount: aws.Int32(1), ThreadsPerCore: aws.Int32(1)})
	if code := apiCode(t, err); code != "IncorrectInstanceState" {
		t.Errorf("CPU options of a running instance: %s, want IncorrectInstanceState", code)
	}
	if _, err := c.ModifyInstanceMaintenanceOptions(ctx, &ec2.ModifyInstanceMaintenanceOptionsInput{InstanceId: aws.String(id), AutoRecovery: types.InstanceAutoRecoveryStateDisabled}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ModifyInstanceNetworkPerformanceOptions(ctx, &ec2.ModifyInstanceNetworkPerformanceOptionsInput{InstanceId: aws.String(id), BandwidthWeighting: types.InstanceBandwidthWeightingVpc1}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ModifyPrivateDnsNameOptions(ctx, &ec2.ModifyPrivateDnsNameOptionsInput{InstanceId: aws.String(id), EnableResourceNameDnsARecord: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	in := describe()
	if in.MaintenanceOptions.AutoRecovery != types.InstanceAutoRecoveryStateDisabled || in.NetworkPerformanceOptions.BandwidthWeighting != types.InstanceBandwidthWeightingVpc1 ||
		!aws.ToBool(in.PrivateDnsNameOptions.EnableResourceNameDnsARecord) {
		t.Errorf("options after the changes: %+v %+v %+v", in.MaintenanceOptions, in.NetworkPerformanceOptions, in.PrivateDnsNameOptions)
	}
	if _, err := c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{id}}); err != nil {
		t.Fatal(err)
	}
	w := ec2.NewInstanceStoppedWaiter(c, func(o *ec2.InstanceStoppedWaiterOptions) {
		o.MinDelay, o.MaxDelay = 50*time.Millisecond, 200*time.Millisecond
	})
	if err := w.Wait(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}}, time.Minute); err != nil {
		t.Fatal(err)
	}
	// An m5.xlarge's only valid core count is 2 (the catalogue's list).
	_, err = c.ModifyInstanceCpuOptions(ctx, &ec2.ModifyInstanceCpuOptionsInput{InstanceId: aws.String(id), CoreCount: aws.Int32(1), ThreadsPerCore: aws.Int32(1)})
	if code := apiCode(t, err); code != "InvalidCpuOptions" {
		t.Errorf("1 core on an m5.xlarge: %s, want InvalidCpuOptions", code)
	}
	cpu, err := c.ModifyInstanceCpuOptions(ctx, &ec2.ModifyInstanceCpuOptionsInput{InstanceId: aws.String(id), CoreCount: aws.Int32(2), ThreadsPerCore: aws.Int32(1)})
	if err != nil || aws.ToInt32(cpu.CoreCount) != 2 || aws.ToInt32(cpu.ThreadsPerCore) != 1 {
		t.Fatalf("CPU options of a stopped instance: %+v %v", cpu, err)
	}
	if _, err := c.ModifyInstancePlacement(ctx, &ec2.ModifyInstancePlacementInput{InstanceId: aws.String(id), Tenancy: types.HostTenancyDedicated}); err != nil {
		t.Fatal(err)
	}
	if in := describe(); in.Placement.Tenancy != types.TenancyDedicated || aws.ToInt32(in.CpuOptions.ThreadsPerCore) != 1 {
		t.Errorf("placement %+v, CPU %+v", in.Placement, in.CpuOptions)
	}
	_, err = c.ModifyInstancePlacement(ctx, &ec2.ModifyInstancePlacementInput{InstanceId: aws.String(id), GroupName: aws.String("cluster")})
	if code := apiCode(t, err); code != "InvalidPlacementGroup.Unknown" {
		t.Errorf("a placement group: %s", code)
	}

	// The profile given at launch is an association; replace, then remove it.
	assoc, err := c.DescribeIamInstanceProfileAssociations(ctx, &ec2.DescribeIamInstanceProfileAssociationsInput{
		Filters: []types.Filter{{Name: aws.String("instance-id"), Values: []string{id}}}})
	if err != nil || len(assoc.IamInstanceProfileAssociations) != 1 {
		t.Fatalf("associations %+v (%v)", assoc, err)
	}
	first := aws.ToString(assoc.IamInstanceProfileAssociations[0].AssociationId)
	_, err = c.AssociateIamInstanceProfile(ctx, &ec2.AssociateIamInstanceProfileInput{InstanceId: aws.String(id), IamInstanceProfile: &types.IamInstanceProfileSpecification{Name: aws.String("second")}})
	if code := apiCode(t, err); code != "IncorrectState" {
		t.Errorf("a second association: %s, want IncorrectState", code)
	}
	rep, err := c.ReplaceIamInstanceProfileAssociation(ctx, &ec2.ReplaceIamInstanceProfileAssociationInput{AssociationId: aws.String(first),
		IamInstanceProfile: &types.IamInstanceProfileSpecification{Name: aws.String("second")}})
	if err != nil || aws.ToString(rep.IamInstanceProfileAssociation.AssociationId) == first {
		t.Fatalf("replace: %+v %v", rep, err)
	}
	if arn := aws.ToString(describe().IamInstanceProfile.Arn); arn != "arn:aws:iam::123456789012:instance-profile/second" {
		t.Errorf("profile after replacing: %s", arn)
	}
	if _, err := c.DisassociateIamInstanceProfile(ctx, &ec2.DisassociateIamInstanceProfileInput{AssociationId: rep.IamInstanceProfileAssociation.AssociationId}); err != nil {
		t.Fatal(err)
	}
	if p := describe().IamInstanceProfile; p != nil {
		t.Errorf("profile after disassociating: %+v", p)
	}
	_, err = c.DisassociateIamInstanceProfile(ctx, &ec2.DisassociateIamInstanceProfileInput{AssociationId: aws.String(first)})
	if code := apiCode(t, err); code != "InvalidAssociationID.NotFound" {
		t.Errorf("an old association: %s", code)
	}
}
