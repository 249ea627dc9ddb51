package core

import (
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
)

// A launch's interfaces and volumes over a stop and start, a restart and
// termination: an instance launched without a public IP gets none at its
// next start either; volumes are stored with the launch and come back
// after a restart; at termination the one kept becomes available.
func TestRunVolumesAndInterfacesLast(t *testing.T) {
	e := newEnvWith(t, "", envOptions{sync: true})
	keep, drop := false, true
	private := e.run(use1, &ec2.RunInstancesInput{InstanceType: "m5.large",
		NetworkInterfaces: []ec2.InstanceNetworkInterfaceSpecification{{DeviceIndex: ptr(0), AssociatePublicIpAddress: ptr(false)}},
		BlockDeviceMappings: []ec2.BlockDeviceMapping{
			{DeviceName: "/dev/sdf", Ebs: &ec2.EbsBlockDevice{VolumeSize: 30, VolumeType: "gp2", DeleteOnTermination: &keep}},
			{DeviceName: "/dev/sdg", Ebs: &ec2.EbsBlockDevice{VolumeSize: 40, DeleteOnTermination: &drop}},
		}}).Instances[0].InstanceId
	public := e.run(use1, &ec2.RunInstancesInput{}).Instances[0].InstanceId
	e.advance(e.bootTime())
	e.wait(use1, ec2.StateRunning, private, public)

	e.stop(use1, false, private, public)
	e.advance(e.stopTime())
	e.wait(use1, ec2.StateStopped, private, public)
	e.start(use1, private, public)
	e.advance(e.bootTime())
	after := e.wait(use1, ec2.StateRunning, private, public)
	if after[0].PublicIpAddress != "" || after[1].PublicIpAddress == "" {
		t.Errorf("after a start: public IPs %q (launched without) and %q (launched with)", after[0].PublicIpAddress, after[1].PublicIpAddress)
	}

	vols := func() map[string]ec2.Volume {
		out, err := e.c.DescribeVolumes(e.ctx, use1, &ec2.DescribeVolumesInput{})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]ec2.Volume{}
		for _, v := range out.Volumes {
			m[v.VolumeId] = v
		}
		return m
	}
	devices := e.get(use1, private).BlockDeviceMappings
	if len(devices) != 3 {
		t.Fatalf("devices %+v, want the root, sdf and sdg", devices)
	}
	before := jsonOf(t, vols())
	checkInvariants(t, e, use1)
	e.reopen()
	if got := jsonOf(t, vols()); got != before {
		t.Errorf("volumes after a restart:\n%s\nbefore:\n%s", got, before)
	}
	checkInvariants(t, e, use1)

	e.terminate(use1, private)
	e.advance(e.stopTime())
	e.wait(use1, ec2.StateTerminated, private)
	e.reopen()
	left := vols()
	sdf, sdg := left[devices[1].Ebs.VolumeId], left[devices[2].Ebs.VolumeId]
	if sdf.State != "available" || len(sdf.Attachments) != 0 || sdf.Size != 30 || sdg.VolumeId != "" {
		t.Errorf("after termination and a restart: sdf %+v (want available), sdg %+v (want gone)", sdf, sdg)
	}
	if _, ok := left[devices[0].Ebs.VolumeId]; ok {
		t.Errorf("the root volume, deleted on termination, is still listed")
	}
}
