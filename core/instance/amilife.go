package instance

import (
	"context"
	"slices"
	"time"

	"github.com/ec2x/ec2x/core/catalog"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// An image's life after it is made: disabled and enabled again,
// deprecated, protected from deregistration, watermarked, limited to
// instance types; and what tells where it came from and who uses it.

// changeImage applies f to one of the account's images in one change.
func (s *Service) changeImage(ctx context.Context, region, id string, dry bool, f func(a *catalog.AMI, now time.Time) error) error {
	return s.rt.Update(ctx, region, func(tx *state.Tx) error {
		a, err := s.ownImage(tx, id)
		if err != nil {
			return err
		}
		n := *a
		if err := f(&n, s.clk.Now().UTC()); err != nil {
			return err
		}
		if err := dryRun(dry); err != nil {
			return err
		}
		catalog.PutAMI(tx, &n)
		return nil
	})
}

// DisableImage makes an image unusable: it cannot launch, and it is no
// longer shared (EC2 makes a disabled image private).
func (s *Service) DisableImage(ctx context.Context, region string, in *ec2.DisableImageInput) (*ec2.Empty, error) {
	err := s.changeImage(ctx, region, in.ImageId, in.DryRun, func(a *catalog.AMI, _ time.Time) error {
		switch {
		case a.Disabled:
			return ec2.Errorf(ec2.CodeIncorrectState, "The image %s is already disabled.", a.ImageId)
		case !a.Available():
			return ec2.Errorf(ec2.CodeIncorrectState, "The image %s is pending; only an available image can be disabled.", a.ImageId)
		}
		a.Disabled, a.LaunchPermissions = true, nil
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

// EnableImage makes a disabled image available again (still private).
func (s *Service) EnableImage(ctx context.Context, region string, in *ec2.EnableImageInput) (*ec2.Empty, error) {
	err := s.changeImage(ctx, region, in.ImageId, in.DryRun, func(a *catalog.AMI, _ time.Time) error {
		if !a.Disabled {
			return ec2.Errorf(ec2.CodeIncorrectState, "The image %s is not disabled.", a.ImageId)
		}
		a.Disabled = false
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

// maxDeprecation is how far ahead EC2 lets an image's deprecation be set.
const maxDeprecation = 10 * 365 * 24 * time.Hour

// EnableImageDeprecation sets when an image is deprecated, rounded to the
// minute as EC2 does; up to ten years ahead.
func (s *Service) EnableImageDeprecation(ctx context.Context, region string, in *ec2.EnableImageDeprecationInput) (*ec2.Empty, error) {
	if in.DeprecateAt.IsZero() {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter DeprecateAt")
	}
	err := s.changeImage(ctx, region, in.ImageId, in.DryRun, func(a *catalog.AMI, now time.Time) error {
		at := in.DeprecateAt.UTC().Round(time.Minute)
		if at.After(now.Add(maxDeprecation)) {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "DeprecateAt %s is more than 10 years ahead.", at.Format(time.RFC3339))
		}
		a.Deprecation = at
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

// DisableImageDeprecation cancels an image's deprecation.
func (s *Service) DisableImageDeprecation(ctx context.Context, region string, in *ec2.DisableImageDeprecationInput) (*ec2.Empty, error) {
	err := s.changeImage(ctx, region, in.ImageId, in.DryRun, func(a *catalog.AMI, _ time.Time) error {
		a.Deprecation = time.Time{}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

// protectionCooldown is how long an image stays protected after its
// protection with cooldown is disabled.
const protectionCooldown = 24 * time.Hour

// EnableImageDeregistrationProtection keeps an image from being
// deregistered; WithCooldown keeps it so for 24 hours after protection
// is disabled.
func (s *Service) EnableImageDeregistrationProtection(ctx context.Context, region string, in *ec2.EnableImageDeregistrationProtectionInput) (*ec2.StringReturnOutput, error) {
	var out ec2.StringReturnOutput
	err := s.changeImage(ctx, region, in.ImageId, in.DryRun, func(a *catalog.AMI, _ time.Time) error {
		a.Protected, a.Cooldown, a.Unprotect = true, in.WithCooldown, time.Time{}
		out.Return = a.Protection()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DisableImageDeregistrationProtection lets an image be deregistered: at
// once, or 24 hours later if it was protected with cooldown.
func (s *Service) DisableImageDeregistrationProtection(ctx context.Context, region string, in *ec2.DisableImageDeregistrationProtectionInput) (*ec2.StringReturnOutput, error) {
	var out ec2.StringReturnOutput
	err := s.changeImage(ctx, region, in.ImageId, in.DryRun, func(a *catalog.AMI, now time.Time) error {
		if a.Protected && a.Cooldown {
			a.Unprotect = now.Add(protectionCooldown)
		}
		a.Protected = false
		out.Return = a.Protection()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// CancelImageLaunchPermission gives up the launch permission another
// account shared an image with: the account's own images and public
// ones are not shared with it, and no other account shares here.
func (s *Service) CancelImageLaunchPermission(ctx context.Context, region string, in *ec2.CancelImageLaunchPermissionInput) (*ec2.Empty, error) {
	reg, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	err = reg.View(func(r *state.Region) error {
		_, err := s.ownImage(r, in.ImageId)
		switch ec2.CodeOf(err) {
		case "":
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "The image %s is your own: change its launch permissions with ModifyImageAttribute.", in.ImageId)
		case ec2.CodeAuthFailure:
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "The image %s is public, not shared with your account: there is no launch permission to cancel.", in.ImageId)
		}
		return err
	})
	return nil, err
}

// WatermarkKey is a watermark's key: the account and its name.
func watermarkKey(name string) string { return ec2.OwnerID + ":" + name }

// AttachImageWatermark marks one of the account's images; the images made
// of it (CreateImage of its instances, CopyImage) carry the mark.
func (s *Service) AttachImageWatermark(ctx context.Context, region string, in *ec2.AttachImageWatermarkInput) (*ec2.AttachImageWatermarkOutput, error) {
	if err := checkAMIName(in.WatermarkName); err != nil {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Watermark names must be 3 to 128 of letters, digits and ()[] ./-'@_ characters.")
	}
	key := watermarkKey(in.WatermarkName)
	err := s.changeImage(ctx, region, in.ImageId, in.DryRun, func(a *catalog.AMI, now time.Time) error {
		if slices.ContainsFunc(a.Watermarks, func(w ec2.ImageWatermark) bool { return w.WatermarkKey == key }) {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "The image %s already has the watermark %s.", a.ImageId, key)
		}
		a.Watermarks = append(slices.Clone(a.Watermarks), ec2.ImageWatermark{WatermarkKey: key, WatermarkCreationTime: &now})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.AttachImageWatermarkOutput{WatermarkKey: key}, nil
}

// DetachImageWatermark removes a watermark from an image.
func (s *Service) DetachImageWatermark(ctx context.Context, region string, in *ec2.DetachImageWatermarkInput) (*ec2.Empty, error) {
	err := s.changeImage(ctx, region, in.ImageId, in.DryRun, func(a *catalog.AMI, _ time.Time) error {
		k := slices.IndexFunc(a.Watermarks, func(w ec2.ImageWatermark) bool { return w.WatermarkKey == in.WatermarkKey })
		if k < 0 {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "The image %s has no watermark %s.", a.ImageId, in.WatermarkKey)
		}
		a.Watermarks = slices.Delete(slices.Clone(a.Watermarks), k, k+1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

// inherited are the watermarks an image made of src (in region) carries:
// each of src's, naming src as its source unless it came from further back.
func inherited(src *catalog.AMI, region string) []ec2.ImageWatermark {
	var out []ec2.ImageWatermark
	for _, w := range src.Watermarks {
		if w.SourceImageId == "" {
			created := src.Created
			w.SourceImageId, w.SourceImageRegion, w.SourceImageCreationTime = src.ImageId, region, &created
		}
		out = append(out, w)
	}
	return out
}

// ReplaceImageInstanceTypeSpecification sets the instance types an image
// runs on (or does not); none given removes the specification. A launch
// on another type is refused.
func (s *Service) ReplaceImageInstanceTypeSpecification(ctx context.Context, region string, in *ec2.ReplaceImageInstanceTypeSpecificationInput) (*ec2.ReturnValueOutput, error) {
	var sup, unsup []string
	if spec := in.InstanceTypeSpecification; spec != nil {
		sup, unsup = spec.SupportedInstanceTypes, spec.UnsupportedInstanceTypes
	}
	if len(sup) > 0 && len(unsup) > 0 {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "Give SupportedInstanceTypes or UnsupportedInstanceTypes, not both.")
	}
	for _, t := range slices.Concat(sup, unsup) {
		if s.cfg.Types[t] == nil {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for InstanceType.", t)
		}
	}
	err := s.changeImage(ctx, region, in.ImageId, in.DryRun, func(a *catalog.AMI, _ time.Time) error {
		a.Supported, a.Unsupported = slices.Clone(sup), slices.Clone(unsup)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.ReturnValueOutput{ReturnValue: true}, nil
}

// GetImageAncestry traces an image back through the images it was made
// of (CreateImage's instance's image, CopyImage's source), across
// regions, to one that was made of none or is gone.
func (s *Service) GetImageAncestry(ctx context.Context, region string, in *ec2.GetImageAncestryInput) (*ec2.GetImageAncestryOutput, error) {
	out := &ec2.GetImageAncestryOutput{ImageAncestryEntries: []ec2.ImageAncestryEntry{}}
	id, where := in.ImageId, region
	for first := true; id != "" && len(out.ImageAncestryEntries) < 100; first = false {
		entry, next, nextRegion, err := s.ancestor(where, id)
		if err != nil {
			if first {
				return nil, err
			}
			break // the source is gone: the lineage ends there
		}
		out.ImageAncestryEntries = append(out.ImageAncestryEntries, entry)
		id, where = next, nextRegion
	}
	return out, nil
}

// ancestor is one image of a lineage, and the image it was made of.
func (s *Service) ancestor(region, id string) (ec2.ImageAncestryEntry, string, string, error) {
	var e ec2.ImageAncestryEntry
	var next, nextRegion string
	reg, err := s.rt.Region(region)
	if err != nil {
		return e, "", "", err
	}
	err = reg.View(func(r *state.Region) error {
		im, err := s.cat.Image(r, id)
		if err != nil {
			return err
		}
		e = ec2.ImageAncestryEntry{ImageId: im.ImageId, SourceImageId: im.SourceImageId, SourceImageRegion: im.SourceImageRegion, ImageOwnerAlias: im.ImageOwnerAlias}
		if t, err := time.Parse(time.RFC3339, im.CreationDate); err == nil {
			e.CreationDate = &t
		}
		next, nextRegion = im.SourceImageId, im.SourceImageRegion
		return nil
	})
	return e, next, nextRegion, err
}
