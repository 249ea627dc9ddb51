package instance

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/ec2x/ec2x/core/catalog"
	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// Resource types DescribeImageReferences searches.
const (
	refInstance       = "ec2:Instance"
	refLaunchTemplate = "ec2:LaunchTemplate"
)

// refTypes are every resource type EC2 names; ec2x has no SSM parameters
// or Image Builder recipes to find references in.
var refTypes = []string{refInstance, refLaunchTemplate, "ssm:Parameter", "imagebuilder:ImageRecipe", "imagebuilder:ContainerRecipe"}

// refSpec pages DescribeImageReferences.
var refSpec = &describe.Spec[ec2.ImageReference]{
	Key:    func(k *describe.Key, r ec2.ImageReference) { k.Str(r.ImageId); k.Str(r.Arn) },
	Paging: describe.Paging{Min: 1, Max: 1000},
}

// DescribeImageReferences finds what uses images: instances (in the
// states asked for) and launch templates (their latest versions, to the
// depth asked for).
func (s *Service) DescribeImageReferences(ctx context.Context, region string, in *ec2.DescribeImageReferencesInput) (*ec2.DescribeImageReferencesOutput, error) {
	if len(in.ImageIds) == 0 {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter ImageIds")
	}
	want := map[string]ec2.ResourceTypeRequest{}
	for _, rt := range in.ResourceTypes {
		if !slices.Contains(refTypes, rt.ResourceType) {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for ResourceType.", rt.ResourceType)
		}
		want[rt.ResourceType] = rt
	}
	if in.IncludeAllResourceTypes == (len(want) > 0) {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "Give IncludeAllResourceTypes or ResourceTypes, one of them.")
	}
	states, depth := []string(nil), 20
	for _, o := range want[refInstance].ResourceTypeOptions {
		if o.OptionName != "state-name" {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid option '%s' for %s: state-name.", o.OptionName, refInstance)
		}
		states = o.OptionValues
	}
	for _, o := range want[refLaunchTemplate].ResourceTypeOptions {
		n, err := strconv.Atoi(firstOf(o.OptionValues))
		if o.OptionName != "version-depth" || err != nil || n < 1 || n > 400 {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid option for %s: version-depth, 1 to 400.", refLaunchTemplate)
		}
		depth = n
	}
	_, instances := want[refInstance]
	_, templates := want[refLaunchTemplate]
	instances, templates = instances || in.IncludeAllResourceTypes, templates || in.IncludeAllResourceTypes
	q := describe.Query{MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeImageReferences"}
	out, next, err := state.Describe(s.rt, region, refSpec, q, func(r *state.Region) ([]ec2.ImageReference, error) {
		var refs []ec2.ImageReference
		for _, id := range in.ImageIds {
			if _, err := s.cat.Image(r, id); err != nil {
				return nil, err
			}
			if instances {
				state.Each(r, Instances, func(rec *Record) bool {
					if rec.ImageId == id && !s.hidden(rec) && (states == nil || slices.Contains(states, rec.State.Name)) {
						refs = append(refs, ec2.ImageReference{ImageId: id, ResourceType: refInstance,
							Arn: "arn:aws:ec2:" + region + ":" + ec2.OwnerID + ":instance/" + rec.InstanceId})
					}
					return true
				})
			}
			if templates && s.templates != nil {
				for _, lt := range s.templates.UsingImage(r, id, depth) {
					refs = append(refs, ec2.ImageReference{ImageId: id, ResourceType: refLaunchTemplate,
						Arn: "arn:aws:ec2:" + region + ":" + ec2.OwnerID + ":launch-template/" + lt})
				}
			}
		}
		return refs, nil
	}, func(_ *state.Region, x ec2.ImageReference) ec2.ImageReference { return x })
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []ec2.ImageReference{}
	}
	return &ec2.DescribeImageReferencesOutput{ImageReferences: out, NextToken: next}, nil
}

