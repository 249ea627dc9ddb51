package instance

import (
	"context"
	"encoding/base64"
	"slices"
	"strconv"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/network"
	"github.com/ec2x/ec2x/core/state"
)

// instanceAttributes are the attribute names EC2 knows, for Describe.
var instanceAttributes = []string{"instanceType", "kernel", "ramdisk", "userData", "disableApiTermination",
	"instanceInitiatedShutdownBehavior", "rootDeviceName", "blockDeviceMapping", "productCodes", "sourceDestCheck",
	"groupSet", "ebsOptimized", "sriovNetSupport", "enaSupport", "enclaveOptions", "disableApiStop"}

// typedGiven names the typed attributes a request sets.
func typedGiven(in *ec2.ModifyInstanceAttributeInput) []string {
	var given []string
	add := func(set bool, name string) {
		if set {
			given = append(given, name)
		}
	}
	add(in.InstanceType != nil, "instanceType")
	add(in.UserData != nil, "userData")
	add(in.Kernel != nil, "kernel")
	add(in.Ramdisk != nil, "ramdisk")
	add(in.DisableApiTermination != nil, "disableApiTermination")
	add(in.DisableApiStop != nil, "disableApiStop")
	add(in.InstanceInitiatedShutdownBehavior != nil, "instanceInitiatedShutdownBehavior")
	add(len(in.BlockDeviceMappings) > 0, "blockDeviceMapping")
	add(in.SourceDestCheck != nil, "sourceDestCheck")
	add(len(in.Groups) > 0, "groupSet")
	add(in.EbsOptimized != nil, "ebsOptimized")
	add(in.SriovNetSupport != nil, "sriovNetSupport")
	add(in.EnaSupport != nil, "enaSupport")
	add(in.EnclaveOptions != nil, "enclaveOptions")
	return given
}

// typedAttribute checks that a request changes exactly one attribute and
// returns it in the typed form (Attribute and Value turned into their field).
func typedAttribute(in *ec2.ModifyInstanceAttributeInput) (*ec2.ModifyInstanceAttributeInput, error) {
	given := typedGiven(in)
	switch {
	case len(given) > 1 || (len(given) == 1 && in.Attribute != ""):
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "Only one attribute can be modified at a time")
	case len(given) == 1:
		return in, valueGiven(in)
	case in.Attribute == "":
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain an attribute to modify")
	}
	t := &ec2.ModifyInstanceAttributeInput{InstanceId: in.InstanceId, DryRun: in.DryRun}
	str := &ec2.AttributeValue{Value: in.Value}
	var flag *ec2.AttributeBooleanValue
	switch in.Attribute {
	case "disableApiTermination", "disableApiStop", "sourceDestCheck", "ebsOptimized", "enaSupport":
		b, err := strconv.ParseBool(in.Value)
		if err != nil {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter value is invalid. Expected a boolean for %s.", in.Value, in.Attribute)
		}
		flag = ec2.BoolValue(b)
	}
	switch in.Attribute {
	case "instanceType":
		t.InstanceType = str
	case "userData":
		t.UserData = str
	case "kernel":
		t.Kernel = str
	case "ramdisk":
		t.Ramdisk = str
	case "instanceInitiatedShutdownBehavior":
		t.InstanceInitiatedShutdownBehavior = str
	case "sriovNetSupport":
		t.SriovNetSupport = str
	case "groupSet":
		t.Groups = []string{in.Value}
	case "disableApiTermination":
		t.DisableApiTermination = flag
	case "disableApiStop":
		t.DisableApiStop = flag
	case "sourceDestCheck":
		t.SourceDestCheck = flag
	case "ebsOptimized":
		t.EbsOptimized = flag
	case "enaSupport":
		t.EnaSupport = flag
	case "rootDeviceName", "productCodes", "enclaveOptions", "blockDeviceMapping":
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "The attribute '%s' can not be modified with a Value.", in.Attribute)
	default:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter attribute is invalid. Unknown attribute.", in.Attribute)
	}
	return t, nil
}

// valueGiven checks that a typed boolean attribute carries its Value.
func valueGiven(in *ec2.ModifyInstanceAttributeInput) error {
	for name, b := range map[string]*ec2.AttributeBooleanValue{"DisableApiTermination": in.DisableApiTermination,
		"DisableApiStop": in.DisableApiStop, "SourceDestCheck": in.SourceDestCheck, "EbsOptimized": in.EbsOptimized, "EnaSupport": in.EnaSupport} {
		if b != nil && b.Value == nil {
			return ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter %s.Value", name)
		}
	}
	return nil
}

