package daemon

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// RunInstances' network interfaces, addresses and volumes, launched
// through the SDK and read back through DescribeInstances,
// DescribeNetworkInterfaces and DescribeVolumes, then terminated.

// subnetOf is the default subnet of a zone.
func subnetOf(t *testing.T, c *ec2.Client, zone string) types.Subnet {
	t.Helper()
	out, err := c.DescribeSubnets(context.Background(), &ec2.DescribeSubnetsInput{Filters: []types.Filter{{Name: aws.String("availability-zone"), Values: []string{zone}}}})
	if err != nil || len(out.Subnets) != 1 {
		t.Fatalf("subnet of %s: %v %+v", zone, err, out)
	}
	return out.Subnets[0]
}

// instanceOf describes one instance.
func instanceOf(t *testing.T, c *ec2.Client, id string) types.Instance {
	t.Helper()
	d, err := c.DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	if err != nil || len(d.Reservations) != 1 {
		t.Fatalf("DescribeInstances %s: %v", id, err)
	}
	return d.Reservations[0].Instances[0]
}

// volumesOf is the volumes DescribeVolumes gives for filters, by device.
func volumesOf(t *testing.T, c *ec2.Client, filters ...types.Filter) map[string]types.Volume {
	t.Helper()
	out, err := c.DescribeVolumes(context.Background(), &ec2.DescribeVolumesInput{Filters: filters})
	if err != nil {
		t.Fatalf("DescribeVolumes: %v", err)
	}
	m := map[string]types.Volume{}
	for _, v := range out.Volumes {
		key := aws.ToString(v.VolumeId)
		if len(v.Attachments) == 1 {
			key = aws.ToString(v.Attachments[0].Device)
		}
		m[key] = v
	}
	return m
}

func filter(name string, values ...string) types.Filter {
	return types.Filter{Name: aws.String(name), Values: values}
}

// launchWithEverything launches one m5.large with two interfaces (a new
// primary one with chosen addresses and no public IP, an existing one)
// and three volumes besides its root, and returns it with the existing
// interface's ID.
func launchWithEverything(t *testing.T, c *ec2.Client, sub types.Subnet, group string) (types.Instance, string) {
	t.Helper()
	ctx := context.Background()
	eni, err := c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: sub.SubnetId, Description: aws.String("spare")})
	if err != nil {
		t.Fatal(err)
	}
	base := strings.TrimSuffix(aws.ToString(sub.CidrBlock), ".0/20")
	primary, secondary := base+".10", base+".11"
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{
		MinCount: aws.Int32(1), MaxCount: aws.Int32(1), InstanceType: types.InstanceTypeM5Large,
		NetworkInterfaces: []types.InstanceNetworkInterfaceSpecification{
			{DeviceIndex: aws.Int32(1), NetworkInterfaceId: eni.NetworkInterface.NetworkInterfaceId},
			{DeviceIndex: aws.Int32(0), SubnetId: sub.SubnetId, Groups: []string{group}, Description: aws.String("front"),
				PrivateIpAddresses: []types.PrivateIpAddressSpecification{{PrivateIpAddress: aws.String(primary), Primary: aws.Bool(true)},
					{PrivateIpAddress: aws.String(secondary)}},
				SecondaryPrivateIpAddressCount: aws.Int32(1), DeleteOnTermination: aws.Bool(true), InterfaceType: aws.String("interface")},
		},
		BlockDeviceMappings: []types.BlockDeviceMapping{
			{DeviceName: aws.String("/dev/xvda"), Ebs: &types.EbsBlockDevice{VolumeSize: aws.Int32(20), VolumeType: types.VolumeTypeGp3, Iops: aws.Int32(4000), Throughput: aws.Int32(250)}},
			{DeviceName: aws.String("/dev/sdf"), Ebs: &types.EbsBlockDevice{VolumeSize: aws.Int32(50), VolumeType: types.VolumeTypeIo1, Iops: aws.Int32(500), DeleteOnTermination: aws.Bool(false), Encrypted: aws.Bool(true)}},
			{DeviceName: aws.String("/dev/sdg"), Ebs: &types.EbsBlockDevice{VolumeSize: aws.Int32(10), VolumeType: types.VolumeTypeGp2}},
			{DeviceName: aws.String("/dev/sdh"), Ebs: &types.EbsBlockDevice{VolumeSize: aws.Int32(500), VolumeType: types.VolumeTypeSt1}},
			{DeviceName: aws.String("/dev/sdi"), NoDevice: aws.String("")},
			{DeviceName: aws.String("/dev/sdb"), VirtualName: aws.String("ephemeral0")},
		},
		Placement:  &types.Placement{AvailabilityZoneId: aws.String("use1-az1"), SpreadDomain: aws.String("sd-1")},
		CpuOptions: &types.CpuOptionsRequest{CoreCount: aws.Int32(1), ThreadsPerCore: aws.Int32(2), NestedVirtualization: types.NestedVirtualizationSpecificationDisabled},
	})
	if err != nil {
		t.Fatalf("RunInstances: %v", err)
	}
	return run.Instances[0], aws.ToString(eni.NetworkInterface.NetworkInterfaceId)
}

