package instance

import (
	"context"
	"slices"
	"time"

	"github.com/ec2x/ec2x/core/catalog"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// imageAttributes are the attributes DescribeImageAttribute reads.
var imageAttributes = []string{"description", "kernel", "ramdisk", "launchPermission", "productCodes", "blockDeviceMapping",
	"sriovNetSupport", "bootMode", "tpmSupport", "uefiData", "lastLaunchedTime", "imdsSupport", "deregistrationProtection"}

// checkImageAttribute checks an attribute's name.
func checkImageAttribute(name string) error {
	switch {
	case name == "":
		return ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter Attribute")
	case !slices.Contains(imageAttributes, name):
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter attribute is invalid. Unknown attribute.", name)
	}
	return nil
}

// value is an attribute value, nil when empty (EC2 leaves it out).
func value(v string) *ec2.AttributeValue {
	if v == "" {
		return nil
	}
	return &ec2.AttributeValue{Value: v}
}

// DescribeImageAttribute reads one attribute of an image: any attribute
// of the account's own, and those of a configured image other accounts
// may read (not its launch permissions).
func (s *Service) DescribeImageAttribute(ctx context.Context, region string, in *ec2.DescribeImageAttributeInput) (*ec2.ImageAttributeOutput, error) {
	if err := checkImageAttribute(in.Attribute); err != nil {
		return nil, err
	}
	reg, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	out := &ec2.ImageAttributeOutput{ImageId: in.ImageId}
	err = reg.View(func(r *state.Region) error {
		a, err := s.ownImage(r, in.ImageId)
		if ec2.CodeOf(err) == ec2.CodeAuthFailure && in.Attribute != "launchPermission" {
			im, _ := s.cat.Image(r, in.ImageId)
			a = &catalog.AMI{ImageId: im.ImageId, Description: im.Description, Mappings: im.BlockDeviceMappings,
				SriovNetSupport: im.SriovNetSupport, BootMode: im.BootMode}
		} else if err != nil {
			return err
		}
		switch in.Attribute {
		case "description":
			out.Description = &ec2.AttributeValue{Value: a.Description}
		case "launchPermission":
			out.LaunchPermissions = append([]ec2.LaunchPermission{}, a.LaunchPermissions...)
		case "productCodes":
			out.ProductCodes = []ec2.ProductCode{}
		case "blockDeviceMapping":
			out.BlockDeviceMappings = append([]ec2.BlockDeviceMapping{}, a.Mappings...)
		case "sriovNetSupport":
			out.SriovNetSupport = value(a.SriovNetSupport)
		case "bootMode":
			out.BootMode = value(a.BootMode)
		case "tpmSupport":
			out.TpmSupport = value(a.TpmSupport)
		case "uefiData":
			out.UefiData = value(a.UefiData)
		case "imdsSupport":
			out.ImdsSupport = value(a.ImdsSupport)
		case "lastLaunchedTime":
			if !a.LastLaunched.IsZero() {
				out.LastLaunchedTime = value(a.LastLaunched.UTC().Format(time.RFC3339))
			}
		case "deregistrationProtection":
			out.DeregistrationProtection = value(a.Protection())
		}
		return dryRun(in.DryRun)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ModifyImageAttribute changes an image's description, who may launch it
// (accounts, everyone as the group "all" unless block public access for
// AMIs is on, organizations) or makes it require IMDSv2 (which cannot be
// undone, as in EC2).
func (s *Service) ModifyImageAttribute(ctx context.Context, region string, in *ec2.ModifyImageAttributeInput) (*ec2.Empty, error) {
	attr := in.Attribute
	switch {
	case attr == "" && in.Description != nil:
		attr = "description"
	case attr == "" && in.LaunchPermission != nil, attr == "" && (len(in.UserIds) > 0 || len(in.UserGroups) > 0):
		attr = "launchPermission"
	case attr == "" && in.ImdsSupport != nil:
		attr = "imdsSupport"
	case attr == "" && len(in.ProductCodes) > 0:
		attr = "productCodes"
	case attr == "":
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter Attribute")
	}
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		a, err := s.ownImage(tx, in.ImageId)
		if err != nil {
			return err
		}
		n := *a
		switch attr {
		case "description":
			d := in.Value
			if in.Description != nil {
				d = in.Description.Value
			}
			if len(d) > 255 {
				return ec2.Errorf(ec2.CodeInvalidParameterValue, "The description must be at most 255 characters.")
			}
			n.Description = d
		case "launchPermission":
			add, del, err := launchChanges(in)
			if err != nil {
				return err
			}
			if catalog.PublicImagesBlocked(tx) && slices.Contains(add, ec2.LaunchPermission{Group: "all"}) {
				return ec2.Errorf(ec2.CodeOperationNotPermitted, "You can't publicly share this image because block public access for AMIs is enabled for this account. To publicly share the image, you must call the DisableImageBlockPublicAccess API.")
			}
			n.LaunchPermissions = editPermissions(a.LaunchPermissions, add, del)
		case "imdsSupport":
			v := in.Value
			if in.ImdsSupport != nil {
				v = in.ImdsSupport.Value
			}
			if v != "v2.0" {
				return ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for ImdsSupport: v2.0.", v)
			}
			n.ImdsSupport = v
		case "productCodes":
			return ec2.Errorf(ec2.CodeOperationNotPermitted, "Only AWS Marketplace sellers may add product codes.")
		default:
			if err := checkImageAttribute(attr); err != nil {
				return err
			}
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "The attribute %s cannot be modified.", attr)
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		catalog.PutAMI(tx, &n)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

// launchChanges reads ModifyImageAttribute's ways of changing launch
// permissions: LaunchPermission's Add and Remove, or OperationType with
// UserIds, UserGroups, OrganizationArns and OrganizationalUnitArns.
func launchChanges(in *ec2.ModifyImageAttributeInput) (add, del []ec2.LaunchPermission, err error) {
	if p := in.LaunchPermission; p != nil {
		add, del = p.Add, p.Remove
	}
	var listed []ec2.LaunchPermission
	for _, u := range in.UserIds {
		listed = append(listed, ec2.LaunchPermission{UserId: u})
	}
	for _, g := range in.UserGroups {
		listed = append(listed, ec2.LaunchPermission{Group: g})
	}
	for _, o := range in.OrganizationArns {
		listed = append(listed, ec2.LaunchPermission{OrganizationArn: o})
	}
	for _, o := range in.OrganizationalUnitArns {
		listed = append(listed, ec2.LaunchPermission{OrganizationalUnitArn: o})
	}
	if add, del, err = byOperation(in.OperationType, add, del, listed, "launch permission"); err != nil {
		return nil, nil, err
	}
	for _, p := range slices.Concat(add, del) {
		switch {
		case p.Group != "" && p.Group != "all":
			return nil, nil, ec2.Errorf(ec2.CodeInvalidAMIAttributeItemValue, "Invalid attribute item value \"%s\" for group item type.", p.Group)
		case p.UserId != "" && !validAccount(p.UserId):
			return nil, nil, ec2.Errorf(ec2.CodeInvalidAMIAttributeItemValue, "Invalid attribute item value \"%s\" for userId item type.", p.UserId)
		case p.Group == "" && p.UserId == "" && p.OrganizationArn == "" && p.OrganizationalUnitArn == "":
			return nil, nil, ec2.Errorf(ec2.CodeInvalidAMIAttributeItemValue, "A launch permission names an account, a group, an organization or an organizational unit.")
		}
	}
	return add, del, nil
}

// ResetImageAttribute makes an image private again: EC2 resets launch
// permissions only.
func (s *Service) ResetImageAttribute(ctx context.Context, region string, in *ec2.ResetImageAttributeInput) (*ec2.Empty, error) {
	if in.Attribute != "launchPermission" {
		if err := checkImageAttribute(in.Attribute); err != nil {
			return nil, err
		}
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The attribute %s cannot be reset: only launchPermission can.", in.Attribute)
	}
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		a, err := s.ownImage(tx, in.ImageId)
		if err != nil {
			return err
		}
		if err := dryRun(in.DryRun); err != nil {
			return err
		}
		n := *a
		n.LaunchPermissions = nil
		catalog.PutAMI(tx, &n)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}