// firstOf is a list's first value, or "".
func firstOf(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// metadataSpec is DescribeInstanceImageMetadata's filters, as EC2
// documents them.
var metadataSpec = &describe.Spec[ec2.InstanceImageMetadata]{
	Fields: []describe.Field[ec2.InstanceImageMetadata]{
		{Name: "availability-zone", Value: func(m ec2.InstanceImageMetadata) string { return m.AvailabilityZone }},
		{Name: "instance-id", Value: func(m ec2.InstanceImageMetadata) string { return m.InstanceId }},
		{Name: "instance-state-name", Value: func(m ec2.InstanceImageMetadata) string { return m.State.Name }},
		{Name: "instance-type", Value: func(m ec2.InstanceImageMetadata) string { return m.InstanceType }},
		{Name: "launch-time", Value: func(m ec2.InstanceImageMetadata) string { return m.LaunchTime.UTC().Format(time.RFC3339) }},
		{Name: "owner-id", Value: func(m ec2.InstanceImageMetadata) string { return m.OwnerId }},
		{Name: "zone-id", Value: func(m ec2.InstanceImageMetadata) string { return m.ZoneId }},
		{Name: "image-allowed", Value: func(ec2.InstanceImageMetadata) string { return "true" }},
	},
	Tags:   func(m ec2.InstanceImageMetadata) []ec2.Tag { return m.Tags },
	Key:    func(k *describe.Key, m ec2.InstanceImageMetadata) { k.Str(m.InstanceId) },
	Paging: describe.Paging{Min: 1, Max: 1000, IDsParam: "InstanceIds"},
}

// DescribeInstanceImageMetadata lists instances with what their images
// are now: an image deregistered since shows only its ID.
func (s *Service) DescribeInstanceImageMetadata(ctx context.Context, region string, in *ec2.DescribeInstanceImageMetadataInput) (*ec2.DescribeInstanceImageMetadataOutput, error) {
	q := describe.Query{Filters: in.Filters, IDs: in.InstanceIds, MaxResults: in.MaxResults, NextToken: in.NextToken, Scope: "DescribeInstanceImageMetadata"}
	out, next, err := state.Describe(s.rt, region, metadataSpec, q, func(r *state.Region) ([]ec2.InstanceImageMetadata, error) {
		var recs []*Record
		if len(in.InstanceIds) > 0 {
			for _, id := range in.InstanceIds {
				rec, err := s.one(r, id)
				if err != nil {
					return nil, err
				}
				recs = append(recs, rec)
			}
		} else {
			for _, rec := range state.Published(r, Instances) {
				if !s.hidden(rec) {
					recs = append(recs, rec)
				}
			}
		}
		items := make([]ec2.InstanceImageMetadata, 0, len(recs))
		for _, rec := range recs {
			items = append(items, s.imageMetadata(r, rec))
		}
		return items, nil
	}, func(_ *state.Region, m ec2.InstanceImageMetadata) ec2.InstanceImageMetadata { return m })
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []ec2.InstanceImageMetadata{}
	}
	return &ec2.DescribeInstanceImageMetadataOutput{InstanceImageMetadata: out, NextToken: next}, nil
}

// imageMetadata is one instance and its image.
func (s *Service) imageMetadata(r *state.Region, rec *Record) ec2.InstanceImageMetadata {
	m := ec2.InstanceImageMetadata{InstanceId: rec.InstanceId, InstanceType: rec.InstanceType, LaunchTime: rec.LaunchTime,
		AvailabilityZone: rec.Placement.AvailabilityZone, State: rec.State, OwnerId: ec2.OwnerID, Tags: rec.Tags,
		ImageMetadata: ec2.ImageMetadata{ImageId: rec.ImageId}}
	if i := slices.Index(r.Cfg.Zones, rec.Placement.AvailabilityZone); i >= 0 {
		m.ZoneId = catalog.ZoneID(r.Cfg, r.Name, i)
	}
	if im, err := s.cat.Image(r, rec.ImageId); err == nil {
		m.ImageMetadata = ec2.ImageMetadata{ImageId: im.ImageId, Name: im.Name, OwnerId: im.OwnerId, State: im.State, ImageOwnerAlias: im.ImageOwnerAlias,
			CreationDate: im.CreationDate, DeprecationTime: im.DeprecationTime, IsPublic: im.Public}
	}
	return m
}