func TestSDKRunNetworkAndVolumes(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	sub := subnetOf(t, c, "us-east-1b")
	sg, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("web"), Description: aws.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	launched, spare := launchWithEverything(t, c, sub, aws.ToString(sg.GroupId))
	id := aws.ToString(launched.InstanceId)
	in := instanceOf(t, c, id)

	t.Run("interfaces", func(t *testing.T) {
		checkInterfaces(t, in, sub, aws.ToString(sg.GroupId), spare)
		eni, err := c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{spare}})
		if err != nil || eni.NetworkInterfaces[0].Status != types.NetworkInterfaceStatusInUse || aws.ToString(eni.NetworkInterfaces[0].Attachment.InstanceId) != id {
			t.Errorf("the existing interface is not attached: %v %+v", err, eni)
		}
	})
	t.Run("devices", func(t *testing.T) { checkDevices(t, c, in) })
	t.Run("placement and CPU", func(t *testing.T) {
		if aws.ToString(in.Placement.AvailabilityZone) != "us-east-1b" || aws.ToString(in.Placement.SpreadDomain) != "sd-1" {
			t.Errorf("placement %+v, want us-east-1b (use1-az1) with spread domain sd-1", in.Placement)
		}
		if aws.ToInt32(in.CpuOptions.CoreCount) != 1 || aws.ToInt32(in.CpuOptions.ThreadsPerCore) != 2 {
			t.Errorf("CPU options %+v, want 1 core of 2 threads", in.CpuOptions)
		}
	})
	t.Run("filters", func(t *testing.T) { checkRunFilters(t, c, id, spare) })
	t.Run("keep a volume", func(t *testing.T) {
		_, err := c.ModifyInstanceAttribute(ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(id), BlockDeviceMappings: []types.InstanceBlockDeviceMappingSpecification{
			{DeviceName: aws.String("/dev/sdh"), Ebs: &types.EbsInstanceBlockDeviceSpecification{DeleteOnTermination: aws.Bool(false)}}}})
		if err != nil {
			t.Fatal(err)
		}
		v := volumesOf(t, c, filter("attachment.instance-id", id), filter("attachment.delete-on-termination", "false"))
		if _, ok := v["/dev/sdh"]; !ok || len(v) != 2 {
			t.Errorf("volumes kept at termination: %v, want sdf and sdh", v)
		}
	})

	if _, err := c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{id}}); err != nil {
		t.Fatal(err)
	}
	gone := ec2.NewInstanceTerminatedWaiter(c, func(o *ec2.InstanceTerminatedWaiterOptions) {
		o.MinDelay, o.MaxDelay = 50*time.Millisecond, 200*time.Millisecond
	})
	if err := gone.Wait(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}}, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	t.Run("after termination", func(t *testing.T) { checkTerminated(t, c, in, spare) })
}

