package template

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/tagging"
)

// dataTagTypes are the resource types a template's data may tag.
var dataTagTypes = map[string]bool{"instance": true, "volume": true, "network-interface": true, "spot-instances-request": true, "elastic-gpu": true}

// validateData checks what EC2 checks of a template's data when a version
// is made: the shape of IDs, known instance types, user data, tags. That
// an image or key pair exists is checked at launch, as in EC2.
func (s *Service) validateData(region string, d *ec2.RequestLaunchTemplateData) error {
	if d.ImageId != "" && !strings.HasPrefix(d.ImageId, "resolve:ssm:") {
		if ami := strings.HasPrefix(d.ImageId, "ami-"); ami && !ec2.ValidID("ami", d.ImageId) || !ami && !s.cat.NamedImage(region, d.ImageId) {
			return ec2.Errorf(ec2.CodeInvalidAMIIDMalformed, "Invalid id: \"%s\" (expecting \"ami-...\")", d.ImageId)
		}
	}
	if d.InstanceType != "" && s.cat.Type(d.InstanceType) == nil {
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for InstanceType.", d.InstanceType)
	}
	if d.UserData != "" {
		b, err := base64.StdEncoding.DecodeString(d.UserData)
		if err != nil {
			return ec2.Errorf(ec2.CodeInvalidUserDataMalformed, "Invalid BASE64 encoding of user data.")
		}
		if len(b) > 16*1024 {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "User data is limited to 16384 bytes")
		}
	}
	for _, ts := range d.TagSpecifications {
		if !dataTagTypes[ts.ResourceType] {
			return tagging.NotTaggableHere(ts.ResourceType)
		}
		if _, err := tagging.Merge(nil, ts.Tags); err != nil {
			return err
		}
	}
	if m := d.InstanceMarketOptions; m != nil && m.MarketType != "" && m.MarketType != "spot" && m.MarketType != "capacity-block" {
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for MarketType.", m.MarketType)
	}
	return validateSettings(d)
}

// validateSettings checks the shapes and enumerations of the data's
// security groups, shutdown behaviour and metadata options.
func validateSettings(d *ec2.RequestLaunchTemplateData) error {
	groups := append([]string(nil), d.SecurityGroupIds...)
	for _, n := range d.NetworkInterfaces {
		groups = append(groups, n.Groups...)
	}
	for _, g := range groups {
		if !validGroupID(g) {
			return ec2.Errorf(ec2.CodeInvalidGroupIdMalformed, "Invalid id: \"%s\" (expecting \"sg-...\")", g)
		}
	}
	enum := func(name, v string, ok ...string) error {
		if v == "" {
			return nil
		}
		for _, o := range ok {
			if v == o {
				return nil
			}
		}
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for %s: use %s.", v, name, strings.Join(ok, " or "))
	}
	if err := enum("InstanceInitiatedShutdownBehavior", d.InstanceInitiatedShutdownBehavior, "stop", "terminate"); err != nil {
		return err
	}
	if m := d.MetadataOptions; m != nil {
		if err := enum("HttpTokens", m.HttpTokens, "optional", "required"); err != nil {
			return err
		}
		if err := enum("HttpEndpoint", m.HttpEndpoint, "enabled", "disabled"); err != nil {
			return err
		}
		if h := m.HttpPutResponseHopLimit; h != nil && (*h < 1 || *h > 64) {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%d' for HttpPutResponseHopLimit: 1 to 64.", *h)
		}
	}
	return nil
}

// validGroupID reports whether id has the shape of a security group ID.
func validGroupID(id string) bool {
	hex, ok := strings.CutPrefix(id, "sg-")
	if !ok || len(hex) != 8 && len(hex) != 17 {
		return false
	}
	for i := 0; i < len(hex); i++ {
		if c := hex[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// responseData is a version's data as EC2 answers it: the request's
// members under the response's names (the same but for a few the answer
// adds, such as MetadataOptions.State).
func responseData(d *ec2.RequestLaunchTemplateData) *ec2.ResponseLaunchTemplateData {
	var out ec2.ResponseLaunchTemplateData
	b, _ := json.Marshal(d)
	_ = json.Unmarshal(b, &out)
	if out.MetadataOptions != nil {
		out.MetadataOptions.State = "applied"
	}
	return &out
}

// versionView is a version as EC2 describes it.
func versionView(t *Record, v *Version) ec2.LaunchTemplateVersion {
	return ec2.LaunchTemplateVersion{
		CreateTime: v.CreateTime, CreatedBy: createdBy, DefaultVersion: v.VersionNumber == t.DefaultVersionNumber,
		LaunchTemplateData: responseData(&v.Data), LaunchTemplateId: t.LaunchTemplateId, LaunchTemplateName: t.LaunchTemplateName,
		VersionDescription: v.VersionDescription, VersionNumber: v.VersionNumber, Operator: t.Operator,
	}
}