// stoppedOnly reports whether the attribute may change only while the
// instance is stopped.
func stoppedOnly(in *ec2.ModifyInstanceAttributeInput) bool {
	return in.InstanceType != nil || in.UserData != nil || in.Kernel != nil || in.Ramdisk != nil ||
		in.EbsOptimized != nil || in.EnaSupport != nil || in.SriovNetSupport != nil || in.EnclaveOptions != nil
}

// modifyAttr applies a change of an attribute other than the type and
// user data to n (and to the primary interface for its groups and
// source/destination check).
func (s *Service) modifyAttr(tx *state.Tx, r, n *Record, in *ec2.ModifyInstanceAttributeInput) error {
	switch {
	case in.Kernel != nil:
		n.editAttrs().KernelId = in.Kernel.Value
	case in.Ramdisk != nil:
		n.editAttrs().RamdiskId = in.Ramdisk.Value
	case in.DisableApiTermination != nil:
		n.editAttrs().DisableApiTermination = *in.DisableApiTermination.Value
	case in.DisableApiStop != nil:
		n.editAttrs().DisableApiStop = *in.DisableApiStop.Value
	case in.InstanceInitiatedShutdownBehavior != nil:
		a, err := launchAttrs(&ec2.RunInstancesInput{InstanceInitiatedShutdownBehavior: in.InstanceInitiatedShutdownBehavior.Value})
		if err != nil {
			return err
		}
		n.editAttrs().ShutdownBehavior = a.ShutdownBehavior
	case in.EbsOptimized != nil:
		n.editAttrs().EbsOptimizedAttr = *in.EbsOptimized.Value
	case in.EnaSupport != nil:
		n.editAttrs().NoEnaSupport = !*in.EnaSupport.Value
	case in.SriovNetSupport != nil:
		if in.SriovNetSupport.Value != "simple" {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter sriovNetSupport is invalid. Supported value: simple", in.SriovNetSupport.Value)
		}
		n.editAttrs().SriovNetSupport = "simple"
	case in.EnclaveOptions != nil:
		return s.modifyEnclaves(n, in.EnclaveOptions.Enabled)
	case len(in.BlockDeviceMappings) > 0:
		return modifyDevices(r, n, in.BlockDeviceMappings)
	case in.SourceDestCheck != nil, len(in.Groups) > 0:
		return s.modifyPrimary(tx, r, in)
	}
	return nil
}

// modifyEnclaves turns Nitro Enclaves on or off: on only where the type
// supports them and not beside hibernation, as EC2 has it.
func (s *Service) modifyEnclaves(n *Record, on bool) error {
	if on {
		if t := s.cfg.Types[n.InstanceType]; t == nil || t.NitroEnclaves != "supported" {
			return ec2.Errorf(ec2.CodeUnsupportedOperation, "Nitro Enclaves are not supported for the instance type %s.", n.InstanceType)
		}
		if n.Opts().Hibernation {
			return ec2.Errorf(ec2.CodeInvalidParameterCombination, "You can't enable hibernation and Nitro Enclaves on the same instance.")
		}
	}
	n.editAttrs().EnclavesEnabled = on
	return nil
}

// modifyDevices changes DeleteOnTermination of the instance's volumes:
// the root volume's, an attribute of the instance, and its other disks'.
func modifyDevices(r, n *Record, specs []ec2.InstanceBlockDeviceMappingSpecification) error {
	for _, m := range specs {
		disk := slices.IndexFunc(n.RareOf().Disks, func(d Disk) bool { return d.Device == m.DeviceName })
		if m.DeviceName != rootDevice && disk < 0 {
			return ec2.Errorf(ec2.CodeInvalidInstanceAttributeValue, "No device is currently mapped at %s", m.DeviceName)
		}
		if m.Ebs == nil || m.Ebs.DeleteOnTermination == nil {
			continue
		}
		if disk < 0 {
			n.editAttrs().KeepRootOnTerm = !*m.Ebs.DeleteOnTermination
			continue
		}
		n.editRare().Disks = slices.Clone(n.RareOf().Disks) // records are copy on write
		n.Rare.Disks[disk].DeleteOnTermination = *m.Ebs.DeleteOnTermination
	}
	return nil
}

