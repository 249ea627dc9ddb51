package instances

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/cli/render"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// ShowCommand is `ec2x show`: show one instance in full.
var ShowCommand = &cli.Command{
	Name:      "show",
	Usage:     "show one instance in full",
	ArgsUsage: "ID",
	Action: func(c *cli.Context) error {
		e, args, err := command.SetupInstances(c, 1, 1, 1, "instance ID")
		if err != nil {
			return err
		}
		var out ec2.DescribeInstancesOutput
		if err := e.Call("DescribeInstances", &ec2.DescribeInstancesInput{InstanceIds: args}, &out); err != nil {
			return err
		}
		in := out.Instances[0]
		return e.Print(command.View{Data: in, IDs: []string{in.InstanceId}, Plain: func(w io.Writer, color bool) { showInstance(w, in, color) }})
	},
}

func showInstance(w io.Writer, in *ec2.Instance, color bool) {
	name, _ := in.Tag("Name")
	pairs := [][2]string{
		{"InstanceId", in.InstanceId},
		{"Name", render.Dash(name)},
		{"State", in.State.Name},
	}
	if in.StateReason != nil {
		pairs = append(pairs, [2]string{"StateReason", in.StateReason.Message})
	}
	pairs = append(pairs, [][2]string{
		{"InstanceType", in.InstanceType},
		{"CPU", fmt.Sprintf("%d cores x %d threads", in.CpuOptions.CoreCount, in.CpuOptions.ThreadsPerCore)},
		{"ImageId", in.ImageId},
		{"Architecture", in.Architecture},
		{"RootVolume", rootVolume(in)},
		{"KeyName", render.Dash(in.KeyName)},
		{"LaunchTime", in.LaunchTime.UTC().Format(time.RFC3339)},
		{"AvailabilityZone", in.Placement.AvailabilityZone},
		{"HostId", render.Dash(in.Placement.HostId)},
		{"Hypervisor", in.Hypervisor},
		{"VpcId", render.Dash(in.VpcId)},
		{"SubnetId", render.Dash(in.SubnetId)},
		{"PrivateIpAddress", render.Dash(in.PrivateIpAddress)},
		{"PrivateDnsName", render.Dash(in.PrivateDnsName)},
		{"PublicIpAddress", render.Dash(in.PublicIpAddress)},
		{"PublicDnsName", render.Dash(in.PublicDnsName)},
	}...)
	if vols := otherVolumes(in); vols != "" {
		pairs = append(pairs, [2]string{"Volumes", vols})
	}
	if in.InstanceLifecycle == "spot" {
		pairs = append(pairs, [2]string{"Lifecycle", "spot (" + in.SpotInstanceRequestId + ")"})
	}
	if a := in.SpotInstanceAction; a != nil {
		pairs = append(pairs, [2]string{"InstanceAction", a.Action + " at " + a.Time.UTC().Format(time.RFC3339)})
	}
	var groups []string
	for _, g := range in.SecurityGroups {
		groups = append(groups, g.GroupId+" ("+g.GroupName+")")
	}
	pairs = append(pairs, [2]string{"SecurityGroups", render.Dash(strings.Join(groups, ", "))})
	var tags []string
	for _, t := range in.Tags {
		tags = append(tags, t.Key+"="+t.Value)
	}
	pairs = append(pairs, [2]string{"Tags", render.Dash(strings.Join(tags, ", "))})
	kv(w, pairs, color)
	if len(in.NetworkInterfaces) == 0 {
		return
	}
	fmt.Fprintln(w)
	rows := [][]string{}
	for _, ni := range in.NetworkInterfaces {
		for _, p := range ni.PrivateIpAddresses {
			pub := ""
			if p.Association != nil {
				pub = p.Association.PublicIp
			}
			primary := ""
			if p.Primary {
				primary = "primary"
			}
			rows = append(rows, []string{strconv.Itoa(ni.Attachment.DeviceIndex), ni.NetworkInterfaceId, ni.SubnetId,
				p.PrivateIpAddress, render.Dash(pub), render.Dash(primary), ni.MacAddress})
		}
	}
	render.Table(w, []string{"DEVICE", "INTERFACE", "SUBNET", "PRIVATE IP", "PUBLIC IP", "ROLE", "MAC"}, rows, false)
}

// rootVolume is the root volume's size and device ("-" for a record
// older than the size).
func rootVolume(in *ec2.Instance) string {
	if in.RootVolumeSize == 0 {
		return "-"
	}
	return fmt.Sprintf("%d GiB (%s)", in.RootVolumeSize, in.RootDeviceName)
}

// otherVolumes lists the volumes besides the root one: device and ID.
func otherVolumes(in *ec2.Instance) string {
	var out []string
	for _, m := range in.BlockDeviceMappings {
		if m.DeviceName != in.RootDeviceName && m.Ebs != nil {
			out = append(out, m.DeviceName+" "+m.Ebs.VolumeId)
		}
	}
	return strings.Join(out, ", ")
}

// kv prints a key/value listing (for `show`).
func kv(w io.Writer, pairs [][2]string, color bool) { render.Pairs(w, pairs, color) }
