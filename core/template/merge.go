package template

import (
	"encoding/json"
	"reflect"
	"strconv"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// rule says where a field of the effective RunInstancesInput comes from
// when a request launches from a template. Every field of
// RunInstancesInput has one line in runRules (a test holds them
// together), so a field added to RunInstances is one line here.
type rule struct {
	// field is RunInstancesInput's field.
	field string
	// from is the template data's member that gives the field when the
	// request leaves it unset (the same JSON shape, or one that decodes
	// into it); "" when the template cannot give it.
	from string
	// merge, when set, replaces the from rule.
	merge func(eff, req *ec2.RunInstancesInput, d *ec2.RequestLaunchTemplateData) error
}

// runRules is EC2's merge: the request's own parameters override the
// template's, field by field; counts, token and dry run are the
// request's. It names every field of the SDK's RunInstancesInput, so a
// field RunInstancesInput gains here already has its line (a rule whose
// field does not exist yet is skipped).
var runRules = []rule{
	{field: "ImageId", from: "ImageId"},
	{field: "InstanceType", from: "InstanceType"},
	{field: "MinCount"},
	{field: "MaxCount"},
	{field: "KeyName", from: "KeyName"},
	{field: "Placement", from: "Placement"},
	{field: "SubnetId", merge: mergeNetwork},
	{field: "SecurityGroupIds"},  // mergeNetwork
	{field: "SecurityGroups"},    // mergeNetwork
	{field: "NetworkInterfaces"}, // mergeNetwork
	{field: "PrivateIpAddress"},
	{field: "Ipv6AddressCount"},
	{field: "Ipv6Addresses"},
	{field: "EnablePrimaryIpv6"},
	{field: "UserData", from: "UserData"},
	{field: "ClientToken"},
	{field: "AdditionalInfo"},
	{field: "TagSpecifications", merge: mergeTags},
	{field: "BlockDeviceMappings", from: "BlockDeviceMappings"},
	{field: "InstanceMarketOptions", from: "InstanceMarketOptions"},
	{field: "CapacityReservationSpecification", from: "CapacityReservationSpecification"},
	{field: "CpuOptions", from: "CpuOptions"},
	{field: "CreditSpecification", from: "CreditSpecification"},
	{field: "DisableApiStop", from: "DisableApiStop"},
	{field: "DisableApiTermination", from: "DisableApiTermination"},
	{field: "EbsOptimized", from: "EbsOptimized"},
	{field: "ElasticGpuSpecification", from: "ElasticGpuSpecifications"},
	{field: "ElasticInferenceAccelerators", from: "ElasticInferenceAccelerators"},
	{field: "EnclaveOptions", from: "EnclaveOptions"},
	{field: "HibernationOptions", from: "HibernationOptions"},
	{field: "IamInstanceProfile", from: "IamInstanceProfile"},
	{field: "InstanceInitiatedShutdownBehavior", from: "InstanceInitiatedShutdownBehavior"},
	{field: "KernelId", from: "KernelId"},
	{field: "RamdiskId", from: "RamDiskId"},
	{field: "LicenseSpecifications", from: "LicenseSpecifications"},
	{field: "MaintenanceOptions", from: "MaintenanceOptions"},
	{field: "MetadataOptions", from: "MetadataOptions"},
	{field: "Monitoring", from: "Monitoring"},
	{field: "NetworkPerformanceOptions", from: "NetworkPerformanceOptions"},
	{field: "Operator", from: "Operator"},
	{field: "PrivateDnsNameOptions", from: "PrivateDnsNameOptions"},
	{field: "SecondaryInterfaces", from: "SecondaryInterfaces"},
	{field: "LaunchTemplate"},
	{field: "SystemTags"},
	{field: "Driver"},
	{field: "Strategy"},
	{field: "DryRun"},
}

// Merge returns the RunInstancesInput a request launches with from a
// template version's data: the data as defaults, the request's own
// parameters over them (MinCount and MaxCount always the request's).
func Merge(d *ec2.RequestLaunchTemplateData, req *ec2.RunInstancesInput) (*ec2.RunInstancesInput, error) {
	eff := *req
	ev := reflect.ValueOf(&eff).Elem()
	dv := reflect.ValueOf(d).Elem()
	for _, r := range runRules {
		if r.merge != nil {
			if err := r.merge(&eff, req, d); err != nil {
				return nil, err
			}
			continue
		}
		if r.from == "" {
			continue
		}
		f := ev.FieldByName(r.field)
		src := dv.FieldByName(r.from)
		if !f.IsValid() || !src.IsValid() || !f.IsZero() || src.IsZero() {
			continue
		}
		if err := copyJSON(src.Interface(), f); err != nil {
			return nil, err
		}
	}
	return &eff, nil
}

// errGroupsTwice is EC2's answer to security groups given both for the
// instance and on its interfaces.
func errGroupsTwice() error {
	return ec2.Errorf(ec2.CodeInvalidParameterCombination, "Network interfaces and an instance-level security groups may not be specified on the same request")
}

// mergeNetwork gives the subnet, security groups and network interfaces,
// which go together:
//   - a request with interfaces of its own keeps them, and none of the
//     template's network settings;
//   - otherwise the template's interfaces are used, with the request's
//     SubnetId and SecurityGroupIds put on the primary one (DeviceIndex 0);
//   - where RunInstancesInput cannot carry interfaces, the primary
//     interface's subnet and groups become the instance's.
//
// Groups given by the request (IDs or names) replace all of the
// template's. A template with groups on its interfaces and for the
// instance too is refused, as EC2 refuses it.
func mergeNetwork(eff, req *ec2.RunInstancesInput, d *ec2.RequestLaunchTemplateData) error {
	return mergeNetworkOf(reflect.ValueOf(eff).Elem(), reflect.ValueOf(req).Elem(), d)
}

// mergeNetworkOf is mergeNetwork over any struct with RunInstancesInput's
// network fields (SubnetId, SecurityGroupIds, SecurityGroups and maybe
// NetworkInterfaces), read by name.
func mergeNetworkOf(eff, req reflect.Value, d *ec2.RequestLaunchTemplateData) error {
	primary := -1
	for i, n := range d.NetworkInterfaces {
		if len(n.Groups) > 0 && len(d.SecurityGroupIds)+len(d.SecurityGroups) > 0 {
			return errGroupsTwice()
		}
		if primary < 0 && (n.DeviceIndex == nil || *n.DeviceIndex == 0) {
			primary = i
		}
	}
	reqSubnet := req.FieldByName("SubnetId").String()
	reqIDs := req.FieldByName("SecurityGroupIds").Interface().([]string)
	reqNames := req.FieldByName("SecurityGroups").Interface().([]string)
	nics := eff.FieldByName("NetworkInterfaces")
	if nics.IsValid() && nics.Len() > 0 {
		return nil // the request's own interfaces
	}
	if nics.IsValid() && len(d.NetworkInterfaces) > 0 {
		if len(reqNames) > 0 {
			return errGroupsTwice()
		}
		list := append([]ec2.LaunchTemplateInstanceNetworkInterfaceSpecificationRequest(nil), d.NetworkInterfaces...)
		if primary >= 0 && reqSubnet != "" {
			list[primary].SubnetId = reqSubnet
			eff.FieldByName("SubnetId").SetString("")
		}
		if primary >= 0 && len(reqIDs) > 0 {
			list[primary].Groups = reqIDs
			eff.FieldByName("SecurityGroupIds").Set(reflect.Zero(reflect.TypeFor[[]string]()))
		}
		return copyJSON(list, nics)
	}
	ids, subnet := d.SecurityGroupIds, ""
	if primary >= 0 {
		if g := d.NetworkInterfaces[primary].Groups; len(g) > 0 {
			ids = g
		}
		subnet = d.NetworkInterfaces[primary].SubnetId
	}
	if reqSubnet == "" {
		eff.FieldByName("SubnetId").SetString(subnet)
	}
	if len(reqIDs) == 0 && len(reqNames) == 0 {
		eff.FieldByName("SecurityGroupIds").Set(reflect.ValueOf(append([]string(nil), ids...)))
		eff.FieldByName("SecurityGroups").Set(reflect.ValueOf(append([]string(nil), d.SecurityGroups...)))
	}
	return nil
}

// copyJSON sets dst to src's value through JSON: the template's members
// and RunInstances' share their names.
func copyJSON(src any, dst reflect.Value) error {
	b, err := json.Marshal(src)
	if err != nil {
		return err
	}
	p := reflect.New(dst.Type())
	if err := json.Unmarshal(b, p.Interface()); err != nil {
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "The launch template's data cannot be used for RunInstances: %v", err)
	}
	dst.Set(p.Elem())
	return nil
}