// DescribeFastLaunchImages lists the images with Windows fast launch
// turned on: none, as every image here is Linux.
func (s *Service) DescribeFastLaunchImages(ctx context.Context, region string, in *ec2.DescribeFastLaunchImagesInput) (*ec2.DescribeFastLaunchImagesOutput, error) {
	if _, err := fastLaunchSpec.Compile(describe.Query{Filters: in.Filters, IDs: in.ImageIds, MaxResults: in.MaxResults, NextToken: in.NextToken}); err != nil {
		return nil, err
	}
	reg, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	err = reg.View(func(r *state.Region) error {
		for _, id := range in.ImageIds {
			if _, err := s.cat.Image(r, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeFastLaunchImagesOutput{FastLaunchImages: []ec2.FastLaunchImage{}}, nil
}

// fastLaunchSpec is DescribeFastLaunchImages' filters.
var fastLaunchSpec = &describe.Spec[ec2.FastLaunchImage]{
	Fields: []describe.Field[ec2.FastLaunchImage]{
		{Name: "resource-type", Value: func(f ec2.FastLaunchImage) string { return f.ResourceType }},
		{Name: "owner-id", Value: func(f ec2.FastLaunchImage) string { return f.OwnerId }},
		{Name: "state", Value: func(f ec2.FastLaunchImage) string { return f.State }},
	},
	Key:    func(k *describe.Key, f ec2.FastLaunchImage) { k.Str(f.ImageId) },
	Paging: describe.Paging{Min: 0, Max: 200, IDsParam: "ImageIds"},
}

// notWindows is EC2's refusal of fast launch for an image that is not
// Windows: every image here.
func (s *Service) notWindows(region, id string) error {
	reg, err := s.rt.Region(region)
	if err != nil {
		return err
	}
	return reg.View(func(r *state.Region) error {
		if _, err := s.cat.Image(r, id); err != nil {
			return err
		}
		return ec2.Errorf(ec2.CodeInvalidParameter, "Fast launch is supported only for Windows AMIs; %s is Linux/UNIX.", id)
	})
}

// EnableFastLaunch turns on Windows fast launch: refused for the Linux
// images ec2x has, as EC2 refuses it for any Linux image.
func (s *Service) EnableFastLaunch(ctx context.Context, region string, in *ec2.EnableFastLaunchInput) (*ec2.FastLaunchImage, error) {
	return nil, s.notWindows(region, in.ImageId)
}

// DisableFastLaunch turns Windows fast launch off: refused likewise.
func (s *Service) DisableFastLaunch(ctx context.Context, region string, in *ec2.DisableFastLaunchInput) (*ec2.FastLaunchImage, error) {
	return nil, s.notWindows(region, in.ImageId)
}

// GetImageFindings lists Amazon Inspector's findings in an image: none,
// as EC2 answers for an image Inspector has not scanned (no scanner
// runs here), once the image and the paging are known good.
func (s *Service) GetImageFindings(ctx context.Context, region string, in *ec2.GetImageFindingsInput) (*ec2.GetImageFindingsOutput, error) {
	if in.MaxResults != 0 && (in.MaxResults < 1 || in.MaxResults > 100) {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "MaxResults must be 1 to 100.")
	}
	if in.NextToken != "" {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid NextToken: no page follows.")
	}
	reg, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	err = reg.View(func(r *state.Region) error {
		_, err := s.cat.Image(r, in.ImageId)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &ec2.GetImageFindingsOutput{ImageFindings: []ec2.ImageFinding{}}, dryRun(in.DryRun)
}
