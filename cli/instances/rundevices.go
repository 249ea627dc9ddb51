package instances

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// runDeviceFlags are `run`'s flags for addresses, volumes and placement.
var runDeviceFlags = []cli.Flag{
	&cli.StringFlag{Name: "private-ip", Usage: "the primary private IPv4 address (with --count 1), in --subnet's range or a default subnet's"},
	&cli.StringSliceFlag{Name: "block-device", Usage: "a volume or device (repeatable): DEVICE=SIZE[:TYPE[:IOPS[:THROUGHPUT]]] " +
		"(/dev/sdf=20:gp3, /dev/sdg=100:io1:500), DEVICE=none, DEVICE=ephemeralN, or the AWS CLI's JSON (one mapping or a list)"},
	&cli.StringFlag{Name: "placement-group", Usage: "placement group name"},
	&cli.StringFlag{Name: "iam-profile", Usage: "IAM instance profile name or ARN (recorded and shown)"},
	&cli.BoolFlag{Name: "ebs-optimized", Usage: "launch EBS-optimized (recorded and shown; refused by types without it)"},
	&cli.BoolFlag{Name: "hibernation", Usage: "enable hibernation (stop --hibernate); the root volume is encrypted, as EC2 requires"},
}

// runDevices sets what runDeviceFlags ask for on in.
func runDevices(c *cli.Context, in *ec2.RunInstancesInput) error {
	in.PrivateIpAddress = c.String("private-ip")
	for _, spec := range rejoinJSON(c.StringSlice("block-device")) {
		maps, err := parseBlockDevice(spec)
		if err != nil {
			return err
		}
		in.BlockDeviceMappings = append(in.BlockDeviceMappings, maps...)
	}
	if g := c.String("placement-group"); g != "" {
		if in.Placement == nil {
			in.Placement = &ec2.Placement{}
		}
		in.Placement.GroupName = g
	}
	if p := c.String("iam-profile"); p != "" {
		in.IamInstanceProfile = &ec2.IamInstanceProfileSpecification{Name: p}
		if strings.HasPrefix(p, "arn:") {
			in.IamInstanceProfile = &ec2.IamInstanceProfileSpecification{Arn: p}
		}
	}
	in.EbsOptimized = c.Bool("ebs-optimized")
	if c.Bool("hibernation") {
		in.HibernationOptions = &ec2.HibernationOptionsRequest{Configured: true}
		encryptRoot(in)
	}
	return nil
}

// encryptRoot marks the root volume's mapping encrypted, adding one when
// the request has none: hibernation saves memory there.
func encryptRoot(in *ec2.RunInstancesInput) {
	on := true
	for i, m := range in.BlockDeviceMappings {
		if m.DeviceName == "/dev/xvda" {
			if m.Ebs == nil {
				in.BlockDeviceMappings[i].Ebs = &ec2.EbsBlockDevice{}
			}
			in.BlockDeviceMappings[i].Ebs.Encrypted = &on
			return
		}
	}
	in.BlockDeviceMappings = append(in.BlockDeviceMappings, ec2.BlockDeviceMapping{DeviceName: "/dev/xvda", Ebs: &ec2.EbsBlockDevice{Encrypted: &on}})
}

// parseBlockDevice reads one --block-device: the short form, or JSON as
// the AWS CLI's --block-device-mappings takes it.
func parseBlockDevice(spec string) ([]ec2.BlockDeviceMapping, error) {
	if t := strings.TrimSpace(spec); strings.HasPrefix(t, "[") || strings.HasPrefix(t, "{") {
		var maps []ec2.BlockDeviceMapping
		if strings.HasPrefix(t, "{") {
			t = "[" + t + "]"
		}
		if err := json.Unmarshal([]byte(t), &maps); err != nil {
			return nil, command.Usagef("run: --block-device %s: not a block device mapping: %v", spec, err)
		}
		return maps, nil
	}
	dev, rest, ok := strings.Cut(spec, "=")
	if !ok || dev == "" || rest == "" {
		return nil, command.Usagef("run: --block-device %s: want DEVICE=SIZE[:TYPE[:IOPS[:THROUGHPUT]]], DEVICE=none or DEVICE=ephemeralN", spec)
	}
	m := ec2.BlockDeviceMapping{DeviceName: dev}
	switch {
	case rest == "none":
		m.NoDevice = new(string)
	case strings.HasPrefix(rest, "ephemeral"):
		m.VirtualName = rest
	default:
		parts := strings.Split(rest, ":")
		if len(parts) > 4 {
			return nil, command.Usagef("run: --block-device %s: at most SIZE:TYPE:IOPS:THROUGHPUT", spec)
		}
		m.Ebs = &ec2.EbsBlockDevice{}
		nums := []*int{&m.Ebs.VolumeSize, nil, &m.Ebs.Iops, &m.Ebs.Throughput}
		for i, p := range parts {
			if i == 1 {
				m.Ebs.VolumeType = p
				continue
			}
			if p == "" && i == 0 {
				continue // no size: the image's, for the root device
			}
			n, err := strconv.Atoi(p)
			if err != nil || n <= 0 {
				return nil, command.Usagef("run: --block-device %s: %q is not a positive number", spec, p)
			}
			*nums[i] = n
		}
	}
	return []ec2.BlockDeviceMapping{m}, nil
}

// rejoinJSON undoes the flag parser's split at commas for JSON values:
// a piece that opens a JSON object or list takes the pieces after it
// until its brackets close.
func rejoinJSON(pieces []string) []string {
	var out []string
	var buf strings.Builder
	depth := 0
	for _, p := range pieces {
		if buf.Len() == 0 && !strings.HasPrefix(strings.TrimSpace(p), "{") && !strings.HasPrefix(strings.TrimSpace(p), "[") {
			out = append(out, p)
			continue
		}
		if buf.Len() > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(p)
		depth += bracketDepth(p)
		if depth <= 0 {
			out = append(out, buf.String())
			buf.Reset()
			depth = 0
		}
	}
	if buf.Len() > 0 {
		out = append(out, buf.String()) // unbalanced: JSON's error says so
	}
	return out
}

// bracketDepth is how many more brackets s opens than it closes, outside
// JSON strings.
func bracketDepth(s string) int {
	depth, inString, escaped := 0, false, false
	for _, r := range s {
		switch {
		case escaped:
			escaped = false
		case inString && r == '\\':
			escaped = true
		case r == '"':
			inString = !inString
		case inString:
		case r == '{' || r == '[':
			depth++
		case r == '}' || r == ']':
			depth--
		}
	}
	return depth
}
