package daemon

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// RunInstances refuses network, placement, CPU and device parameters with
// the codes EC2 gives.

func nic(dev int32, f func(*types.InstanceNetworkInterfaceSpecification)) types.InstanceNetworkInterfaceSpecification {
	n := types.InstanceNetworkInterfaceSpecification{DeviceIndex: aws.Int32(dev)}
	if f != nil {
		f(&n)
	}
	return n
}

func disk(dev string, size int32, typ types.VolumeType, f func(*types.EbsBlockDevice)) types.BlockDeviceMapping {
	e := &types.EbsBlockDevice{VolumeType: typ}
	if size > 0 {
		e.VolumeSize = aws.Int32(size)
	}
	if f != nil {
		f(e)
	}
	return types.BlockDeviceMapping{DeviceName: aws.String(dev), Ebs: e}
}

// refusal is a launch and the code EC2 answers it with.
type refusal struct {
	name string
	in   ec2.RunInstancesInput
	code string
}

// networkRefusals are the interface and address cases; spare is an
// available interface, busy one in use, a and b subnets of two zones,
// taken a private address in use in a.
func networkRefusals(spare, busy, a, b, taken string) []refusal {
	nics := func(n ...types.InstanceNetworkInterfaceSpecification) ec2.RunInstancesInput {
		return ec2.RunInstancesInput{NetworkInterfaces: n}
	}
	withSubnet := func(s string) func(*types.InstanceNetworkInterfaceSpecification) {
		return func(n *types.InstanceNetworkInterfaceSpecification) { n.SubnetId = aws.String(s) }
	}
	in := func(in ec2.RunInstancesInput, f func(*ec2.RunInstancesInput)) ec2.RunInstancesInput {
		f(&in)
		return in
	}
	return []refusal{
		{"interfaces and a subnet", in(nics(nic(0, nil)), func(r *ec2.RunInstancesInput) { r.SubnetId = aws.String(a) }), "InvalidParameterCombination"},
		{"interfaces and groups", in(nics(nic(0, nil)), func(r *ec2.RunInstancesInput) { r.SecurityGroupIds = []string{"sg-0123456789abcdef0"} }), "InvalidParameterCombination"},
		{"interfaces and a private IP", in(nics(nic(0, nil)), func(r *ec2.RunInstancesInput) { r.PrivateIpAddress = aws.String(taken) }), "InvalidParameterCombination"},
		{"interfaces and IPv6", in(nics(nic(0, nil)), func(r *ec2.RunInstancesInput) { r.Ipv6AddressCount = aws.Int32(1) }), "InvalidParameterCombination"},
		{"no device index", nics(types.InstanceNetworkInterfaceSpecification{SubnetId: aws.String(a)}), "InvalidParameterValue"},
		{"a device index twice", nics(nic(0, nil), nic(0, nil)), "InvalidParameterValue"},
		{"no primary interface", nics(nic(1, nil)), "InvalidParameterValue"},
		{"a device index past the type's", nics(nic(0, nil), nic(3, nil)), "InvalidParameterValue"},
		{"a public IP with two interfaces", nics(nic(0, func(n *types.InstanceNetworkInterfaceSpecification) { n.AssociatePublicIpAddress = aws.Bool(true) }), nic(1, nil)), "InvalidParameterCombination"},
		{"an existing interface with a subnet", nics(nic(0, func(n *types.InstanceNetworkInterfaceSpecification) {
			n.NetworkInterfaceId, n.SubnetId = aws.String(spare), aws.String(a)
		})), "InvalidParameterCombination"},
		{"an existing interface with a public IP", nics(nic(0, func(n *types.InstanceNetworkInterfaceSpecification) {
			n.NetworkInterfaceId, n.AssociatePublicIpAddress = aws.String(spare), aws.Bool(true)
		})), "InvalidParameterCombination"},
		{"a malformed interface ID", nics(nic(0, func(n *types.InstanceNetworkInterfaceSpecification) { n.NetworkInterfaceId = aws.String("eni-x") })), "InvalidNetworkInterfaceID.Malformed"},
		{"an interface that does not exist", nics(nic(0, func(n *types.InstanceNetworkInterfaceSpecification) {
			n.NetworkInterfaceId = aws.String("eni-0123456789abcdef0")
		})), "InvalidNetworkInterfaceID.NotFound"},
		{"an interface in use", nics(nic(0, func(n *types.InstanceNetworkInterfaceSpecification) { n.NetworkInterfaceId = aws.String(busy) })), "InvalidNetworkInterface.InUse"},
		{"an existing interface for two instances", in(nics(nic(0, func(n *types.InstanceNetworkInterfaceSpecification) { n.NetworkInterfaceId = aws.String(spare) })),
			func(r *ec2.RunInstancesInput) { r.MaxCount = aws.Int32(2) }), "InvalidParameterCombination"},
		{"subnets of two zones", nics(nic(0, withSubnet(a)), nic(1, withSubnet(b))), "InvalidParameterCombination"},
		{"a subnet outside the zone asked for", in(nics(nic(0, withSubnet(a))), func(r *ec2.RunInstancesInput) {
			r.Placement = &types.Placement{AvailabilityZone: aws.String("us-east-1c")}
		}), "InvalidParameterCombination"},
		{"a subnet that does not exist", nics(nic(0, withSubnet("subnet-0123456789abcdef0"))), "InvalidSubnetID.NotFound"},
		{"more addresses than the type allows", nics(nic(0, func(n *types.InstanceNetworkInterfaceSpecification) { n.SecondaryPrivateIpAddressCount = aws.Int32(10) })), "PrivateIpAddressLimitExceeded"},
		{"two primary addresses", nics(nic(0, func(n *types.InstanceNetworkInterfaceSpecification) {
			n.PrivateIpAddress = aws.String(strings.TrimSuffix(taken, ".40") + ".41")
			n.PrivateIpAddresses = []types.PrivateIpAddressSpecification{{PrivateIpAddress: aws.String(strings.TrimSuffix(taken, ".40") + ".42"), Primary: aws.Bool(true)}}
		})), "InvalidParameterValue"},
		{"an interface's address for two instances", in(nics(nic(0, func(n *types.InstanceNetworkInterfaceSpecification) {
			n.SubnetId, n.PrivateIpAddress = aws.String(a), aws.String(strings.TrimSuffix(taken, ".40")+".43")
		})), func(r *ec2.RunInstancesInput) { r.MaxCount = aws.Int32(2) }), "InvalidParameterCombination"},
		{"an interface's address in use", nics(nic(0, func(n *types.InstanceNetworkInterfaceSpecification) {
			n.SubnetId, n.PrivateIpAddress = aws.String(a), aws.String(taken)
		})), "InvalidIPAddress.InUse"},
		{"an interface's IPv6 addresses", nics(nic(0, func(n *types.InstanceNetworkInterfaceSpecification) { n.Ipv6AddressCount = aws.Int32(1) })), "InvalidParameterValue"},
		{"an EFA on a type without", nics(nic(0, func(n *types.InstanceNetworkInterfaceSpecification) { n.InterfaceType = aws.String("efa") })), "InvalidParameterCombination"},
		{"an unknown interface type", nics(nic(0, func(n *types.InstanceNetworkInterfaceSpecification) { n.InterfaceType = aws.String("trunk-ish") })), "InvalidParameterValue"},
		{"IPv4 prefixes", nics(nic(0, func(n *types.InstanceNetworkInterfaceSpecification) { n.Ipv4PrefixCount = aws.Int32(1) })), "Unsupported"},
		{"IPv6 addresses", ec2.RunInstancesInput{Ipv6AddressCount: aws.Int32(1)}, "InvalidParameterValue"},
		{"IPv6 addresses and a count", ec2.RunInstancesInput{Ipv6AddressCount: aws.Int32(1), Ipv6Addresses: []types.InstanceIpv6Address{{Ipv6Address: aws.String("2600:1f18::1")}}}, "InvalidParameterCombination"},
		{"a primary IPv6 address", ec2.RunInstancesInput{EnablePrimaryIpv6: aws.Bool(true)}, "InvalidParameterValue"},
		{"a private IP for two instances", ec2.RunInstancesInput{PrivateIpAddress: aws.String(taken), MaxCount: aws.Int32(2)}, "InvalidParameterCombination"},
	}
}