// modifyPrimary changes the groups or the source/destination check of
// the instance's primary interface, which are the instance's.
func (s *Service) modifyPrimary(tx *state.Tx, r *Record, in *ec2.ModifyInstanceAttributeInput) error {
	e := primary(tx, r)
	if e == nil {
		return ec2.Errorf(ec2.CodeIncorrectInstanceState, "The instance '%s' has no network interface.", r.InstanceId)
	}
	n := e.Clone()
	if in.SourceDestCheck != nil {
		n.NoSourceDestCheck = !*in.SourceDestCheck.Value
	} else {
		var err error
		if _, n.Groups, err = s.net.ResolveGroups(tx, in.Groups, nil); err != nil {
			return err
		}
	}
	network.PutInterface(tx, n)
	return nil
}

// rootDevice is the root device of every ec2x instance.
const rootDevice = "/dev/xvda"

// DescribeInstanceAttribute returns one attribute of an instance.
func (s *Service) DescribeInstanceAttribute(ctx context.Context, region string, in *ec2.DescribeInstanceAttributeInput) (*ec2.DescribeInstanceAttributeOutput, error) {
	if !contains(instanceAttributes, in.Attribute) {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter attribute is invalid. Unknown attribute.", in.Attribute)
	}
	var out *ec2.DescribeInstanceAttributeOutput
	err := s.viewOne(region, in.InstanceId, func(rd state.Reader, r *Record) error {
		if in.DryRun {
			return state.DryRun()
		}
		out = describeAttr(rd, r, in.Attribute)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// describeAttr answers attribute a of r.
func describeAttr(rd state.Reader, r *Record, a string) *ec2.DescribeInstanceAttributeOutput {
	out := &ec2.DescribeInstanceAttributeOutput{InstanceId: r.InstanceId}
	str := func(v string) *ec2.AttributeValue { return &ec2.AttributeValue{Value: v} }
	switch a {
	case "instanceType":
		out.InstanceType = str(r.InstanceType)
	case "userData":
		out.UserData = str(base64.StdEncoding.EncodeToString(r.UserData))
	case "kernel":
		out.KernelId = str(r.Attr().KernelId)
	case "ramdisk":
		out.RamdiskId = str(r.Attr().RamdiskId)
	case "disableApiTermination":
		out.DisableApiTermination = ec2.BoolValue(r.Attr().DisableApiTermination)
	case "disableApiStop":
		out.DisableApiStop = ec2.BoolValue(r.Attr().DisableApiStop)
	case "instanceInitiatedShutdownBehavior":
		out.InstanceInitiatedShutdownBehavior = str(or(r.Attr().ShutdownBehavior, "stop"))
	case "rootDeviceName":
		out.RootDeviceName = str(rootDevice)
	case "blockDeviceMapping":
		out.BlockDeviceMappings = devices(r)
	case "productCodes":
		out.ProductCodes = []ec2.ProductCode{}
	case "sourceDestCheck":
		e := primary(rd, r)
		out.SourceDestCheck = ec2.BoolValue(e == nil || !e.NoSourceDestCheck)
	case "groupSet":
		out.Groups = []ec2.GroupIdentifier{}
		if e := primary(rd, r); e != nil {
			out.Groups = network.GroupView(rd, e.Groups)
		}
	case "ebsOptimized":
		out.EbsOptimized = ec2.BoolValue(r.Attr().EbsOptimizedAttr)
	case "sriovNetSupport":
		out.SriovNetSupport = str(r.Attr().SriovNetSupport)
	case "enaSupport":
		out.EnaSupport = ec2.BoolValue(!r.Attr().NoEnaSupport)
	case "enclaveOptions":
		out.EnclaveOptions = &ec2.EnclaveOptions{Enabled: r.Attr().EnclavesEnabled}
	}
	return out
}

// ResetInstanceAttribute sets kernel, ramdisk or sourceDestCheck back to
// its default.
func (s *Service) ResetInstanceAttribute(ctx context.Context, region string, in *ec2.ResetInstanceAttributeInput) (*ec2.Empty, error) {
	switch in.Attribute {
	case "kernel", "ramdisk", "sourceDestCheck":
	default:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter attribute is invalid. Supported values: kernel, ramdisk, sourceDestCheck", in.Attribute)
	}
	_, err := s.changeOne(ctx, region, in.InstanceId, in.Attribute != "sourceDestCheck", in.DryRun, func(tx *state.Tx, r, n *Record) error {
		switch in.Attribute {
		case "kernel":
			n.editAttrs().KernelId = ""
		case "ramdisk":
			n.editAttrs().RamdiskId = ""
		default:
			return s.modifyPrimary(tx, r, &ec2.ModifyInstanceAttributeInput{SourceDestCheck: ec2.BoolValue(true)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}