func checkInterfaces(t *testing.T, in types.Instance, sub types.Subnet, group, spare string) {
	t.Helper()
	if len(in.NetworkInterfaces) != 2 {
		t.Fatalf("%d interfaces, want 2", len(in.NetworkInterfaces))
	}
	base := strings.TrimSuffix(aws.ToString(sub.CidrBlock), ".0/20")
	var first, second types.InstanceNetworkInterface
	for _, ni := range in.NetworkInterfaces {
		if aws.ToInt32(ni.Attachment.DeviceIndex) == 0 {
			first = ni
		} else {
			second = ni
		}
	}
	switch {
	case aws.ToString(in.PrivateIpAddress) != base+".10" || aws.ToString(first.PrivateIpAddress) != base+".10":
		t.Errorf("primary address %s, want %s.10", aws.ToString(in.PrivateIpAddress), base)
	case len(first.PrivateIpAddresses) != 3 || aws.ToString(first.PrivateIpAddresses[1].PrivateIpAddress) != base+".11":
		t.Errorf("addresses %+v, want .10, .11 and one more", first.PrivateIpAddresses)
	case in.PublicIpAddress != nil || first.Association != nil:
		t.Errorf("public IP %s on an instance launched with two interfaces", aws.ToString(in.PublicIpAddress))
	case aws.ToString(first.Description) != "front" || len(first.Groups) != 1 || aws.ToString(first.Groups[0].GroupId) != group:
		t.Errorf("primary interface %+v, want description front and group %s", first, group)
	case aws.ToString(in.SubnetId) != aws.ToString(sub.SubnetId) || !aws.ToBool(first.Attachment.DeleteOnTermination):
		t.Errorf("subnet %s, primary deleted on termination %v", aws.ToString(in.SubnetId), aws.ToBool(first.Attachment.DeleteOnTermination))
	case aws.ToString(second.NetworkInterfaceId) != spare || aws.ToBool(second.Attachment.DeleteOnTermination):
		t.Errorf("device 1 is %s (deleted on termination %v), want the existing %s, kept", aws.ToString(second.NetworkInterfaceId), aws.ToBool(second.Attachment.DeleteOnTermination), spare)
	}
}

func checkDevices(t *testing.T, c *ec2.Client, in types.Instance) {
	t.Helper()
	var names []string
	for _, m := range in.BlockDeviceMappings {
		names = append(names, aws.ToString(m.DeviceName))
		if m.Ebs == nil || !strings.HasPrefix(aws.ToString(m.Ebs.VolumeId), "vol-") || m.Ebs.Status != types.AttachmentStatusAttached || m.Ebs.AttachTime == nil {
			t.Errorf("device %s: %+v", aws.ToString(m.DeviceName), m.Ebs)
		}
	}
	if strings.Join(names, ",") != "/dev/xvda,/dev/sdf,/dev/sdg,/dev/sdh" || aws.ToString(in.RootDeviceName) != "/dev/xvda" || in.RootDeviceType != types.DeviceTypeEbs {
		t.Errorf("devices %v (root %s %s), want the root and sdf, sdg, sdh", names, aws.ToString(in.RootDeviceName), in.RootDeviceType)
	}
	vols := volumesOf(t, c, filter("attachment.instance-id", aws.ToString(in.InstanceId)))
	want := map[string]struct {
		typ              types.VolumeType
		size, iops, tput int32
		keep, encrypted  bool
	}{
		"/dev/xvda": {types.VolumeTypeGp3, 20, 4000, 250, false, false},
		"/dev/sdf":  {types.VolumeTypeIo1, 50, 500, 0, true, true},
		"/dev/sdg":  {types.VolumeTypeGp2, 10, 100, 0, false, false},
		"/dev/sdh":  {types.VolumeTypeSt1, 500, 0, 0, false, false},
	}
	if len(vols) != len(want) {
		t.Fatalf("DescribeVolumes gave %d volumes of the instance, want %d", len(vols), len(want))
	}
	for dev, w := range want {
		v := vols[dev]
		a := v.Attachments[0]
		if v.VolumeType != w.typ || aws.ToInt32(v.Size) != w.size || aws.ToInt32(v.Iops) != w.iops || aws.ToInt32(v.Throughput) != w.tput ||
			aws.ToBool(a.DeleteOnTermination) == w.keep || aws.ToBool(v.Encrypted) != w.encrypted || v.State != types.VolumeStateInUse ||
			aws.ToString(v.AvailabilityZone) != "us-east-1b" {
			t.Errorf("%s: %s %d GiB, %d IOPS, %d MiB/s, encrypted %v, %s in %s, deleted on termination %v; want %+v", dev, v.VolumeType, aws.ToInt32(v.Size),
				aws.ToInt32(v.Iops), aws.ToInt32(v.Throughput), aws.ToBool(v.Encrypted), v.State, aws.ToString(v.AvailabilityZone), aws.ToBool(a.DeleteOnTermination), w)
		}
	}
	for _, m := range in.BlockDeviceMappings {
		if got := aws.ToString(vols[aws.ToString(m.DeviceName)].VolumeId); got != aws.ToString(m.Ebs.VolumeId) {
			t.Errorf("%s is %s in DescribeVolumes, %s in DescribeInstances", aws.ToString(m.DeviceName), got, aws.ToString(m.Ebs.VolumeId))
		}
	}
}