// otherRefusals are the placement, CPU, accelerator, market and device cases.
func otherRefusals() []refusal {
	return []refusal{
		{"an unknown zone ID", ec2.RunInstancesInput{Placement: &types.Placement{AvailabilityZoneId: aws.String("use1-az9")}}, "InvalidParameterValue"},
		{"a zone and another zone's ID", ec2.RunInstancesInput{Placement: &types.Placement{AvailabilityZone: aws.String("us-east-1a"), AvailabilityZoneId: aws.String("use1-az1")}}, "InvalidParameterCombination"},
		{"host affinity", ec2.RunInstancesInput{Placement: &types.Placement{Affinity: aws.String("host")}}, "InvalidParameterCombination"},
		{"an unknown affinity", ec2.RunInstancesInput{Placement: &types.Placement{Affinity: aws.String("close")}}, "InvalidParameterValue"},
		{"a Dedicated Host", ec2.RunInstancesInput{Placement: &types.Placement{HostId: aws.String("h-0123456789abcdef0")}}, "InvalidHostID.NotFound"},
		{"a partition without a group", ec2.RunInstancesInput{Placement: &types.Placement{PartitionNumber: aws.Int32(2)}}, "InvalidParameterCombination"},
		{"threads the type does not have", ec2.RunInstancesInput{CpuOptions: &types.CpuOptionsRequest{CoreCount: aws.Int32(1), ThreadsPerCore: aws.Int32(3)}}, "InvalidCpuOptions"},
		{"cores outside the valid list", ec2.RunInstancesInput{CpuOptions: &types.CpuOptionsRequest{CoreCount: aws.Int32(2), ThreadsPerCore: aws.Int32(1)}}, "InvalidCpuOptions"},
		{"SEV-SNP on Intel", ec2.RunInstancesInput{CpuOptions: &types.CpuOptionsRequest{AmdSevSnp: types.AmdSevSnpSpecificationEnabled}}, "UnsupportedOperation"},
		{"EBS optimisation the type lacks", ec2.RunInstancesInput{InstanceType: types.InstanceTypeT2Micro, EbsOptimized: aws.Bool(true)}, "InvalidParameterCombination"},
		{"Elastic Graphics", ec2.RunInstancesInput{ElasticGpuSpecification: []types.ElasticGpuSpecification{{Type: aws.String("eg1.medium")}}}, "Unsupported"},
		{"Elastic Inference", ec2.RunInstancesInput{ElasticInferenceAccelerators: []types.ElasticInferenceAccelerator{{Type: aws.String("eia2.medium"), Count: aws.Int32(1)}}}, "Unsupported"},
		{"secondary interfaces", ec2.RunInstancesInput{SecondaryInterfaces: []types.InstanceSecondaryInterfaceSpecificationRequest{{DeviceIndex: aws.Int32(1)}}}, "Unsupported"},
		{"a spot block", ec2.RunInstancesInput{InstanceMarketOptions: &types.InstanceMarketOptionsRequest{MarketType: types.MarketTypeSpot,
			SpotOptions: &types.SpotMarketOptions{BlockDurationMinutes: aws.Int32(60)}}}, "Unsupported"},
		{"ValidUntil on a one-time request", ec2.RunInstancesInput{InstanceMarketOptions: &types.InstanceMarketOptionsRequest{MarketType: types.MarketTypeSpot,
			SpotOptions: &types.SpotMarketOptions{ValidUntil: aws.Time(time.Now().Add(time.Hour))}}}, "InvalidParameterCombination"},
		{"a bad device name", ec2.RunInstancesInput{BlockDeviceMappings: []types.BlockDeviceMapping{disk("/dev/floppy", 10, "", nil)}}, "InvalidBlockDeviceMapping"},
		{"a device twice", ec2.RunInstancesInput{BlockDeviceMappings: []types.BlockDeviceMapping{disk("/dev/sdf", 10, "", nil), disk("sdf", 10, "", nil)}}, "InvalidBlockDeviceMapping"},
		{"Ebs and NoDevice", ec2.RunInstancesInput{BlockDeviceMappings: []types.BlockDeviceMapping{{DeviceName: aws.String("/dev/sdf"), NoDevice: aws.String(""),
			Ebs: &types.EbsBlockDevice{VolumeSize: aws.Int32(1)}}}}, "InvalidBlockDeviceMapping"},
		{"no root device", ec2.RunInstancesInput{BlockDeviceMappings: []types.BlockDeviceMapping{{DeviceName: aws.String("/dev/xvda"), NoDevice: aws.String("")}}}, "InvalidBlockDeviceMapping"},
		{"a volume without size", ec2.RunInstancesInput{BlockDeviceMappings: []types.BlockDeviceMapping{disk("/dev/sdf", 0, types.VolumeTypeGp3, nil)}}, "InvalidBlockDeviceMapping"},
		{"a snapshot that does not exist", ec2.RunInstancesInput{BlockDeviceMappings: []types.BlockDeviceMapping{disk("/dev/sdf", 0, "", func(e *types.EbsBlockDevice) {
			e.SnapshotId = aws.String("snap-0123456789abcdef0")
		})}}, "InvalidSnapshot.NotFound"},
		{"a malformed snapshot ID", ec2.RunInstancesInput{BlockDeviceMappings: []types.BlockDeviceMapping{disk("/dev/sdf", 0, "", func(e *types.EbsBlockDevice) {
			e.SnapshotId = aws.String("snap-x")
		})}}, "InvalidSnapshotID.Malformed"},
		{"gp3 past 64 TiB", ec2.RunInstancesInput{BlockDeviceMappings: []types.BlockDeviceMapping{disk("/dev/sdf", 65537, types.VolumeTypeGp3, nil)}}, "InvalidParameterValue"},
		{"io2 below 4 GiB", ec2.RunInstancesInput{BlockDeviceMappings: []types.BlockDeviceMapping{disk("/dev/sdf", 2, types.VolumeTypeIo2, func(e *types.EbsBlockDevice) { e.Iops = aws.Int32(100) })}}, "InvalidParameterValue"},
		{"st1 below 125 GiB", ec2.RunInstancesInput{BlockDeviceMappings: []types.BlockDeviceMapping{disk("/dev/sdf", 100, types.VolumeTypeSt1, nil)}}, "InvalidParameterValue"},
		{"standard past 1 TiB", ec2.RunInstancesInput{BlockDeviceMappings: []types.BlockDeviceMapping{disk("/dev/sdf", 2000, types.VolumeTypeStandard, nil)}}, "InvalidParameterValue"},
		{"a root volume past gp2's size", ec2.RunInstancesInput{BlockDeviceMappings: []types.BlockDeviceMapping{disk("/dev/xvda", 20000, types.VolumeTypeGp2, nil)}}, "InvalidParameterValue"},
		{"throughput on gp2", ec2.RunInstancesInput{BlockDeviceMappings: []types.BlockDeviceMapping{disk("/dev/sdf", 10, types.VolumeTypeGp2, func(e *types.EbsBlockDevice) { e.Throughput = aws.Int32(200) })}}, "InvalidParameterCombination"},
		{"IOPS on st1", ec2.RunInstancesInput{BlockDeviceMappings: []types.BlockDeviceMapping{disk("/dev/sdf", 500, types.VolumeTypeSt1, func(e *types.EbsBlockDevice) { e.Iops = aws.Int32(200) })}}, "InvalidParameterCombination"},
		{"gp3 throughput below 125", ec2.RunInstancesInput{BlockDeviceMappings: []types.BlockDeviceMapping{disk("/dev/sdf", 10, types.VolumeTypeGp3, func(e *types.EbsBlockDevice) { e.Throughput = aws.Int32(100) })}}, "InvalidParameterValue"},
		{"io2 past 1000 IOPS per GiB", ec2.RunInstancesInput{BlockDeviceMappings: []types.BlockDeviceMapping{disk("/dev/sdf", 10, types.VolumeTypeIo2, func(e *types.EbsBlockDevice) { e.Iops = aws.Int32(20000) })}}, "InvalidParameterValue"},
		{"an unknown volume type", ec2.RunInstancesInput{BlockDeviceMappings: []types.BlockDeviceMapping{disk("/dev/sdf", 10, "gp9", nil)}}, "InvalidParameterValue"},
		{"a bad instance store name", ec2.RunInstancesInput{BlockDeviceMappings: []types.BlockDeviceMapping{{DeviceName: aws.String("/dev/sdb"), VirtualName: aws.String("ephemeral99")}}}, "InvalidParameterValue"},
	}
}

