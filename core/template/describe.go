package template

import (
	"context"
	"strconv"
	"time"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// isoTime is how EC2 writes times in filters and answers.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// templateSpec is DescribeLaunchTemplates' filters and order.
var templateSpec = &describe.Spec[*Record]{
	Fields: []describe.Field[*Record]{
		{Name: "create-time", Value: func(t *Record) string { return isoTime(t.CreateTime) }},
		{Name: "launch-template-name", Value: func(t *Record) string { return t.LaunchTemplateName }},
	},
	Tags:   func(t *Record) []ec2.Tag { return t.Tags },
	Key:    func(k *describe.Key, t *Record) { k.Str(t.LaunchTemplateId) },
	Paging: describe.Paging{Min: 1, Max: 200},
}

// DescribeLaunchTemplates lists templates by ID, name and filters.
func (s *Service) DescribeLaunchTemplates(ctx context.Context, region string, in *ec2.DescribeLaunchTemplatesInput) (*ec2.DescribeLaunchTemplatesOutput, error) {
	q := describe.Query{Filters: in.Filters, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeLaunchTemplates",
		IDs: append(append([]string(nil), in.LaunchTemplateIds...), in.LaunchTemplateNames...)}
	out, next, err := state.Describe(s.rt, region, templateSpec, q, func(r *state.Region) ([]*Record, error) {
		if len(in.LaunchTemplateIds) == 0 && len(in.LaunchTemplateNames) == 0 {
			return state.Gather(r, Table, nil, nil)
		}
		var recs []*Record
		seen := map[*Record]bool{}
		for _, id := range in.LaunchTemplateIds {
			t, err := Find(r, id, "")
			if err != nil {
				return nil, err
			}
			if !seen[t] {
				seen[t] = true
				recs = append(recs, t)
			}
		}
		for _, name := range in.LaunchTemplateNames {
			t, err := Find(r, "", name)
			if err != nil {
				return nil, err
			}
			if !seen[t] {
				seen[t] = true
				recs = append(recs, t)
			}
		}
		return recs, nil
	}, func(_ *state.Region, t *Record) ec2.LaunchTemplate { return t.LaunchTemplate })
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeLaunchTemplatesOutput{LaunchTemplates: out, NextToken: next}, nil
}

// verItem is a version with its template, as the version filters read it.
type verItem struct {
	t *Record
	v *Version
}

func boolStr(b *bool) string {
	if b == nil {
		return ""
	}
	return strconv.FormatBool(*b)
}

// versionSpec is DescribeLaunchTemplateVersions' filters and order.
var versionSpec = &describe.Spec[verItem]{
	Fields: []describe.Field[verItem]{
		{Name: "create-time", Value: func(x verItem) string { return isoTime(x.v.CreateTime) }},
		{Name: "ebs-optimized", Value: func(x verItem) string { return boolStr(x.v.Data.EbsOptimized) }},
		{Name: "http-endpoint", Value: func(x verItem) string { return metadata(x).HttpEndpoint }},
		{Name: "http-protocol-ipv6", Value: func(x verItem) string { return metadata(x).HttpProtocolIpv6 }},
		{Name: "http-tokens", Value: func(x verItem) string { return metadata(x).HttpTokens }},
		{Name: "host-resource-group-arn", Value: func(x verItem) string { return placement(x).HostResourceGroupArn }},
		{Name: "iam-instance-profile", Values: func(x verItem) []string {
			if p := x.v.Data.IamInstanceProfile; p != nil {
				return []string{p.Arn, p.Name}
			}
			return nil
		}},
		{Name: "image-id", Value: func(x verItem) string { return x.v.Data.ImageId }},
		{Name: "instance-type", Value: func(x verItem) string { return x.v.Data.InstanceType }},
		{Name: "is-default-version", Value: func(x verItem) string { return strconv.FormatBool(x.v.VersionNumber == x.t.DefaultVersionNumber) }},
		{Name: "kernel-id", Value: func(x verItem) string { return x.v.Data.KernelId }},
		{Name: "license-configuration-arn", Values: func(x verItem) []string {
			var out []string
			for _, l := range x.v.Data.LicenseSpecifications {
				out = append(out, l.LicenseConfigurationArn)
			}
			return out
		}},
		{Name: "network-card-index", Values: func(x verItem) []string {
			var out []string
			for _, n := range x.v.Data.NetworkInterfaces {
				if n.NetworkCardIndex != nil {
					out = append(out, strconv.Itoa(*n.NetworkCardIndex))
				}
			}
			return out
		}},
		{Name: "ram-disk-id", Value: func(x verItem) string { return x.v.Data.RamDiskId }},
	},
	Key: func(k *describe.Key, x verItem) {
		k.Str(x.t.LaunchTemplateId)
		k.Num(x.v.VersionNumber)
	},
	Paging: describe.Paging{Min: 1, Max: 200},
}

func metadata(x verItem) ec2.LaunchTemplateInstanceMetadataOptionsRequest {
	if m := x.v.Data.MetadataOptions; m != nil {
		return *m
	}
	return ec2.LaunchTemplateInstanceMetadataOptionsRequest{}
}

func placement(x verItem) ec2.LaunchTemplatePlacementRequest {
	if p := x.v.Data.Placement; p != nil {
		return *p
	}
	return ec2.LaunchTemplatePlacementRequest{}
}

// DescribeLaunchTemplateVersions lists versions of one template (all, the
// ones named, or a range), or the $Latest or $Default version of every
// template when none is named.
func (s *Service) DescribeLaunchTemplateVersions(ctx context.Context, region string, in *ec2.DescribeLaunchTemplateVersionsInput) (*ec2.DescribeLaunchTemplateVersionsOutput, error) {
	q := describe.Query{Filters: in.Filters, MaxResults: in.MaxResults, NextToken: in.NextToken,
		Scope: "DescribeLaunchTemplateVersions/" + in.LaunchTemplateId + "/" + in.LaunchTemplateName + "/" + in.MinVersion + "/" + in.MaxVersion,
		IDs:   in.Versions}
	minV, maxV, err := bounds(in.MinVersion, in.MaxVersion)
	if err != nil {
		return nil, err
	}
	out, next, err := state.Describe(s.rt, region, versionSpec, q, func(r *state.Region) ([]verItem, error) {
		if in.LaunchTemplateId == "" && in.LaunchTemplateName == "" {
			return everyTemplate(r, in.Versions)
		}
		t, err := Find(r, in.LaunchTemplateId, in.LaunchTemplateName)
		if err != nil {
			return nil, err
		}
		if len(in.Versions) > 0 {
			var items []verItem
			seen := map[int64]bool{}
			for _, spec := range in.Versions {
				v, err := ResolveVersion(r, t, spec)
				if err != nil {
					return nil, err
				}
				if !seen[v.VersionNumber] { // $Latest may be $Default, or named by number too
					seen[v.VersionNumber] = true
					items = append(items, verItem{t, v})
				}
			}
			return items, nil
		}
		var items []verItem
		for n := max(minV, 1); n < t.NextVersion && n <= maxV; n++ {
			if v := GetVersion(r, t.LaunchTemplateId, n); v != nil {
				items = append(items, verItem{t, v})
			}
		}
		return items, nil
	}, func(_ *state.Region, x verItem) ec2.LaunchTemplateVersion { return versionView(x.t, x.v) })
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeLaunchTemplateVersionsOutput{LaunchTemplateVersions: out, NextToken: next}, nil
}

// bounds parses MinVersion and MaxVersion (either may be empty).
func bounds(minS, maxS string) (int64, int64, error) {
	lo, hi := int64(1), int64(1<<62)
	var err error
	if minS != "" {
		if lo, err = parseNumber(minS); err != nil {
			return 0, 0, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for MinVersion: a version number is expected", minS)
		}
	}
	if maxS != "" {
		if hi, err = parseNumber(maxS); err != nil {
			return 0, 0, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for MaxVersion: a version number is expected", maxS)
		}
	}
	return lo, hi, nil
}

// everyTemplate is the $Latest or $Default version of every template.
func everyTemplate(r *state.Region, specs []string) ([]verItem, error) {
	if len(specs) == 0 {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter LaunchTemplateName or LaunchTemplateId, or Versions with $Latest or $Default")
	}
	for _, spec := range specs {
		if spec != "$Latest" && spec != "$Default" {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "Version %s needs a launch template ID or name; only $Latest and $Default may be given without one.", spec)
		}
	}
	var items []verItem
	for _, t := range state.Published(r, Table) {
		seen := map[int64]bool{}
		for _, spec := range specs {
			if v, err := ResolveVersion(r, t, spec); err == nil && !seen[v.VersionNumber] {
				seen[v.VersionNumber] = true
				items = append(items, verItem{t, v})
			}
		}
	}
	return items, nil
}

