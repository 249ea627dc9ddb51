package instance

import (
	"context"
	"slices"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// settings is the account's instance settings in one region: which tags
// scheduled event notifications carry, the IMDS defaults of launches, and
// the EBS settings (ebsdefaults.go). One record per region, at
// iset/<region>/account; a field a store written before it lacks is its
// zero value, the setting's default.
type settings struct {
	ID            string                       `json:"ID"`
	EventTags     ec2.InstanceTagAttribute     `json:"EventTags"`
	MetadataDflts ec2.InstanceMetadataDefaults `json:"MetadataDefaults"`
	// EbsEncrypt is encryption by default; EbsKmsKey the default key's
	// ARN ("": the AWS managed key); SnapshotBPA block public access for
	// snapshots ("": unblocked).
	EbsEncrypt  bool   `json:"EbsEncrypt,omitempty"`
	EbsKmsKey   string `json:"EbsKmsKey,omitempty"`
	SnapshotBPA string `json:"SnapshotBPA,omitempty"`
}

// settingsTable holds the one settings record of each region.
var settingsTable = state.Table[settings]{Kind: "iset", ID: func(s *settings) string { return s.ID }}

const settingsID = "account"

// settingsOf is the region's settings (the zero settings until changed).
func settingsOf(rd state.Reader) settings {
	if s := state.Get(rd, settingsTable, settingsID); s != nil {
		return *s
	}
	return settings{ID: settingsID, EventTags: ec2.InstanceTagAttribute{InstanceTagKeys: []string{}}}
}

// updateSettings changes the region's settings in one transaction and
// returns them as changed.
func (s *Service) updateSettings(ctx context.Context, region string, dryRun bool, change func(*settings) error) (settings, error) {
	var out settings
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		cur := settingsOf(tx)
		cur.EventTags.InstanceTagKeys = slices.Clone(cur.EventTags.InstanceTagKeys)
		if err := change(&cur); err != nil {
			return err
		}
		if dryRun {
			return state.DryRun()
		}
		state.Put(tx, settingsTable, &cur)
		out = cur
		return nil
	})
	return out, err
}

// readSettings is the region's settings under its read lock.
func (s *Service) readSettings(region string) (settings, error) {
	r, err := s.rt.Region(region)
	if err != nil {
		return settings{}, err
	}
	r.RLock()
	defer r.RUnlock()
	return settingsOf(r), nil
}

// eventTagsRequest checks a Register/Deregister request as EC2 does: it
// must say something.
func eventTagsRequest(req *ec2.InstanceTagAttributeRequest) error {
	if req == nil || (req.IncludeAllTagsOfInstance == nil && len(req.InstanceTagKeys) == 0) {
		return ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter InstanceTagAttribute with IncludeAllTagsOfInstance or InstanceTagKeys")
	}
	return nil
}