func TestSDKRunRefusals(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	a, b := subnetOf(t, c, "us-east-1a"), subnetOf(t, c, "us-east-1b")
	taken := strings.TrimSuffix(aws.ToString(a.CidrBlock), ".0/20") + ".40"
	eni := func() string {
		out, err := c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: a.SubnetId})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.NetworkInterface.NetworkInterfaceId)
	}
	spare, busy := eni(), eni()
	if _, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), PrivateIpAddress: aws.String(taken),
		NetworkInterfaces: nil, SubnetId: a.SubnetId}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		NetworkInterfaces: []types.InstanceNetworkInterfaceSpecification{nic(0, func(n *types.InstanceNetworkInterfaceSpecification) { n.NetworkInterfaceId = aws.String(busy) })}}); err != nil {
		t.Fatal(err)
	}
	before := sdkInstanceCount(t, c)
	for _, tc := range append(networkRefusals(spare, busy, aws.ToString(a.SubnetId), aws.ToString(b.SubnetId), taken), otherRefusals()...) {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			if in.InstanceType == "" {
				in.InstanceType = types.InstanceTypeM5Large
			}
			in.MinCount = aws.Int32(1)
			if in.MaxCount == nil {
				in.MaxCount = aws.Int32(1)
			}
			_, err := c.RunInstances(ctx, &in)
			if code := apiCode(t, err); code != tc.code {
				t.Errorf("code %s (%v), want %s", code, err, tc.code)
			}
		})
	}
	if after := sdkInstanceCount(t, c); after != before {
		t.Errorf("%d instances after the refusals, %d before", after, before)
	}
}

func sdkInstanceCount(t *testing.T, c *ec2.Client) int {
	t.Helper()
	out, err := c.DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range out.Reservations {
		n += len(r.Instances)
	}
	return n
}