// mergeTags gives each resource type the template's tags and the
// request's over them (the request's value wins for a key in both).
func mergeTags(eff, req *ec2.RunInstancesInput, d *ec2.RequestLaunchTemplateData) error {
	var out []ec2.TagSpecification
	index := map[string]int{}
	add := func(rt string, tags []ec2.Tag) {
		i, ok := index[rt]
		if !ok {
			i = len(out)
			index[rt] = i
			out = append(out, ec2.TagSpecification{ResourceType: rt})
		}
		for _, t := range tags {
			replaced := false
			for j := range out[i].Tags {
				if out[i].Tags[j].Key == t.Key {
					out[i].Tags[j].Value, replaced = t.Value, true
				}
			}
			if !replaced {
				out[i].Tags = append(out[i].Tags, t)
			}
		}
	}
	for _, ts := range d.TagSpecifications {
		// A template may tag elastic GPUs, which a launch here does not
		// make; its spot request's tags go to the request a spot launch
		// makes.
		if ts.ResourceType != "elastic-gpu" {
			add(ts.ResourceType, ts.Tags)
		}
	}
	for _, ts := range req.TagSpecifications {
		add(ts.ResourceType, ts.Tags)
	}
	eff.TagSpecifications = out
	return nil
}

// Effective resolves a RunInstances request's LaunchTemplate and returns
// the request to launch, with the tags EC2 adds to its instances
// (aws:ec2launchtemplate:id and :version).
func (s *Service) Effective(rd state.Reader, in *ec2.RunInstancesInput) (*ec2.RunInstancesInput, error) {
	spec := in.LaunchTemplate
	t, err := Find(rd, spec.LaunchTemplateId, spec.LaunchTemplateName)
	if err != nil {
		return nil, err
	}
	v, err := ResolveVersion(rd, t, spec.Version)
	if err != nil {
		return nil, err
	}
	eff, err := Merge(&v.Data, in)
	if err != nil {
		return nil, err
	}
	eff.SystemTags = []ec2.Tag{
		{Key: ec2.TagLaunchTemplateID, Value: t.LaunchTemplateId},
		{Key: ec2.TagLaunchTemplateVersion, Value: strconv.FormatInt(v.VersionNumber, 10)},
	}
	return eff, nil
}

// UsingImage lists the templates one of whose latest depth versions
// launches ami, for DescribeImageReferences.
func (s *Service) UsingImage(rd state.Reader, ami string, depth int) []string {
	var out []string
	state.Each(rd, Table, func(t *Record) bool {
		for n, seen := t.NextVersion-1, 0; n >= 1 && seen < depth; n-- {
			v := state.Get(rd, Versions, versionID(t.LaunchTemplateId, n))
			if v == nil {
				continue // deleted
			}
			seen++
			if v.Data.ImageId == ami {
				out = append(out, t.LaunchTemplateId)
				break
			}
		}
		return true
	})
	return out
}