// checkRunFilters runs DescribeInstances and DescribeVolumes filters that
// must find the instance or its volumes, and some that must not.
func checkRunFilters(t *testing.T, c *ec2.Client, id, spare string) {
	t.Helper()
	for _, tc := range []struct {
		f    types.Filter
		want bool
	}{
		{filter("network-interface.attachment.device-index", "1"), true},
		{filter("network-interface.network-interface-id", spare), true},
		{filter("network-interface.addresses.primary", "false"), true},
		{filter("network-interface.description", "front"), true},
		{filter("network-interface.attachment.delete-on-termination", "false"), true},
		{filter("block-device-mapping.device-name", "/dev/sdf"), true},
		{filter("block-device-mapping.device-name", "/dev/sdz"), false},
		{filter("availability-zone-id", "use1-az1"), true},
		{filter("availability-zone-id", "use1-az6"), false},
		{filter("network-interface.association.public-ip", "*"), false},
		{filter("launch-index", "0"), true},
	} {
		out, err := c.DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{Filters: []types.Filter{tc.f, filter("instance-id", id)}})
		if err != nil {
			t.Errorf("%s: %v", aws.ToString(tc.f.Name), err)
			continue
		}
		if got := len(out.Reservations) == 1; got != tc.want {
			t.Errorf("%s=%v found the instance: %v, want %v", aws.ToString(tc.f.Name), tc.f.Values, got, tc.want)
		}
	}
	for _, tc := range []struct {
		f    types.Filter
		want int
	}{
		{filter("attachment.device", "/dev/sdf", "/dev/sdg"), 2},
		{filter("volume-type", "io1"), 1},
		{filter("size", "500"), 1},
		{filter("attachment.delete-on-termination", "false"), 1},
		{filter("encrypted", "true"), 1},
		{filter("status", "in-use"), 4},
		{filter("availability-zone", "us-east-1a"), 0},
	} {
		if got := len(volumesOf(t, c, tc.f, filter("attachment.instance-id", id))); got != tc.want {
			t.Errorf("DescribeVolumes %s=%v: %d volumes, want %d", aws.ToString(tc.f.Name), tc.f.Values, got, tc.want)
		}
	}
}

