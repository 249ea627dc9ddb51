package catalog

import (
	"context"
	"slices"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// The account's image settings in a region: block public access for
// AMIs, and Allowed AMIs (allowedimages.go has its criteria). They are
// the catalogue's because it describes and resolves images; the instance
// family reads PublicImagesBlocked when an image is shared.

// Setting values as EC2 names them.
const (
	imageBlockNew    = "block-new-sharing"
	imageUnblocked   = "unblocked"
	allowedEnabled   = "enabled"
	allowedAudit     = "audit-mode"
	allowedDisabled  = "disabled"
	managedByAccount = "account" // ManagedBy: set by the account, not a declarative policy
)

// imageSettings is one region's image settings, at imgset/<region>/account.
// The zero value is EC2's default for ec2x: public sharing unblocked
// (AWS blocks it in new accounts; ec2x keeps what it always allowed) and
// Allowed AMIs disabled.
type imageSettings struct {
	ID          string               `json:"ID"`
	BlockPublic bool                 `json:"BlockPublic,omitempty"`
	Allowed     string               `json:"Allowed,omitempty"` // "" disabled, enabled or audit-mode
	Criteria    []ec2.ImageCriterion `json:"Criteria,omitempty"`
}

// imageSettingsTable holds the one image settings record of each region.
var imageSettingsTable = state.Table[imageSettings]{Kind: "imgset", ID: func(s *imageSettings) string { return s.ID }}

const imageSettingsID = "account"

// imageSettingsOf is the region's image settings (the defaults until changed).
func imageSettingsOf(rd state.Reader) imageSettings {
	if s := state.Get(rd, imageSettingsTable, imageSettingsID); s != nil {
		return *s
	}
	return imageSettings{ID: imageSettingsID}
}

// PublicImagesBlocked reports whether block public access for AMIs
// refuses new public shares of the region's images.
func PublicImagesBlocked(rd state.Reader) bool { return imageSettingsOf(rd).BlockPublic }

// updateImageSettings changes the region's image settings in one
// transaction and returns them as changed.
func (c *Catalog) updateImageSettings(ctx context.Context, region string, dry bool, change func(*imageSettings) error) (imageSettings, error) {
	var out imageSettings
	err := c.rt.Update(ctx, region, func(tx *state.Tx) error {
		cur := imageSettingsOf(tx)
		cur.Criteria = slices.Clone(cur.Criteria)
		if err := change(&cur); err != nil {
			return err
		}
		if dry {
			return state.DryRun()
		}
		state.Put(tx, imageSettingsTable, &cur)
		out = cur
		return nil
	})
	return out, err
}

// readImageSettings is the region's image settings for a Get action, or
// DryRun's answer.
func (c *Catalog) readImageSettings(region string, dry bool) (imageSettings, error) {
	r, err := c.rt.Region(region)
	if err != nil {
		return imageSettings{}, err
	}
	var out imageSettings
	_ = r.View(func(r *state.Region) error { out = imageSettingsOf(r); return nil })
	if dry {
		return out, state.DryRun()
	}
	return out, nil
}

// EnableImageBlockPublicAccess refuses new public shares of the region's
// images; those already public stay public. EC2 takes up to ten minutes
// to apply it; ec2x applies it at once.
func (c *Catalog) EnableImageBlockPublicAccess(ctx context.Context, region string, in *ec2.EnableImageBlockPublicAccessInput) (*ec2.ImageBlockPublicAccessOutput, error) {
	switch in.ImageBlockPublicAccessState {
	case imageBlockNew:
	case "":
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter ImageBlockPublicAccessState")
	default:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter ImageBlockPublicAccessState is invalid. Valid values: block-new-sharing.", in.ImageBlockPublicAccessState)
	}
	if _, err := c.updateImageSettings(ctx, region, in.DryRun, func(s *imageSettings) error { s.BlockPublic = true; return nil }); err != nil {
		return nil, err
	}
	return &ec2.ImageBlockPublicAccessOutput{ImageBlockPublicAccessState: imageBlockNew}, nil
}

// DisableImageBlockPublicAccess lets the region's images be made public.
func (c *Catalog) DisableImageBlockPublicAccess(ctx context.Context, region string, in *ec2.DryRunInput) (*ec2.ImageBlockPublicAccessOutput, error) {
	if _, err := c.updateImageSettings(ctx, region, in.DryRun, func(s *imageSettings) error { s.BlockPublic = false; return nil }); err != nil {
		return nil, err
	}
	return &ec2.ImageBlockPublicAccessOutput{ImageBlockPublicAccessState: imageUnblocked}, nil
}

// GetImageBlockPublicAccessState is the region's state.
func (c *Catalog) GetImageBlockPublicAccessState(ctx context.Context, region string, in *ec2.DryRunInput) (*ec2.GetImageBlockPublicAccessStateOutput, error) {
	s, err := c.readImageSettings(region, in.DryRun)
	if err != nil {
		return nil, err
	}
	out := &ec2.GetImageBlockPublicAccessStateOutput{ImageBlockPublicAccessState: imageUnblocked, ManagedBy: managedByAccount}
	if s.BlockPublic {
		out.ImageBlockPublicAccessState = imageBlockNew
	}
	return out, nil
}

// EnableAllowedImagesSettings applies the criteria (enabled: images that
// meet none cannot be seen or launched) or only reports them (audit-mode:
// ImageAllowed says what enabled would do).
func (c *Catalog) EnableAllowedImagesSettings(ctx context.Context, region string, in *ec2.EnableAllowedImagesSettingsInput) (*ec2.AllowedImagesSettingsOutput, error) {
	switch in.AllowedImagesSettingsState {
	case allowedEnabled, allowedAudit:
	case "":
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter AllowedImagesSettingsState")
	default:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter AllowedImagesSettingsState is invalid. Valid values: enabled, audit-mode.", in.AllowedImagesSettingsState)
	}
	if _, err := c.updateImageSettings(ctx, region, in.DryRun, func(s *imageSettings) error { s.Allowed = in.AllowedImagesSettingsState; return nil }); err != nil {
		return nil, err
	}
	return &ec2.AllowedImagesSettingsOutput{AllowedImagesSettingsState: in.AllowedImagesSettingsState}, nil
}

// DisableAllowedImagesSettings allows every image again; the criteria stay.
func (c *Catalog) DisableAllowedImagesSettings(ctx context.Context, region string, in *ec2.DryRunInput) (*ec2.AllowedImagesSettingsOutput, error) {
	if _, err := c.updateImageSettings(ctx, region, in.DryRun, func(s *imageSettings) error { s.Allowed = ""; return nil }); err != nil {
		return nil, err
	}
	return &ec2.AllowedImagesSettingsOutput{AllowedImagesSettingsState: allowedDisabled}, nil
}

// GetAllowedImagesSettings is the region's state and criteria.
func (c *Catalog) GetAllowedImagesSettings(ctx context.Context, region string, in *ec2.DryRunInput) (*ec2.GetAllowedImagesSettingsOutput, error) {
	s, err := c.readImageSettings(region, in.DryRun)
	if err != nil {
		return nil, err
	}
	st := s.Allowed
	if st == "" {
		st = allowedDisabled
	}
	return &ec2.GetAllowedImagesSettingsOutput{State: st, ImageCriteria: s.Criteria, ManagedBy: managedByAccount}, nil
}

// ReplaceImageCriteriaInAllowedImagesSettings sets the criteria, whatever
// the state (they apply once enabled).
func (c *Catalog) ReplaceImageCriteriaInAllowedImagesSettings(ctx context.Context, region string, in *ec2.ReplaceImageCriteriaInAllowedImagesSettingsInput) (*ec2.ReplaceImageCriteriaInAllowedImagesSettingsOutput, error) {
	criteria, err := imageCriteria(in.ImageCriteria)
	if err != nil {
		return nil, err
	}
	if _, err := c.updateImageSettings(ctx, region, in.DryRun, func(s *imageSettings) error { s.Criteria = criteria; return nil }); err != nil {
		return nil, err
	}
	return &ec2.ReplaceImageCriteriaInAllowedImagesSettingsOutput{ReturnValue: true}, nil
}