// DeleteLaunchTemplateVersions deletes versions, answering version by
// version as EC2 does; the default version is never deleted.
func (s *Service) DeleteLaunchTemplateVersions(ctx context.Context, region string, in *ec2.DeleteLaunchTemplateVersionsInput) (*ec2.DeleteLaunchTemplateVersionsOutput, error) {
	if len(in.Versions) == 0 {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter LaunchTemplateVersion")
	}
	if len(in.Versions) > 200 {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "You can delete at most 200 launch template versions in one request.")
	}
	out := &ec2.DeleteLaunchTemplateVersionsOutput{}
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		out.SuccessfullyDeletedLaunchTemplateVersions, out.UnsuccessfullyDeletedLaunchTemplateVersions = nil, nil
		t, err := Find(tx, in.LaunchTemplateId, in.LaunchTemplateName)
		if err != nil {
			return err
		}
		if in.DryRun {
			return state.DryRun()
		}
		n := *t
		for _, spec := range in.Versions {
			num, perr := parseNumber(spec)
			fail := func(code, msg string) {
				out.UnsuccessfullyDeletedLaunchTemplateVersions = append(out.UnsuccessfullyDeletedLaunchTemplateVersions, ec2.DeleteLaunchTemplateVersionsResponseErrorItem{
					LaunchTemplateId: t.LaunchTemplateId, LaunchTemplateName: t.LaunchTemplateName, VersionNumber: num,
					ResponseError: &ec2.ResponseError{Code: code, Message: msg}})
			}
			switch {
			case perr != nil || GetVersion(tx, t.LaunchTemplateId, num) == nil:
				fail(ec2.CodeLaunchTemplateVersionDoesNotExist, "Could not find launch template version "+spec)
			case num == t.DefaultVersionNumber:
				fail(ec2.CodeLaunchTemplateUnexpectedError, "Cannot delete the default version of a launch template. Set another version as the default first.")
			default:
				state.Delete(tx, Versions, versionID(t.LaunchTemplateId, num))
				n.Versions--
				out.SuccessfullyDeletedLaunchTemplateVersions = append(out.SuccessfullyDeletedLaunchTemplateVersions, ec2.DeleteLaunchTemplateVersionsResponseSuccessItem{
					LaunchTemplateId: t.LaunchTemplateId, LaunchTemplateName: t.LaunchTemplateName, VersionNumber: num})
			}
		}
		if n.Versions != t.Versions {
			n.LatestVersionNumber = latest(tx, &n)
			state.Put(tx, Table, &n)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// latest is the highest version number that remains (the default always does).
func latest(rd state.Reader, t *Record) int64 {
	for n := t.NextVersion - 1; n > t.DefaultVersionNumber; n-- {
		if GetVersion(rd, t.LaunchTemplateId, n) != nil {
			return n
		}
	}
	return t.DefaultVersionNumber
}