// checkTerminated: the volume and interface kept are available, the rest
// went with the instance.
func checkTerminated(t *testing.T, c *ec2.Client, in types.Instance, spare string) {
	t.Helper()
	ctx := context.Background()
	kept := map[string]bool{}
	var ids []string
	for _, m := range in.BlockDeviceMappings {
		ids = append(ids, aws.ToString(m.Ebs.VolumeId))
		if dev := aws.ToString(m.DeviceName); dev == "/dev/sdf" || dev == "/dev/sdh" {
			kept[aws.ToString(m.Ebs.VolumeId)] = true
		}
	}
	all := volumesOf(t, c)
	for _, id := range ids {
		v, ok := all[id]
		switch {
		case kept[id] && (!ok || v.State != types.VolumeStateAvailable || len(v.Attachments) != 0):
			t.Errorf("volume %s kept after termination: %v %+v, want available", id, ok, v)
		case !kept[id] && ok:
			t.Errorf("volume %s deleted on termination is still there: %+v", id, v)
		}
	}
	if _, err := c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{ids[2]}}); apiCode(t, err) != "InvalidVolume.NotFound" {
		t.Errorf("a deleted volume by ID: %v", err)
	}
	eni, err := c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{Filters: []types.Filter{filter("description", "front", "spare")}})
	if err != nil || len(eni.NetworkInterfaces) != 1 || aws.ToString(eni.NetworkInterfaces[0].NetworkInterfaceId) != spare ||
		eni.NetworkInterfaces[0].Status != types.NetworkInterfaceStatusAvailable {
		t.Errorf("after termination the interfaces are %v %+v, want only %s, available", err, eni, spare)
	}
}

// A top-level PrivateIpAddress: the instance gets it; another launch with
// it is refused; one outside every subnet too.
func TestSDKRunPrivateIP(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	sub := subnetOf(t, c, "us-east-1c")
	ip := strings.TrimSuffix(aws.ToString(sub.CidrBlock), ".0/20") + ".77"
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), PrivateIpAddress: aws.String(ip)})
	if err != nil {
		t.Fatal(err)
	}
	in := instanceOf(t, c, aws.ToString(run.Instances[0].InstanceId))
	if aws.ToString(in.PrivateIpAddress) != ip || aws.ToString(in.SubnetId) != aws.ToString(sub.SubnetId) || in.PublicIpAddress == nil {
		t.Errorf("launched at %s in %s (public %s), want %s in %s with a public IP", aws.ToString(in.PrivateIpAddress), aws.ToString(in.SubnetId),
			aws.ToString(in.PublicIpAddress), ip, aws.ToString(sub.SubnetId))
	}
	for _, tc := range []struct {
		name, ip, subnet, code string
	}{
		{"in use", ip, "", "InvalidIPAddress.InUse"},
		{"in use, subnet given", ip, aws.ToString(sub.SubnetId), "InvalidIPAddress.InUse"},
		{"outside the subnet", "10.99.0.5", aws.ToString(sub.SubnetId), "InvalidParameterValue"},
		{"outside every subnet", "192.168.0.5", "", "InvalidParameterValue"},
		{"reserved by the subnet", strings.TrimSuffix(ip, ".77") + ".1", aws.ToString(sub.SubnetId), "InvalidParameterValue"},
		{"not an address", "ten", "", "InvalidParameterValue"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), PrivateIpAddress: aws.String(tc.ip)}
			if tc.subnet != "" {
				in.SubnetId = aws.String(tc.subnet)
			}
			_, err := c.RunInstances(ctx, in)
			if got := apiCode(t, err); got != tc.code {
				t.Errorf("got %s (%v), want %s", got, err, tc.code)
			}
		})
	}
}