// RegisterInstanceEventNotificationAttributes adds tag keys (or all tags)
// to the instance tags that scheduled event notifications carry.
func (s *Service) RegisterInstanceEventNotificationAttributes(ctx context.Context, region string, in *ec2.RegisterInstanceEventNotificationAttributesInput) (*ec2.InstanceEventNotificationAttributesOutput, error) {
	if err := eventTagsRequest(in.InstanceTagAttribute); err != nil {
		return nil, err
	}
	set, err := s.updateSettings(ctx, region, in.DryRun, func(st *settings) error {
		req := in.InstanceTagAttribute
		if req.IncludeAllTagsOfInstance != nil && *req.IncludeAllTagsOfInstance {
			st.EventTags.IncludeAllTagsOfInstance = true
		}
		for _, k := range req.InstanceTagKeys {
			if !slices.Contains(st.EventTags.InstanceTagKeys, k) {
				st.EventTags.InstanceTagKeys = append(st.EventTags.InstanceTagKeys, k)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.InstanceEventNotificationAttributesOutput{InstanceTagAttribute: set.EventTags}, nil
}

// DeregisterInstanceEventNotificationAttributes removes tag keys (or the
// all-tags setting).
func (s *Service) DeregisterInstanceEventNotificationAttributes(ctx context.Context, region string, in *ec2.DeregisterInstanceEventNotificationAttributesInput) (*ec2.InstanceEventNotificationAttributesOutput, error) {
	if err := eventTagsRequest(in.InstanceTagAttribute); err != nil {
		return nil, err
	}
	set, err := s.updateSettings(ctx, region, in.DryRun, func(st *settings) error {
		req := in.InstanceTagAttribute
		if req.IncludeAllTagsOfInstance != nil && *req.IncludeAllTagsOfInstance {
			st.EventTags.IncludeAllTagsOfInstance = false
		}
		st.EventTags.InstanceTagKeys = slices.DeleteFunc(st.EventTags.InstanceTagKeys, func(k string) bool {
			return slices.Contains(req.InstanceTagKeys, k)
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.InstanceEventNotificationAttributesOutput{InstanceTagAttribute: set.EventTags}, nil
}

// DescribeInstanceEventNotificationAttributes is the region's setting.
func (s *Service) DescribeInstanceEventNotificationAttributes(ctx context.Context, region string, in *ec2.DescribeInstanceEventNotificationAttributesInput) (*ec2.InstanceEventNotificationAttributesOutput, error) {
	set, err := s.readSettings(region)
	if err != nil {
		return nil, err
	}
	return &ec2.InstanceEventNotificationAttributesOutput{InstanceTagAttribute: set.EventTags}, nil
}

// GetInstanceMetadataDefaults is the region's IMDS defaults for launches.
func (s *Service) GetInstanceMetadataDefaults(ctx context.Context, region string, in *ec2.GetInstanceMetadataDefaultsInput) (*ec2.GetInstanceMetadataDefaultsOutput, error) {
	set, err := s.readSettings(region)
	if err != nil {
		return nil, err
	}
	return &ec2.GetInstanceMetadataDefaultsOutput{AccountLevel: set.MetadataDflts}, nil
}

// ModifyInstanceMetadataDefaults sets or clears ("no-preference") the
// region's IMDS defaults.
func (s *Service) ModifyInstanceMetadataDefaults(ctx context.Context, region string, in *ec2.ModifyInstanceMetadataDefaultsInput) (*ec2.Empty, error) {
	for _, err := range []error{
		oneOf("HttpTokens", in.HttpTokens, "optional", "required", "no-preference"),
		oneOf("HttpEndpoint", in.HttpEndpoint, "enabled", "disabled", "no-preference"),
		oneOf("InstanceMetadataTags", in.InstanceMetadataTags, "enabled", "disabled", "no-preference"),
		oneOf("HttpTokensEnforced", in.HttpTokensEnforced, "enabled", "disabled", "no-preference"),
	} {
		if err != nil {
			return nil, err
		}
	}
	if h := in.HttpPutResponseHopLimit; h != nil && *h != -1 && (*h < 1 || *h > 64) {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%d' for HttpPutResponseHopLimit: use 1 to 64, or -1 for no preference.", *h)
	}
	if in.HttpTokens == "" && in.HttpEndpoint == "" && in.InstanceMetadataTags == "" && in.HttpTokensEnforced == "" && in.HttpPutResponseHopLimit == nil {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain at least one of HttpTokens, HttpPutResponseHopLimit, HttpEndpoint, InstanceMetadataTags, HttpTokensEnforced")
	}
	_, err := s.updateSettings(ctx, region, in.DryRun, func(st *settings) error {
		d := &st.MetadataDflts
		setPref(&d.HttpTokens, in.HttpTokens)
		setPref(&d.HttpEndpoint, in.HttpEndpoint)
		setPref(&d.InstanceMetadataTags, in.InstanceMetadataTags)
		setPref(&d.HttpTokensEnforced, in.HttpTokensEnforced)
		if h := in.HttpPutResponseHopLimit; h != nil {
			d.HttpPutResponseHopLimit = max(*h, 0)
		}
		d.ManagedBy = "account"
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.Empty{Return: true}, nil
}

// setPref applies one ModifyInstanceMetadataDefaults value: absent leaves
// the default, no-preference clears it.
func setPref(field *string, v string) {
	switch v {
	case "":
	case "no-preference":
		*field = ""
	default:
		*field = v
	}
}

// reportReasons are ReportInstanceStatus' reason codes.
var reportReasons = []string{"instance-stuck-in-state", "unresponsive", "not-accepting-credentials", "password-not-available",
	"performance-network", "performance-instance-store", "performance-ebs-volume", "performance-other", "other"}

// ReportInstanceStatus takes feedback about instances, as EC2 does: it is
// checked and acknowledged, and changes no status (EC2 uses it to improve
// its checks; ec2x's come from the drivers).
func (s *Service) ReportInstanceStatus(ctx context.Context, region string, in *ec2.ReportInstanceStatusInput) (*ec2.Empty, error) {
	switch {
	case len(in.Instances) == 0:
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter InstanceId")
	case in.Status != "ok" && in.Status != "impaired":
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for Status: use ok or impaired.", in.Status)
	case len(in.ReasonCodes) == 0:
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter ReasonCode")
	case in.StartTime != nil && in.EndTime != nil && in.EndTime.Before(*in.StartTime):
		return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "The end time %s is before the start time %s.", in.EndTime.Format(time.RFC3339), in.StartTime.Format(time.RFC3339))
	case len(in.Description) > 512:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The description is longer than 512 characters.")
	}
	for _, c := range in.ReasonCodes {
		if !slices.Contains(reportReasons, c) {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for ReasonCode.", c)
		}
	}
	r, err := s.rt.Region(region)
	if err != nil {
		return nil, err
	}
	r.RLock()
	_, err = s.lookup(r, in.Instances)
	r.RUnlock()
	if err != nil {
		return nil, err
	}
	if in.DryRun {
		return nil, state.DryRun()
	}
	return &ec2.Empty{Return: true}, nil
}

// GetInstanceUefiData answers as EC2 does for an instance that does not
// boot with UEFI variables kept by EC2: ec2x's guests boot from the
// image's own loader (or a kernel), so none has a UEFI variable store.
func (s *Service) GetInstanceUefiData(ctx context.Context, region string, in *ec2.InstanceIdInput) (*ec2.Empty, error) {
	if err := s.mustExist(region, in.InstanceId); err != nil {
		return nil, err
	}
	return nil, ec2.Errorf(ec2.CodeUnsupportedOperation, "The instance '%s' does not have UEFI data: it does not boot in UEFI mode.", in.InstanceId)
}

// GetInstanceTpmEkPub answers as EC2 does for an instance without
// NitroTPM: ec2x's guests have no TPM.
func (s *Service) GetInstanceTpmEkPub(ctx context.Context, region string, in *ec2.GetInstanceTpmEkPubInput) (*ec2.Empty, error) {
	if in.KeyType == "" || in.KeyFormat == "" {
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameters KeyType and KeyFormat")
	}
	if err := oneOf("KeyType", in.KeyType, "rsa-2048", "ecc-sec-p384"); err != nil {
		return nil, err
	}
	if err := oneOf("KeyFormat", in.KeyFormat, "der", "tpmt"); err != nil {
		return nil, err
	}
	if err := s.mustExist(region, in.InstanceId); err != nil {
		return nil, err
	}
	return nil, ec2.Errorf(ec2.CodeUnsupportedOperation, "The instance '%s' does not have NitroTPM enabled.", in.InstanceId)
}

// mustExist fails as EC2 does when id names no instance of the region.
func (s *Service) mustExist(region, id string) error {
	r, err := s.rt.Region(region)
	if err != nil {
		return err
	}
	r.RLock()
	defer r.RUnlock()
	_, err = s.lookup(r, []string{id})
	return err
}

// withDefaults fills what a launch left unset in its metadata options
// with the region's defaults (ModifyInstanceMetadataDefaults), as EC2 does:
// what the launch set wins, then the account's default, then EC2's own.
func (m MetadataOpts) withDefaults(d ec2.InstanceMetadataDefaults) MetadataOpts {
	if m.HttpTokens == "" {
		m.HttpTokens = d.HttpTokens
	}
	if m.HopLimit == 0 {
		m.HopLimit = d.HttpPutResponseHopLimit
	}
	if m.HttpEndpoint == "" {
		m.HttpEndpoint = d.HttpEndpoint
	}
	if m.Tags == "" {
		m.Tags = d.InstanceMetadataTags
	}
	return m
}
