package template

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/instance"
	"github.com/ec2x/ec2x/core/network"
	"github.com/ec2x/ec2x/core/state"
)

// GetLaunchTemplateData is an instance's launch parameters as template data.
func (s *Service) GetLaunchTemplateData(ctx context.Context, region string, in *ec2.GetLaunchTemplateDataInput) (*ec2.GetLaunchTemplateDataOutput, error) {
	if in.InstanceId == "" {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter InstanceId")
	}
	if !ec2.ValidInstanceID(in.InstanceId) {
		return nil, ec2.Errorf(ec2.CodeInvalidInstanceIDMalformed, "Invalid id: \"%s\"", in.InstanceId)
	}
	r, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	var d *ec2.RequestLaunchTemplateData
	err = r.View(func(r *state.Region) error {
		rec := state.Get(r, instance.Instances, in.InstanceId)
		if rec == nil {
			return ec2.Errorf(ec2.CodeInvalidInstanceIDNotFound, "The instance ID '%s' does not exist", in.InstanceId)
		}
		d = dataOf(r, rec)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.GetLaunchTemplateDataOutput{LaunchTemplateData: responseData(d)}, nil
}

// dataOf is what a launch template would need to launch rec again.
func dataOf(rd state.Reader, rec *instance.Record) *ec2.RequestLaunchTemplateData {
	f := false
	d := &ec2.RequestLaunchTemplateData{
		ImageId: rec.ImageId, InstanceType: rec.InstanceType, KeyName: rec.KeyName,
		Placement:             &ec2.LaunchTemplatePlacementRequest{AvailabilityZone: rec.Placement.AvailabilityZone, Tenancy: rec.Placement.Tenancy},
		Monitoring:            &ec2.LaunchTemplatesMonitoringRequest{Enabled: &f},
		DisableApiTermination: &f, DisableApiStop: &f, EbsOptimized: &f,
		InstanceInitiatedShutdownBehavior: "stop",
	}
	if rec.VolumeGiB > 0 {
		size, del := int(rec.VolumeGiB), true
		d.BlockDeviceMappings = []ec2.LaunchTemplateBlockDeviceMappingRequest{{DeviceName: "/dev/xvda",
			Ebs: &ec2.LaunchTemplateEbsBlockDeviceRequest{VolumeSize: &size, VolumeType: "gp3", DeleteOnTermination: &del}}}
	}
	if len(rec.UserData) > 0 {
		d.UserData = base64.StdEncoding.EncodeToString(rec.UserData)
	}
	var tags []ec2.Tag
	for _, t := range rec.Tags {
		if !strings.HasPrefix(t.Key, "aws:") {
			tags = append(tags, t)
		}
	}
	if len(tags) > 0 {
		d.TagSpecifications = []ec2.LaunchTemplateTagSpecificationRequest{{ResourceType: "instance", Tags: tags}}
	}
	if rec.SpotOf().InstanceLifecycle == "spot" {
		d.InstanceMarketOptions = &ec2.LaunchTemplateInstanceMarketOptionsRequest{MarketType: "spot",
			SpotOptions: &ec2.LaunchTemplateSpotMarketOptionsRequest{InstanceInterruptionBehavior: rec.SpotOf().Interruption}}
		if rec.SpotOf().SpotMaxPrice > 0 {
			d.InstanceMarketOptions.SpotOptions.MaxPrice = strconv.FormatFloat(rec.SpotOf().SpotMaxPrice, 'f', -1, 64)
		}
	}
	for i, id := range rec.Enis {
		e := network.Interface(rd, id)
		if e == nil {
			continue
		}
		idx, del := i, e.DeleteOnTermination
		nic := ec2.LaunchTemplateInstanceNetworkInterfaceSpecificationRequest{DeviceIndex: &idx,
			SubnetId: e.SubnetId, Groups: e.Groups, DeleteOnTermination: &del}
		d.NetworkInterfaces = append(d.NetworkInterfaces, nic)
	}
	return d
}