// Every filter EC2 documents for DescribeInstances is known (an unknown
// one stays refused).
func TestSDKDescribeInstancesEveryFilter(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	documented := strings.Fields(`affinity architecture availability-zone availability-zone-id block-device-mapping.attach-time
	block-device-mapping.delete-on-termination block-device-mapping.device-name block-device-mapping.status block-device-mapping.volume-id
	boot-mode capacity-reservation-id capacity-reservation-specification.capacity-reservation-preference client-token current-instance-boot-mode
	dns-name ebs-optimized ena-support enclave-options.enabled hibernation-options.configured host-id hypervisor iam-instance-profile.arn
	iam-instance-profile.id image-id instance-id instance-lifecycle instance-state-code instance-state-name instance-type instance.group-id
	instance.group-name ip-address ipv6-address kernel-id key-name launch-index launch-time maintenance-options.auto-recovery
	metadata-options.http-endpoint metadata-options.http-protocol-ipv4 metadata-options.http-protocol-ipv6 metadata-options.http-put-response-hop-limit
	metadata-options.http-tokens metadata-options.instance-metadata-tags metadata-options.state monitoring-state
	network-interface.addresses.association.allocation-id network-interface.addresses.association.association-id
	network-interface.addresses.association.carrier-ip network-interface.addresses.association.customer-owned-ip
	network-interface.addresses.association.ip-owner-id network-interface.addresses.association.public-dns-name
	network-interface.addresses.association.public-ip network-interface.addresses.primary network-interface.addresses.private-dns-name
	network-interface.addresses.private-ip-address network-interface.association.allocation-id network-interface.association.association-id
	network-interface.association.carrier-ip network-interface.association.customer-owned-ip network-interface.association.ip-owner-id
	network-interface.association.public-dns-name network-interface.association.public-ip network-interface.attachment.attach-time
	network-interface.attachment.attachment-id network-interface.attachment.delete-on-termination network-interface.attachment.device-index
	network-interface.attachment.instance-id network-interface.attachment.instance-owner-id network-interface.attachment.network-card-index
	network-interface.attachment.status network-interface.availability-zone network-interface.deny-all-igw-traffic network-interface.description
	network-interface.group-id network-interface.group-name network-interface.ipv4-prefixes.ipv4-prefix network-interface.ipv6-address
	network-interface.ipv6-addresses.ipv6-address network-interface.ipv6-addresses.is-primary-ipv6 network-interface.ipv6-native
	network-interface.ipv6-prefixes.ipv6-prefix network-interface.mac-address network-interface.network-interface-id
	network-interface.operator.managed network-interface.operator.principal network-interface.outpost-arn network-interface.owner-id
	network-interface.private-dns-name network-interface.private-ip-address network-interface.public-dns-name network-interface.requester-id
	network-interface.requester-managed network-interface.status network-interface.source-dest-check network-interface.subnet-id
	network-interface.tag-key network-interface.tag-value network-interface.vpc-id network-performance-options.bandwidth-weighting
	operator.managed operator.principal outpost-arn owner-id placement-group-name placement-partition-number platform platform-details
	private-dns-name private-dns-name-options.enable-resource-name-dns-a-record private-dns-name-options.enable-resource-name-dns-aaaa-record
	private-dns-name-options.hostname-type private-ip-address product-code product-code.type ramdisk-id reason requester-id reservation-id
	root-device-name root-device-type source-dest-check spot-instance-request-id state-reason-code state-reason-message subnet-id tag:Name
	tag-key tag-value tenancy tpm-support usage-operation usage-operation-update-time virtualization-type vpc-id`)
	if _, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	var refused []string
	for _, name := range documented {
		if _, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []types.Filter{filter(name, "*")}}); err != nil {
			refused = append(refused, name+" ("+apiCode(t, err)+")")
		}
	}
	if len(refused) > 0 {
		t.Errorf("%d documented filters refused: %s", len(refused), strings.Join(refused, ", "))
	}
	_, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []types.Filter{filter("network-interface.colour", "x")}})
	if apiCode(t, err) != "InvalidParameterValue" {
		t.Errorf("an unknown filter: %v, want InvalidParameterValue", err)
	}
	// Values are matched: a launch at index 0 with a public IP.
	for _, f := range []types.Filter{filter("launch-index", "0"), filter("network-interface.association.ip-owner-id", "amazon"),
		filter("network-interface.addresses.primary", "true"), filter("availability-zone-id", "use1-az*")} {
		out, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []types.Filter{f}})
		if err != nil {
			t.Errorf("%s=%v: %v", aws.ToString(f.Name), f.Values, err)
		} else if len(out.Reservations) != 1 {
			t.Errorf("%s=%v: %d reservations, want 1", aws.ToString(f.Name), f.Values, len(out.Reservations))
		}
	}
	if !slices.Contains(documented, "tag:Name") {
		t.Fatal("the list lost tag:Name")
	}
}
