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
// template's, field by field; counts, token and dry run are the request's.
var runRules = []rule{
	{field: "ImageId", from: "ImageId"},
	{field: "InstanceType", from: "InstanceType"},
	{field: "MinCount"},
	{field: "MaxCount"},
	{field: "KeyName", from: "KeyName"},
	{field: "Placement", from: "Placement"},
	{field: "SubnetId", merge: primaryInterface},
	{field: "SecurityGroupIds"}, // with SubnetId (primaryInterface)
	{field: "SecurityGroups", from: "SecurityGroups"},
	{field: "UserData", from: "UserData"},
	{field: "ClientToken"},
	{field: "TagSpecifications", merge: mergeTags},
	{field: "BlockDeviceMappings", from: "BlockDeviceMappings"},
	{field: "InstanceMarketOptions", from: "InstanceMarketOptions"},
	{field: "LaunchTemplate"},
	{field: "SystemTags"},
	{field: "Driver"},
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
		b, err := json.Marshal(src.Interface())
		if err != nil {
			return nil, err
		}
		p := reflect.New(f.Type())
		if err := json.Unmarshal(b, p.Interface()); err != nil {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The launch template's %s cannot be used for %s: %v", r.from, r.field, err)
		}
		f.Set(p.Elem())
	}
	return &eff, nil
}

// primaryInterface takes the subnet and security groups from the
// template: instance-level ones, or those of its primary network interface
// (DeviceIndex 0). A request's SubnetId or SecurityGroupIds replace the
// template's. A template that gives groups at both levels is refused, as
// EC2 refuses it.
func primaryInterface(eff, req *ec2.RunInstancesInput, d *ec2.RequestLaunchTemplateData) error {
	var nic *ec2.LaunchTemplateInstanceNetworkInterfaceSpecificationRequest
	for i := range d.NetworkInterfaces {
		if n := &d.NetworkInterfaces[i]; n.DeviceIndex == nil || *n.DeviceIndex == 0 {
			nic = n
			break
		}
	}
	groups := d.SecurityGroupIds
	subnet := ""
	if nic != nil {
		if len(nic.Groups) > 0 && len(d.SecurityGroupIds) > 0 {
			return ec2.Errorf(ec2.CodeInvalidParameterCombination, "Network interfaces and an instance-level security groups may not be specified on the same request")
		}
		if len(nic.Groups) > 0 {
			groups = nic.Groups
		}
		subnet = nic.SubnetId
	}
	if req.SubnetId == "" {
		eff.SubnetId = subnet
	}
	if len(req.SecurityGroupIds) == 0 && len(req.SecurityGroups) == 0 {
		eff.SecurityGroupIds = append([]string(nil), groups...)
	}
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
		// A template may tag its spot request and elastic GPUs; a launch
		// here makes neither through RunInstances' tags.
		if ts.ResourceType != "spot-instances-request" && ts.ResourceType != "elastic-gpu" {
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
