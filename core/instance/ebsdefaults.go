package instance

import (
	"context"
	"regexp"
	"strings"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// The account's EBS settings in a region, kept in its settings record:
// encryption by default, the default KMS key, and block public access
// for snapshots. Their effects are where volumes and snapshots are made
// (volumeKeys) and shared (ModifySnapshotAttribute, DescribeSnapshots).

// Block public access states for snapshots, as EC2 names them.
const (
	snapUnblocked  = "unblocked"
	snapBlockNew   = "block-new-sharing"
	snapBlockAll   = "block-all-sharing"
	managedAccount = "account" // ManagedBy: set by the account, not a declarative policy
)

// kmsKeyShapes are the ways to name a KMS key: a key ID (a UUID, or a
// multi-Region key's mrk- ID), an alias, or a key or alias ARN.
var kmsKeyShapes = regexp.MustCompile(`^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias/[A-Za-z0-9/_-]+|arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/[A-Za-z0-9/_-]+)$`)

// kmsARN is a KMS key named any way as an ARN in region: EC2 shows keys
// as ARNs. ec2x has no KMS, so an alias stays an alias ARN.
func kmsARN(region, id string) string {
	switch {
	case id == "", strings.HasPrefix(id, "arn:"):
		return id
	case strings.HasPrefix(id, "alias/"):
		return "arn:aws:kms:" + region + ":" + ec2.OwnerID + ":" + id
	}
	return "arn:aws:kms:" + region + ":" + ec2.OwnerID + ":key/" + id
}

// volumeKeys is how a region encrypts its new volumes and snapshot copies.
type volumeKeys struct {
	region string
	always bool   // encryption by default
	key    string // the default key's ARN
}

// volumeKeysOf is the region's volumeKeys under its settings.
func volumeKeysOf(rd state.Reader) volumeKeys {
	st, region := settingsOf(rd), rd.Region().Name
	return volumeKeys{region: region, always: st.EbsEncrypt, key: or(st.EbsKmsKey, defaultKmsKey(region))}
}

// of is a new volume's encryption and key: encryption by default encrypts
// it whatever the request said (EC2 ignores Encrypted=false then), and
// an encrypted volume named no key gets the default one.
func (k volumeKeys) of(encrypted bool, kms string) (bool, string) {
	if !encrypted && !k.always {
		return false, ""
	}
	if kms == "" {
		return true, k.key
	}
	return true, kmsARN(k.region, kms)
}

// readSettingsDry is the region's settings for a Get action, or DryRun's
// answer.
func (s *Service) readSettingsDry(region string, dry bool) (settings, error) {
	st, err := s.readSettings(region)
	if err == nil && dry {
		err = state.DryRun()
	}
	return st, err
}

// EnableEbsEncryptionByDefault makes every new volume of the region encrypted.
func (s *Service) EnableEbsEncryptionByDefault(ctx context.Context, region string, in *ec2.DryRunInput) (*ec2.EbsEncryptionByDefaultOutput, error) {
	st, err := s.updateSettings(ctx, region, in.DryRun, func(st *settings) error { st.EbsEncrypt = true; return nil })
	if err != nil {
		return nil, err
	}
	return &ec2.EbsEncryptionByDefaultOutput{EbsEncryptionByDefault: st.EbsEncrypt}, nil
}

// DisableEbsEncryptionByDefault leaves new volumes' encryption to their requests.
func (s *Service) DisableEbsEncryptionByDefault(ctx context.Context, region string, in *ec2.DryRunInput) (*ec2.EbsEncryptionByDefaultOutput, error) {
	st, err := s.updateSettings(ctx, region, in.DryRun, func(st *settings) error { st.EbsEncrypt = false; return nil })
	if err != nil {
		return nil, err
	}
	return &ec2.EbsEncryptionByDefaultOutput{EbsEncryptionByDefault: st.EbsEncrypt}, nil
}

// GetEbsEncryptionByDefault is whether new volumes are encrypted; EBS
// encrypts with KMS keys (sse-ebs).
func (s *Service) GetEbsEncryptionByDefault(ctx context.Context, region string, in *ec2.DryRunInput) (*ec2.GetEbsEncryptionByDefaultOutput, error) {
	st, err := s.readSettingsDry(region, in.DryRun)
	if err != nil {
		return nil, err
	}
	return &ec2.GetEbsEncryptionByDefaultOutput{EbsEncryptionByDefault: st.EbsEncrypt, SseType: "sse-ebs"}, nil
}

// GetEbsDefaultKmsKeyId is the key volumes encrypted without one get.
func (s *Service) GetEbsDefaultKmsKeyId(ctx context.Context, region string, in *ec2.DryRunInput) (*ec2.EbsDefaultKmsKeyIdOutput, error) {
	st, err := s.readSettingsDry(region, in.DryRun)
	if err != nil {
		return nil, err
	}
	return &ec2.EbsDefaultKmsKeyIdOutput{KmsKeyId: or(st.EbsKmsKey, defaultKmsKey(region))}, nil
}

// ModifyEbsDefaultKmsKeyId sets the default key. EC2 checks the key with
// KMS later (an unknown one seems to succeed); ec2x has no KMS, so it
// checks the name's shape only.
func (s *Service) ModifyEbsDefaultKmsKeyId(ctx context.Context, region string, in *ec2.ModifyEbsDefaultKmsKeyIdInput) (*ec2.EbsDefaultKmsKeyIdOutput, error) {
	switch {
	case in.KmsKeyId == "":
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter KmsKeyId")
	case !kmsKeyShapes.MatchString(in.KmsKeyId):
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for KmsKeyId: use a key ID, an alias (alias/...), or a key or alias ARN.", in.KmsKeyId)
	}
	st, err := s.updateSettings(ctx, region, in.DryRun, func(st *settings) error {
		st.EbsKmsKey = kmsARN(region, in.KmsKeyId)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ec2.EbsDefaultKmsKeyIdOutput{KmsKeyId: st.EbsKmsKey}, nil
}

// ResetEbsDefaultKmsKeyId makes the AWS managed key (aws/ebs) the default again.
func (s *Service) ResetEbsDefaultKmsKeyId(ctx context.Context, region string, in *ec2.DryRunInput) (*ec2.EbsDefaultKmsKeyIdOutput, error) {
	if _, err := s.updateSettings(ctx, region, in.DryRun, func(st *settings) error { st.EbsKmsKey = ""; return nil }); err != nil {
		return nil, err
	}
	return &ec2.EbsDefaultKmsKeyIdOutput{KmsKeyId: defaultKmsKey(region)}, nil
}

// EnableSnapshotBlockPublicAccess blocks new public sharing of snapshots
// (block-new-sharing), or that and the public snapshots already shared
// (block-all-sharing: they stay shared, but no other account sees them).
func (s *Service) EnableSnapshotBlockPublicAccess(ctx context.Context, region string, in *ec2.EnableSnapshotBlockPublicAccessInput) (*ec2.SnapshotBlockPublicAccessOutput, error) {
	switch in.State {
	case snapBlockNew, snapBlockAll:
	case "":
		return nil, ec2.Errorf(ec2.CodeMissingParameter, "The request must contain the parameter State")
	default:
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value (%s) for parameter State is invalid. Valid values: block-all-sharing, block-new-sharing.", in.State)
	}
	if _, err := s.updateSettings(ctx, region, in.DryRun, func(st *settings) error { st.SnapshotBPA = in.State; return nil }); err != nil {
		return nil, err
	}
	return &ec2.SnapshotBlockPublicAccessOutput{State: in.State}, nil
}

// DisableSnapshotBlockPublicAccess lets snapshots be public again (those
// already shared are public again at once).
func (s *Service) DisableSnapshotBlockPublicAccess(ctx context.Context, region string, in *ec2.DryRunInput) (*ec2.SnapshotBlockPublicAccessOutput, error) {
	if _, err := s.updateSettings(ctx, region, in.DryRun, func(st *settings) error { st.SnapshotBPA = ""; return nil }); err != nil {
		return nil, err
	}
	return &ec2.SnapshotBlockPublicAccessOutput{State: snapUnblocked}, nil
}

// GetSnapshotBlockPublicAccessState is the region's state, unblocked by default.
func (s *Service) GetSnapshotBlockPublicAccessState(ctx context.Context, region string, in *ec2.DryRunInput) (*ec2.GetSnapshotBlockPublicAccessStateOutput, error) {
	st, err := s.readSettingsDry(region, in.DryRun)
	if err != nil {
		return nil, err
	}
	return &ec2.GetSnapshotBlockPublicAccessStateOutput{State: or(st.SnapshotBPA, snapUnblocked), ManagedBy: managedAccount}, nil
}

// publicSnapshotsShown reports whether the region's public snapshots are
// public in effect: block-all-sharing treats them as private.
func publicSnapshotsShown(rd state.Reader) bool { return settingsOf(rd).SnapshotBPA != snapBlockAll }

// refusePublicSnapshot refuses a new public share while block public
// access is on. EC2's code for it is not in the SDK's model; this is the
// one EC2 gives for the same refusal of images (block public access for
// AMIs, ModifyImageAttribute): OperationNotPermitted.
func refusePublicSnapshot(rd state.Reader, id string) error {
	if st := settingsOf(rd).SnapshotBPA; st != "" {
		return ec2.Errorf(ec2.CodeOperationNotPermitted, "You can't publicly share snapshot %s because block public access for snapshots is enabled (%s) in this Region. To publicly share it, call DisableSnapshotBlockPublicAccess.", id, st)
	}
	return nil
}
